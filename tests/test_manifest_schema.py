"""Contract: every rendered manifest of every stack is valid against its Kubernetes version's schema."""

from __future__ import annotations

import json
from pathlib import Path

import kubernetes_validate
import pytest

from offline.render import manifests
from tests.conftest import STACKS


@pytest.mark.parametrize("stack", STACKS)
def test_every_manifest_is_schema_valid_in_strict_mode(stack: str, rendered: dict[str, Path]) -> None:
    version = json.loads((rendered[stack] / "outputs.json").read_text())["kubernetesVersion"]
    for path, obj in manifests(rendered[stack]):
        try:
            kubernetes_validate.validate(obj, version, strict=True)
        except kubernetes_validate.ValidationError as error:
            pytest.fail(f"{path.name} is not a valid {obj['kind']} for Kubernetes {version}: {error.message}")


def test_the_contract_rejects_unknown_fields() -> None:
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate({"apiVersion": "v1", "kind": "Namespace",
                                      "metadata": {"name": "x", "lables": {}}}, "1.34", strict=True)
