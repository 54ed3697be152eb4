"""Contract: every rendered manifest of every stack is valid against its Kubernetes version's schema."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest

from pilothouse.offline.render import manifests
from tests import schemas
from tests.conftest import STACKS


@pytest.mark.parametrize("stack", STACKS)
def test_every_manifest_is_schema_valid_in_strict_mode(stack: str, rendered: dict[str, Path]) -> None:
    version = json.loads((rendered[stack] / "outputs.json").read_text())["kubernetesVersion"]
    for path, obj in manifests(rendered[stack]):
        try:
            schemas.validate(obj, version)
        except schemas.SchemaError as error:
            pytest.fail(f"{path.name} is not a valid {obj['kind']} for Kubernetes {version}: {error}")


def test_the_contract_rejects_unknown_fields() -> None:
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate({"apiVersion": "v1", "kind": "Namespace",
                                      "metadata": {"name": "x", "lables": {}}}, "1.34", strict=True)


def test_custom_kinds_are_checked_against_their_crds_strictly() -> None:
    monitor: dict[str, Any] = {
        "apiVersion": "monitoring.coreos.com/v1", "kind": "ServiceMonitor", "metadata": {"name": "web"},
        "spec": {"selector": {}, "endpoints": [{"port": "metrics", "intervall": "30s"}]}}
    with pytest.raises(schemas.SchemaError, match="intervall"):
        schemas.validate(monitor, "1.34")
    monitor["spec"]["endpoints"] = [{"port": "metrics", "interval": "30s"}]
    schemas.validate(monitor, "1.34")
