"""A throwaway PEM certificate and key (tests/fixtures/tls) for the TLS Secrets tests declare: a
``kubernetes.io/tls`` Secret takes a PEM pair, as the API server checks it."""

from __future__ import annotations

from pathlib import Path

_FOLDER = Path(__file__).resolve().parent / "fixtures" / "tls"
CERTIFICATE = (_FOLDER / "tls.crt").read_text()
PRIVATE_KEY = (_FOLDER / "tls.key").read_text()
