"""The real API server as the oracle: is an object accepted, with no warning, by the Kubernetes we deploy to?

Objects are sent as server-side dry-run creates (``dryRun=All``, ``fieldValidation=Strict``): the API server
runs its validation, defaulting and admission (Pod Security included) and stores nothing. A ``Warning``
response header counts as a refusal (a memory of ``128m`` is accepted with a warning and breaks at run time).

Namespaced objects need their namespace: each check first applies, for real, the namespaces the objects name
(server-side apply; the rendered ``Namespace`` when the objects include it, so its Pod Security labels hold,
a bare one otherwise). Namespaces are renamed ``oracle-<name>`` on the way, so that what the oracle leaves on
the control plane never meets a stack deployed there (the end-to-end tests deploy ``shop``).
"""

from __future__ import annotations

import base64
import json
import urllib.parse
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tests.e2e.kube import KubeApi, Reply

#: Field manager of everything the oracle applies for real.
MANAGER = "pilothouse-oracle"
REPO = Path(__file__).resolve().parent.parent.parent
#: The custom resource definitions the stacks' objects need (Gateway API, Prometheus Operator, Secrets Store
#: CSI driver), as the charts and the Go modules assembled by ``make charts`` carry them.
CRD_FILES = (*sorted((REPO / "charts" / "gateway-api").glob("*.yaml")),
             REPO / "charts/secrets-store/secrets-store.csi.x-k8s.io_secretproviderclasses.yaml",
             REPO / "charts/kube-prometheus-stack/charts/crds/crds/crd-servicemonitors.yaml",
             REPO / "charts/kube-prometheus-stack/charts/crds/crds/crd-podmonitors.yaml",
             REPO / "charts/kube-prometheus-stack/charts/crds/crds/crd-prometheusrules.yaml")


TLS = REPO / "tests" / "fixtures" / "tls"
#: What a render's redacted Secret data is replaced with, by key, so that typed Secrets stay valid.
_SECRET_DATA = {
    "tls.crt": (TLS / "tls.crt").read_bytes(), "tls.key": (TLS / "tls.key").read_bytes(),
    ".dockerconfigjson": b'{"auths": {}}', ".dockercfg": b"{}",
}


def unredacted(obj: dict[str, Any]) -> dict[str, Any]:
    """``obj`` with a Secret's redacted data replaced by valid stand-ins of its type (a render never holds
    secret values; the API server checks a TLS pair or a docker config as such)."""
    if obj.get("kind") != "Secret" or not isinstance(obj.get("data"), dict):
        return obj
    data = {key: base64.b64encode(_SECRET_DATA[key]).decode() if key in _SECRET_DATA else value
            for key, value in obj["data"].items()}
    return {**obj, "data": data}


@dataclass(frozen=True)
class Verdict:
    """What the API server said about one object."""

    obj: dict[str, Any]
    status: int
    message: str
    warnings: tuple[str, ...]

    @property
    def accepted(self) -> bool:
        """Created (in the dry run) with no warning."""
        return self.status in (200, 201) and not self.warnings

    def __str__(self) -> str:
        metadata = self.obj.get("metadata") or {}
        where = f"{metadata.get('namespace')}/" if metadata.get("namespace") else ""
        said = "; ".join(self.warnings) if self.status in (200, 201) else self.message
        return f"{self.obj.get('kind')} {where}{metadata.get('name')}: {self.status} {said}"


class Oracle:
    """Ask the API server behind ``api`` about objects."""

    def __init__(self, api: KubeApi) -> None:
        self.api = api

    def install_crds(self, files: Iterable[Path] = CRD_FILES) -> None:
        """Apply the custom resource definitions and wait until they are served."""
        for path in files:
            for crd in yaml.safe_load_all(path.read_text()):
                if crd:
                    self._apply("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd)
                    self.api.wait_for(f"/apis/apiextensions.k8s.io/v1/customresourcedefinitions/"
                                      f"{crd['metadata']['name']}", _established, timeout=60)

    def check(self, rendered: Sequence[dict[str, Any]]) -> list[Verdict]:
        """Each object's verdict; the namespaces they name are applied for real first."""
        objects = [_in_oracle_namespace(obj) for obj in rendered]
        namespaces = {o["metadata"]["name"]: o for o in objects if o.get("kind") == "Namespace"}
        for name in sorted({o["metadata"].get("namespace") for o in objects} - {None}):
            if name not in namespaces:
                namespaces[name] = {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}
        verdicts = [self._verdict(namespace, self._apply("/api/v1/namespaces", namespace))
                    for _, namespace in sorted(namespaces.items())]
        for obj in objects:
            if obj.get("kind") != "Namespace":
                verdicts.append(self._verdict(obj, self.dry_run(unredacted(obj))))
        return verdicts

    def dry_run(self, obj: dict[str, Any]) -> Reply:
        """A server-side dry-run create of ``obj``."""
        collection = self.api.collection_of(obj)
        return self.api.request("POST", f"{collection}?dryRun=All&fieldValidation=Strict", obj)

    def _apply(self, collection: str, obj: dict[str, Any]) -> Reply:
        query = urllib.parse.urlencode({"fieldManager": MANAGER, "force": "true", "fieldValidation": "Strict"})
        return self.api.request("PATCH", f"{collection}/{obj['metadata']['name']}?{query}", obj,
                                content_type="application/apply-patch+yaml")

    @staticmethod
    def _verdict(obj: dict[str, Any], reply: Reply) -> Verdict:
        return Verdict(obj, reply.status, reply.message if reply.status >= 300 else "", reply.warnings)


#: Prefix of the namespaces the oracle applies for real.
NAMESPACE_PREFIX = "oracle-"


def _in_oracle_namespace(obj: dict[str, Any]) -> dict[str, Any]:
    metadata = dict(obj.get("metadata") or {})
    if obj.get("kind") == "Namespace":
        metadata["name"] = NAMESPACE_PREFIX + metadata["name"]
    elif metadata.get("namespace"):
        metadata["namespace"] = NAMESPACE_PREFIX + metadata["namespace"]
    return {**obj, "metadata": metadata}


def _established(crd: dict[str, Any]) -> bool:
    return any(c["type"] == "Established" and c["status"] == "True"
               for c in (crd.get("status") or {}).get("conditions") or [])


def describe(verdicts: Iterable[Verdict]) -> str:
    """One line per refused object."""
    return "\n".join(str(v) for v in verdicts if not v.accepted)


def canonical(obj: dict[str, Any]) -> str:
    """A stable text of ``obj``, to send each distinct object once."""
    return json.dumps(obj, sort_keys=True)
