"""A minimal Kubernetes API client for the end-to-end tests: the kubeconfig's client certificate, urllib."""

from __future__ import annotations

import base64
import json
import ssl
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class Reply:
    """An API server's answer: HTTP status, JSON body, and the text of each ``Warning`` header."""

    status: int
    body: dict[str, Any]
    warnings: tuple[str, ...]

    @property
    def message(self) -> str:
        """The reason a request was refused (a ``Status`` object's message)."""
        return str(self.body.get("message", self.body))


def _warnings(headers: Message) -> tuple[str, ...]:
    # RFC 7234 warnings as the API server sends them: `299 - "text"`.
    return tuple(value.split(" ", 2)[2].strip('"') if value.count(" ") >= 2 else value
                 for value in headers.get_all("Warning") or [])


class KubeApi:
    """Read objects from the API server a kubeconfig points at (its current context)."""

    def __init__(self, kubeconfig: Path) -> None:
        config = yaml.safe_load(kubeconfig.read_text())
        context = next(c["context"] for c in config["contexts"] if c["name"] == config["current-context"])
        cluster = next(c["cluster"] for c in config["clusters"] if c["name"] == context["cluster"])
        user = next(u["user"] for u in config["users"] if u["name"] == context["user"])
        self.server = cluster["server"]
        self._tls = ssl.create_default_context(cadata=base64.b64decode(cluster["certificate-authority-data"]).decode())
        with tempfile.TemporaryDirectory() as folder:  # ssl loads the client pair from files only
            cert, key = Path(folder, "cert.pem"), Path(folder, "key.pem")
            cert.write_bytes(base64.b64decode(user["client-certificate-data"]))
            key.write_bytes(base64.b64decode(user["client-key-data"]))
            self._tls.load_cert_chain(cert, key)
        self._plurals: dict[tuple[str, str], str] = {}

    def get(self, path: str) -> dict[str, Any] | None:
        """The object at ``path``, or ``None`` if the API server answers 404."""
        try:
            with urllib.request.urlopen(self.server + path, context=self._tls, timeout=10) as response:
                body: dict[str, Any] = json.load(response)
                return body
        except urllib.error.HTTPError as error:
            if error.code == 404:
                return None
            raise

    def request(self, method: str, path: str, body: dict[str, Any] | None = None,
                content_type: str = "application/json") -> Reply:
        """Send ``body`` as JSON; the status, the decoded answer and the API server's ``Warning`` headers."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.server + path, data=data, method=method,
                                         headers={"Content-Type": content_type, "Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, context=self._tls, timeout=30) as response:
                return Reply(response.status, json.load(response), _warnings(response.headers))
        except urllib.error.HTTPError as error:
            return Reply(error.code, json.loads(error.read() or b"{}"), _warnings(error.headers))

    def path_of(self, manifest: dict[str, Any]) -> str:
        """The REST path of a manifest's object, resource names from the server's discovery."""
        return f"{self.collection_of(manifest)}/{manifest['metadata']['name']}"

    def collection_of(self, manifest: dict[str, Any]) -> str:
        """The REST path of the collection a manifest's object belongs to (where it is created)."""
        api_version, kind = manifest["apiVersion"], manifest["kind"]
        base = "/api/v1" if api_version == "v1" else f"/apis/{api_version}"
        if (api_version, kind) not in self._plurals:
            for resource in (self.get(base) or {}).get("resources", []):
                if "/" not in resource["name"]:
                    self._plurals[(api_version, resource["kind"])] = resource["name"]
        namespace = manifest["metadata"].get("namespace")
        scope = f"/namespaces/{namespace}" if namespace else ""
        return f"{base}{scope}/{self._plurals[(api_version, kind)]}"

    def wait_for(self, path: str, ready: Callable[[dict[str, Any]], bool], timeout: float = 120) -> dict[str, Any]:
        """Poll ``path`` until ``ready(object)`` holds; fail with the last state seen."""
        deadline = time.monotonic() + timeout
        last: dict[str, Any] | None = None
        while time.monotonic() < deadline:
            last = self.get(path)
            if last is not None and ready(last):
                return last
            time.sleep(1)
        raise AssertionError(f"{path} not ready after {timeout}s: {json.dumps((last or {}).get('status'))}")

    def wait_gone(self, path: str, timeout: float = 120) -> None:
        """Poll until ``path`` answers 404 (a namespace finishes terminating, for instance)."""
        deadline = time.monotonic() + timeout
        while self.get(path) is not None:
            if time.monotonic() > deadline:
                raise AssertionError(f"{path} still exists after {timeout}s")
            time.sleep(1)
