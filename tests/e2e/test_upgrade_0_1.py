"""A stack deployed with Pilothouse 0.1.0 upgrades to this version without replacing anything.

The last URN change (commit bd65c1a: classes standing for one Kubernetes object stopped wrapping it in a
component) is proven with the real engine: ``upgrade_0_1/program.py`` is deployed with 0.1.0's own code
(taken from git), then previewed with this version and ``upgrades.alias_to_0_1()``. Every Kubernetes object
must be ``same``; only 0.1.0's wrapping components are deleted. Without the call the same preview replaces
every object; after one update with it, the call can go. The Kubernetes provider renders YAML to a folder,
so no cluster is needed.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pilothouse.offline import diff
from tests.e2e.upgrade import UpgradeStack, changed

pytestmark = pytest.mark.e2e

#: The last commit of 0.1.0's layout, before bd65c1a changed the URNs.
BEFORE = "bd65c1a^"
PROGRAM = Path(__file__).parent / "upgrade_0_1" / "program.py"


def test_a_stack_deployed_with_0_1_upgrades_in_place(tmp_path: Path) -> None:
    stack = UpgradeStack(tmp_path, PROGRAM, BEFORE)
    base = stack.render(tmp_path / "base", LIBRARY="components")
    deployed = stack.deploy_with_old_library(LIBRARY="components")
    unaliased = stack.preview(LIBRARY="pilothouse", ALIAS_TO_0_1="0")["changeSummary"]
    preview = stack.preview(LIBRARY="pilothouse", ALIAS_TO_0_1="1")
    steps = changed(preview)
    # Deleted: the components 0.1.0 wrapped single objects in, and nothing else; every other resource stays.
    wrappers = [("ConfigMap", "web"), ("Secret", "db"), ("Deployment", "web"), ("Service", "web"), ("Ingress", "web"),
                ("HorizontalPodAutoscaler", "web"), ("PodDisruptionBudget", "web"), ("Job", "once"),
                ("CronJob", "nightly"), ("Pod", "probe"), ("StorageClass", "disk"),
                ("PersistentVolumeClaim", "data"), ("DaemonSet", "agent"), ("Service", "cache"),
                ("Service", "cache-client")]
    # Updated in place: a CronJob's pods carry a stable `app` label since 0.1.0 (CHANGELOG), nothing replaced.
    updated = [urn for urn, op in steps.items() if op == "update"]
    assert updated == ["kubernetes:batch/v1:CronJob::nightly"], steps
    deleted = [urn for urn, op in steps.items() if op == "delete"]
    assert len(deleted) == len(steps) - len(updated), steps
    assert sorted(urn.rpartition("$")[2] for urn in deleted) == sorted(
        f"pilothouse:kubernetes:{kind}::{name}" for kind, name in wrappers)
    assert preview["changeSummary"] == {"same": len(deployed) - len(wrappers) - 1, "delete": len(wrappers),
                                        "update": 1}
    assert unaliased.get("create", 0) >= len(wrappers), unaliased  # each wrapper's object would move

    # The offline diff (pilothouse diff) of the two renders says what the preview says: the wrappers go, the
    # CronJob changes, and (checked against the state after the update below) the aliases keep every object that
    # moved, under its new URN.
    offline = diff.compare(base, stack.render(tmp_path / "head", LIBRARY="pilothouse", ALIAS_TO_0_1="1"))
    assert [change.urn.split("::", 2)[2] for change in offline.changed] == updated
    assert sorted(r["urn"].split("::", 2)[2] for r in offline.removed) == sorted(deleted)
    assert offline.added == ()

    stack.pulumi("up", "--yes", "--skip-preview", LIBRARY="pilothouse", ALIAS_TO_0_1="1")
    upgraded = set(stack.deployed())
    assert {move.urn for move in offline.moved} == upgraded - set(deployed)
    assert {move.was for move in offline.moved} == set(deployed) - upgraded - {r["urn"] for r in offline.removed}
    stack.pulumi("preview", "--expect-no-changes", LIBRARY="pilothouse")  # the aliases have done their work
