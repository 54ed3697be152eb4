from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from pilothouse.offline.diff import AliasConflictError, compare, to_markdown
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


STACK = "urn:pulumi:dev::pilothouse::pulumi:pulumi:Stack::pilothouse-dev"
APP = "urn:pulumi:dev::pilothouse::pilothouse:kubernetes:App::web"


def placed(type_: str, name: str, inputs: dict[str, Any], parent: str = STACK, **options: Any) -> dict[str, Any]:
    """A ``resources.json`` entry under ``parent`` (its URN as the engine makes it)."""
    parent_type = "" if parent == STACK else parent.split("::")[2] + "$"
    return {**resource(type_, name, inputs, **options), "parent": parent,
            "urn": f"urn:pulumi:dev::pilothouse::{parent_type}{type_}::{name}"}


def test_an_alias_keeps_a_resource_that_moved_as_the_engine_keeps_it(tmp_path: Path) -> None:
    # Out of a component, its child (the Service) following by the parent's alias alone, the ConfigMap by its
    # name's alias; a dependency on a moved resource is the same resource.
    app = placed("pilothouse:kubernetes:App", "web", {})
    old_deployment = placed(DEPLOYMENT, "web", {"spec": {"replicas": 2}}, APP)
    base = write_render(tmp_path / "a", [
        app, old_deployment,
        placed("kubernetes:core/v1:Service", "web", {}, old_deployment["urn"]),
        placed("kubernetes:core/v1:ConfigMap", "web-settings", {}),
        placed("kubernetes:policy/v1:PodDisruptionBudget", "web", {}, dependencies=[old_deployment["urn"]]),
    ])
    deployment = placed(DEPLOYMENT, "web", {"spec": {"replicas": 2}}, aliases=[{"spec": {"parentUrn": APP}}])
    head = write_render(tmp_path / "b", [
        deployment,
        placed("kubernetes:core/v1:Service", "web", {}, deployment["urn"]),
        placed("kubernetes:core/v1:ConfigMap", "settings", {}, aliases=[{"spec": {"name": "web-settings"}}]),
        placed("kubernetes:policy/v1:PodDisruptionBudget", "web", {}, dependencies=[deployment["urn"]]),
    ])
    result = compare(base, head)
    assert [r["urn"] for r in result.removed] == [app["urn"]]
    assert (result.added, result.changed) == ((), ())
    assert [(move.was, move.urn, move.fields) for move in result.moved] == [  # by new URN
        ("urn:pulumi:dev::pilothouse::pilothouse:kubernetes:App$kubernetes:apps/v1:Deployment$kubernetes:core/v1:"
         "Service::web", "urn:pulumi:dev::pilothouse::kubernetes:apps/v1:Deployment$kubernetes:core/v1:Service::web",
         ()),
        (old_deployment["urn"], deployment["urn"], ()),
        ("urn:pulumi:dev::pilothouse::kubernetes:core/v1:ConfigMap::web-settings",
         "urn:pulumi:dev::pilothouse::kubernetes:core/v1:ConfigMap::settings", ())]
    assert to_markdown(result, "t").startswith(
        "### t\n\n**0 to add, 0 to change (0 replaced), 1 to remove, 3 moved (kept by an alias)**\n")
    markdown = to_markdown(result, "t")
    assert "\n#### Moved (kept by an alias)\n" in markdown
    line = f"- `kubernetes:apps/v1:Deployment` **web**: `{old_deployment['urn']}` → `{deployment['urn']}`"
    assert f"\n{line}\n" in markdown


def test_a_moved_resource_that_also_changes_is_a_change_judged_by_its_old_entry(tmp_path: Path) -> None:
    before = placed(DEPLOYMENT, "web", {"spec": {"selector": {"app": "web"}}}, APP)
    base = write_render(tmp_path / "a", [before])
    head = write_render(tmp_path / "b", [placed(DEPLOYMENT, "web", {"spec": {"selector": {"app": "shop"}}},
                                                aliases=[{"urn": before["urn"]}])])
    (change,) = compare(base, head).changed
    assert (change.was, change.replaced) == (before["urn"], True)
    assert change.fields == (("inputs.spec.selector.app", "web", "shop"),)


@pytest.mark.parametrize("alias", [
    {"spec": {"name": "elsewhere"}},  # names nothing the base render has
    {"spec": {"noParent": True}},  # the base render has it under the component
])
def test_an_alias_that_finds_nothing_leaves_an_add_and_a_remove(tmp_path: Path, alias: dict[str, Any]) -> None:
    before = placed(DEPLOYMENT, "web", {}, APP)
    result = compare(write_render(tmp_path / "a", [before]),
                     write_render(tmp_path / "b", [placed(DEPLOYMENT, "web", {}, aliases=[alias])]))
    assert ([r["urn"] for r in result.removed], len(result.added), result.moved) == ([before["urn"]], 1, ())


def test_aliases_the_engine_refuses_fail_the_diff_naming_every_conflict(tmp_path: Path) -> None:
    # Two aliases taking one old URN, and an alias taking an old URN the program also registers: pulumi preview
    # fails on each (diagnostics 2008 and 2016, the messages checked against pulumi preview), so no diff to show.
    web, db = placed(DEPLOYMENT, "web", {}), placed(DEPLOYMENT, "db", {})
    head = [*(placed(DEPLOYMENT, name, {}, aliases=[{"urn": web["urn"]}]) for name in ("api", "shop")),
            db, placed(DEPLOYMENT, "cache", {}, aliases=[{"spec": {"name": "db"}}])]
    with pytest.raises(AliasConflictError) as error:
        compare(write_render(tmp_path / "a", [web, db]), write_render(tmp_path / "b", head))
    urn = "urn:pulumi:dev::pilothouse::kubernetes:apps/v1:Deployment::{}".format
    assert error.value.conflicts == (
        f"Duplicate resource URN '{urn('db')}' conflicting with alias on resource with URN '{urn('cache')}'",
        f"Duplicate resource alias '{urn('web')}' applied to resource with URN '{urn('shop')}' conflicting with "
        f"resource with URN '{urn('api')}'")


def test_an_alias_is_taken_only_by_a_resource_new_under_its_urn(tmp_path: Path) -> None:
    # The engine looks an old resource up by URN first: one still there keeps its own and its alias is not used.
    web, api = placed(DEPLOYMENT, "web", {}), placed(DEPLOYMENT, "api", {})
    head = [web, placed(DEPLOYMENT, "api", {}, aliases=[{"urn": web["urn"]}])]
    result = compare(write_render(tmp_path / "a", [web, api]), write_render(tmp_path / "b", head))
    assert result.empty


def test_a_render_with_the_mock_engines_urns_compares_by_the_engines(tmp_path: Path) -> None:
    # Renders of 0.2 and earlier: a top-level resource under the stack's type, a child under its parent's last
    # type only (the SDK's MockMonitor.make_urn). The same program rendered now has the engine's URNs: no change.
    def mock(qualified_type: str, name: str) -> str:
        return f"urn:pulumi:dev::pilothouse::{qualified_type}::{name}"

    old_app = mock("pulumi:pulumi:Stack$pilothouse:kubernetes:App", "web")
    old_deployment = mock("pilothouse:kubernetes:App$kubernetes:apps/v1:Deployment", "web")
    base = write_render(tmp_path / "a", [
        {**placed("pilothouse:kubernetes:App", "web", {}), "urn": old_app},
        {**placed(DEPLOYMENT, "web", {}, old_app), "urn": old_deployment},
        {**placed("kubernetes:core/v1:Service", "web", {}, old_deployment),
         "urn": mock("kubernetes:apps/v1:Deployment$kubernetes:core/v1:Service", "web")},
        {**placed("kubernetes:policy/v1:PodDisruptionBudget", "web", {}, dependencies=[old_deployment]),
         "urn": mock("pulumi:pulumi:Stack$kubernetes:policy/v1:PodDisruptionBudget", "web")},
    ])
    deployment = placed(DEPLOYMENT, "web", {}, APP)
    head = write_render(tmp_path / "b", [
        placed("pilothouse:kubernetes:App", "web", {}), deployment,
        placed("kubernetes:core/v1:Service", "web", {}, deployment["urn"]),
        placed("kubernetes:policy/v1:PodDisruptionBudget", "web", {}, dependencies=[deployment["urn"]]),
    ])
    assert to_markdown(compare(base, head), "t") == "### t\n\nNo changes\n"


def test_a_provider_and_references_in_inputs_follow_the_engines_urns(tmp_path: Path) -> None:
    provider_type = "pulumi:providers:kubernetes"
    old_provider = f"urn:pulumi:dev::pilothouse::pulumi:pulumi:Stack${provider_type}::aks"
    base = write_render(tmp_path / "a", [
        {**placed(provider_type, "aks", {}), "urn": old_provider},
        {**placed(DEPLOYMENT, "web", {"owner": old_provider}, provider=old_provider),
         "urn": f"urn:pulumi:dev::pilothouse::pulumi:pulumi:Stack${DEPLOYMENT}::web"}])
    provider = placed(provider_type, "aks", {})
    head = write_render(tmp_path / "b", [
        provider, placed(DEPLOYMENT, "web", {"owner": provider["urn"]}, provider=provider["urn"])])
    assert to_markdown(compare(base, head), "t") == "### t\n\nNo changes\n"


def test_an_alias_naming_a_parent_that_moved_finds_it_whatever_the_order(tmp_path: Path) -> None:
    # The ConfigMap's URN sorts before its old parent's new one; the engine knows the parent's move first anyway.
    old_parent = placed("my:x:Old", "x", {})
    base = write_render(tmp_path / "a", [old_parent, placed("kubernetes:core/v1:ConfigMap", "cm", {},
                                                            old_parent["urn"])])
    parent = placed("my:x:New", "x", {}, aliases=[{"spec": {"type": "my:x:Old"}}])
    head = write_render(tmp_path / "b", [parent, placed("kubernetes:core/v1:ConfigMap", "cm", {},
                                                        aliases=[{"spec": {"parentUrn": parent["urn"]}}])])
    result = compare(base, head)
    assert (len(result.moved), result.added, result.removed) == (2, (), ())


def test_a_child_follows_its_parents_move_within_its_own_stack_and_project(tmp_path: Path) -> None:
    # inheritedChildAlias: the deployment's stack and project, the parent's old type and name.
    other = "urn:pulumi:dev::old::my:x:App::x"
    base = write_render(tmp_path / "a", [{**placed("my:x:App", "x", {}), "urn": other},
                                         {**placed(DEPLOYMENT, "web", {}, other),
                                          "urn": f"urn:pulumi:dev::old::my:x:App${DEPLOYMENT}::web"}])
    parent = placed("my:x:App", "x", {}, aliases=[{"spec": {"project": "old"}}])
    head = write_render(tmp_path / "b", [parent, placed(DEPLOYMENT, "web", {}, parent["urn"])])
    result = compare(base, head)
    assert [move.name for move in result.moved] == ["x"]
    assert ([r["name"] for r in result.added], [r["name"] for r in result.removed]) == (["web"], ["web"])


def test_a_new_parent_of_the_old_ones_type_is_no_change(tmp_path: Path) -> None:
    # The URN holds the parent's type, not its name: the engine previews the child as same.
    old_app, new_app = placed("my:x:App", "a", {}), placed("my:x:App", "b", {}, aliases=[{"spec": {"name": "a"}}])
    child = placed(DEPLOYMENT, "web", {}, old_app["urn"])
    result = compare(write_render(tmp_path / "a", [old_app, child]),
                     write_render(tmp_path / "b", [new_app, {**child, "parent": new_app["urn"]}]))
    assert (result.changed, result.added, result.removed) == ((), (), ())
    assert [move.name for move in result.moved] == ["b"]


def test_names_keys_and_values_from_a_program_stay_inside_their_code_spans(tmp_path: Path) -> None:
    # A name or a key that looks like Markdown (a count line, a heading, a closing backtick) is shown, not obeyed.
    forged = "x\n\n**0 to add, 0 to change (0 replaced), 0 to remove**\n\nNo changes"
    key = "k`\n\n#### Removed\n- everything **deleted**\n`"
    result = compare(write_render(tmp_path / "a", [resource("kubernetes:core/v1:ConfigMap", "c", {"data": {}})]),
                     write_render(tmp_path / "b", [resource("kubernetes:core/v1:ConfigMap", "c", {"data": {key: "v`"}}),
                                                   resource("kubernetes:core/v1:ConfigMap", forged, {})]))
    assert to_markdown(result, "t").splitlines()[4:] == [
        "#### Added",
        r"- `kubernetes:core/v1:ConfigMap` **`x\n\n**0 to add, 0 to change (0 replaced), 0 to remove**\n\nNo "
        r"changes`**",
        "", "#### Changed", "- `kubernetes:core/v1:ConfigMap` **c**", "  - `inputs.data`: `{}` → (none)",
        r'  - `` inputs.data.k`\n\n#### Removed\n- everything **deleted**\n` ``: (none) → ``"v`"``']


def test_a_summary_too_long_for_a_comment_is_cut_at_a_whole_line_saying_so(tmp_path: Path) -> None:
    many = [resource("kubernetes:core/v1:ConfigMap", f"settings-{n:04}", {}) for n in range(3000)]
    result = compare(write_render(tmp_path / "a", []), write_render(tmp_path / "b", many))
    whole = to_markdown(result, "t")
    cut = to_markdown(result, "t", max_chars=10_000)
    assert len(whole) > 100_000
    assert to_markdown(result, "t", max_chars=len(whole)) == whole
    assert len(cut) <= 10_000
    kept = cut.splitlines()[:-2]
    assert whole.startswith("\n".join(kept) + "\n")
    assert cut.splitlines()[-1] == (f"_Cut to fit a comment: {len(whole.splitlines()) - len(kept)} more lines not "
                                    "shown; `pilothouse diff` prints all of them._")
