"""The port of Go's base64 decoding the ciphertext check uses: it takes what base64 encodes and refuses what a
strict decoder refuses (newlines skipped, as Go skips them); its offsets are compared with `pulumi preview`'s in
tests/e2e/test_ciphertexts.py."""

from __future__ import annotations

import base64
import binascii

from hypothesis import given
from hypothesis import strategies as st

from pilothouse.offline.ciphertext import _corrupt_at


@given(st.binary(max_size=64))
def test_what_base64_encodes_decodes(data: bytes) -> None:
    assert _corrupt_at(base64.b64encode(data)) is None


@given(st.text(alphabet="AQw+/=\n!", max_size=12))
def test_what_a_strict_decoder_refuses_is_refused(text: str) -> None:
    # Not the converse: Python takes padding after a whole quantum ('AAAA='), Go refuses it (below).
    try:
        base64.b64decode(text.replace("\n", ""), validate=True)
    except binascii.Error:
        offset = _corrupt_at(text.encode())
        assert offset is not None
        assert 0 <= offset <= len(text)


def test_padding_after_a_whole_quantum_is_refused_where_go_refuses_it() -> None:
    # decodeQuantum: a '=' as the first character of a quantum is "incorrect padding" at its own offset.
    assert _corrupt_at(b"AAAA=") == 4
