"""The reference workload set is in every stack's render, and its database password is never plain."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from pilothouse.offline.engine import SECRET
from pilothouse.offline.render import manifests
from stacks.workloads import DB_PASSWORD_LENGTH
from tests.conftest import STACKS

REFERENCE_SET = {("ConfigMap", "web-settings"), ("Secret", "db-credentials"), ("Deployment", "web"),
                 ("Service", "web"), ("Ingress", "web"), ("HTTPRoute", "web"), ("ServiceMonitor", "web"),
                 ("HorizontalPodAutoscaler", "web"), ("PodDisruptionBudget", "web"), ("StatefulSet", "db"),
                 ("Service", "db"), ("Job", "migrate"), ("CronJob", "report"), ("ResourceQuota", "quota"),
                 ("LimitRange", "defaults")}


def registrations(render: Path, type_: str) -> list[dict[str, Any]]:
    resources: list[dict[str, Any]] = json.loads((render / "resources.json").read_text())
    return [resource for resource in resources if resource["type"] == type_]


@pytest.mark.parametrize("stack", STACKS)
def test_every_stack_renders_the_whole_reference_set(rendered: dict[str, Path], stack: str) -> None:
    shop = {(obj["kind"], obj["metadata"]["name"]) for _, obj in manifests(rendered[stack])
            if obj["metadata"].get("namespace") == "shop"}
    assert sorted(REFERENCE_SET - shop) == []


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_the_generated_password_is_nowhere_in_the_render(rendered: dict[str, Path], stack: str) -> None:
    # The offline mocks generate "x" * length: it must not surface in any object or recorded input.
    generated = "x" * DB_PASSWORD_LENGTH
    files = [path for path in rendered[stack].rglob("*") if path.is_file()]
    assert files
    assert [str(path) for path in files if generated in path.read_text()] == []
    secret = next(obj for _, obj in manifests(rendered[stack]) if obj["kind"] == "Secret"
                  and obj["metadata"]["name"] == "db-credentials")
    assert base64.b64decode(secret["data"]["password"]).decode() == SECRET


def test_local_takes_its_password_from_config_and_aks_stacks_generate_one(rendered: dict[str, Path]) -> None:
    # local runs for real here, where only the Kubernetes provider is built: it must not need random's.
    assert registrations(rendered["local"], "random:index/randomPassword:RandomPassword") == []
    for stack, protected in (("dev", False), ("prod", True)):
        [password] = registrations(rendered[stack], "random:index/randomPassword:RandomPassword")
        assert password["inputs"] == {"length": DB_PASSWORD_LENGTH, "special": False}
        assert password["protect"] is protected, stack
