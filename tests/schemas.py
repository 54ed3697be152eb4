"""The schema contract: built-in kinds against Kubernetes' OpenAPI, custom kinds against the CRDs
of the pinned charts (``make charts``), unknown fields rejected in both."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import yaml

REPO = Path(__file__).resolve().parent.parent
#: CRDs of the custom kinds Pilothouse emits, from the charts that install them.
CRD_FILES = (REPO / "charts/kube-prometheus-stack/charts/crds/crds/crd-servicemonitors.yaml",
             *(REPO / "charts/gateway-api" / f"gateway.networking.k8s.io_{kinds}.yaml"
               for kinds in ("gateways", "grpcroutes", "httproutes", "referencegrants")),
             REPO / "charts/secrets-store/secrets-store.csi.x-k8s.io_secretproviderclasses.yaml")


class SchemaError(Exception):
    pass


def _strict(schema: dict[str, Any]) -> dict[str, Any]:
    """A CRD schema in which undeclared fields are errors (the API server would silently prune them)."""
    strict = {key: value for key, value in schema.items() if not key.startswith("x-kubernetes-")}
    if "properties" in schema and not schema.get("x-kubernetes-preserve-unknown-fields"):
        strict["properties"] = {name: _strict(sub) for name, sub in schema["properties"].items()}
        strict.setdefault("additionalProperties", False)
    for key in ("items", "additionalProperties"):
        if isinstance(schema.get(key), dict):
            strict[key] = _strict(schema[key])
    return strict


@functools.cache
def custom_kinds() -> dict[tuple[str, str], dict[str, Any]]:
    """``(apiVersion, kind)`` -> the strict JSON schema of its served version."""
    kinds = {}
    for path in CRD_FILES:
        crd = yaml.safe_load(path.read_text())
        for version in crd["spec"]["versions"]:
            schema = _strict(version["schema"]["openAPIV3Schema"])
            # apiVersion, kind and metadata are the API server's, not the CRD's.
            schema["properties"] |= {"apiVersion": {"type": "string"}, "kind": {"type": "string"},
                                     "metadata": {"type": "object"}}
            kinds[(f"{crd['spec']['group']}/{version['name']}", crd["spec"]["names"]["kind"])] = schema
    return kinds


def validate(obj: dict[str, Any], version: str) -> None:
    """Raise :class:`SchemaError` when ``obj`` is not valid for Kubernetes ``version`` (or its CRD)."""
    schema = custom_kinds().get((obj.get("apiVersion", ""), obj.get("kind", "")))
    if schema is not None:
        error = jsonschema.exceptions.best_match(jsonschema.Draft7Validator(schema).iter_errors(obj))
        if error is not None:
            raise SchemaError(f"{error.json_path}: {error.message}")
        return
    try:
        kubernetes_validate.validate(obj, version, strict=True)
    except kubernetes_validate.ValidationError as error:
        raise SchemaError(error.message) from error
