from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from pilothouse.offline.diff import compare, to_markdown
from tests.conftest import REPO


def write_render(folder: Path, resources: list[dict[str, Any]], outputs: dict[str, Any] | None = None) -> Path:
    folder.mkdir()
    (folder / "resources.json").write_text(json.dumps(resources))
    (folder / "outputs.json").write_text(json.dumps(outputs or {}))
    return folder


def resource(type_: str, name: str, inputs: dict[str, Any], **options: Any) -> dict[str, Any]:
    return {"urn": f"urn:pulumi:dev::pilothouse::{type_}::{name}", "type": type_, "name": name,
            "inputs": inputs, "protect": False, "replaceOnChanges": [], **options}


DEPLOYMENT = "kubernetes:apps/v1:Deployment"


def test_identical_renders_print_no_changes(tmp_path: Path) -> None:
    items = [resource(DEPLOYMENT, "web", {"spec": {"replicas": 2}})]
    base, head = write_render(tmp_path / "a", items), write_render(tmp_path / "b", items)
    assert to_markdown(compare(base, head), "t") == "### t\n\nNo changes\n"


def test_added_changed_removed_and_replacements(tmp_path: Path) -> None:
    base = write_render(tmp_path / "a", [
        resource(DEPLOYMENT, "web", {"spec": {"replicas": 2, "selector": {"app": "web"}}}),
        resource(DEPLOYMENT, "api", {"spec": {"replicas": 1, "selector": {"app": "api"}}}),
        resource("kubernetes:core/v1:Secret", "db", {"stringData": {"password": "[secret]"}}),
        resource("azure-native:resources:ResourceGroup", "rg", {"resourceGroupName": "rg-a", "location": "x"}),
        resource("kubernetes:core/v1:Namespace", "old", {}),
    ], {"environment": "dev"})
    head = write_render(tmp_path / "b", [
        resource(DEPLOYMENT, "web", {"spec": {"replicas": 3, "selector": {"app": "web"}}}),
        resource(DEPLOYMENT, "api", {"spec": {"replicas": 1, "selector": {"app": "api2"}}}),
        resource("kubernetes:core/v1:Secret", "db", {"stringData": {"password": "[secret]", "user": "[secret]"}}),
        resource("azure-native:resources:ResourceGroup", "rg", {"resourceGroupName": "rg-b", "location": "x"}),
        resource("kubernetes:core/v1:Namespace", "new", {}),
    ], {"environment": "dev"})
    assert to_markdown(compare(base, head), "Offline diff") == """### Offline diff

**1 to add, 4 to change (2 replaced), 1 to remove**

#### Added
- `kubernetes:core/v1:Namespace` **new**

#### Changed
- `azure-native:resources:ResourceGroup` **rg** ⚠️ **replaced**
  - `inputs.resourceGroupName`: `"rg-a"` → `"rg-b"`
- `kubernetes:apps/v1:Deployment` **api** ⚠️ **replaced**
  - `inputs.spec.selector.app`: `"api"` → `"api2"`
- `kubernetes:apps/v1:Deployment` **web**
  - `inputs.spec.replicas`: `2` → `3`
- `kubernetes:core/v1:Secret` **db**
  - `inputs.stringData.user`: changed (secret)

#### Removed
- `kubernetes:core/v1:Namespace` **old**
"""


def test_diff_against_a_git_revision(tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(REPO), str(clone)], check=True)
    stack_file = clone / "Pulumi.local.yaml"
    stack = yaml.safe_load(stack_file.read_text())
    added = len(stack["config"]["pilothouse:namespaces"])
    stack["config"]["pilothouse:namespaces"].append({"name": "payments"})
    stack_file.write_text(yaml.safe_dump(stack))
    (clone / "charts").symlink_to(REPO / "charts")  # assembled by make charts, not in git
    # As `make diff` runs it: each revision with its own library copy, the charts linked into the earlier one.
    diff = [sys.executable, "-m", "pilothouse", "diff", "--project", str(clone), "--base", "HEAD",
            "--path", "components", "--link", "charts"]
    result = subprocess.run([*diff, "--stack", "local"], cwd=REPO, capture_output=True, text=True, check=True)
    assert "**3 to add, 0 to change (0 replaced), 0 to remove**" in result.stdout
    assert "- `kubernetes:networking.k8s.io/v1:NetworkPolicy` **payments-default-deny**" in result.stdout
    assert "- `kubernetes:core/v1:Namespace` **payments**" in result.stdout
    assert "- `pilothouse:kubernetes:Namespace` **payments**" in result.stdout
    assert f"#### Stack outputs\n  - `namespaces[{added}]`: (none) → `\"payments\"`" in result.stdout
    unchanged = subprocess.run([*diff, "--stack", "dev"], cwd=REPO, capture_output=True, text=True, check=True)
    assert unchanged.stdout.endswith("No changes\n")


def test_a_bigger_claim_template_is_an_in_place_change_not_a_replacement(tmp_path: Path) -> None:
    # A StatefulSet leaves its templates' sizes to the engine's ignoreChanges and grows the claims with patches.
    def render(folder: str, size: str) -> Path:
        template = {"metadata": {"name": "data"}, "spec": {"resources": {"requests": {"storage": size}}}}
        return write_render(tmp_path / folder, [resource(
            "kubernetes:apps/v1:StatefulSet", "db", {"spec": {"volumeClaimTemplates": [template]}},
            ignoreChanges=["spec.volumeClaimTemplates[0].spec.resources.requests.storage"])])

    (change,) = compare(render("a", "10Gi"), render("b", "20Gi")).changed
    assert change.replaced is False
    assert change.fields == (("inputs.spec.volumeClaimTemplates[0].spec.resources.requests.storage", "10Gi", "20Gi"),)
