"""A stack deployed with Pilothouse 0.1.0 upgrades to this version without replacing anything.

The last URN change (commit bd65c1a: classes standing for one Kubernetes object stopped wrapping it in a
component) is proven with the real engine: ``upgrade_0_1/program.py`` is deployed with 0.1.0's own code
(taken from git), then previewed with this version and ``upgrades.alias_to_0_1()``. Every Kubernetes object
must be ``same``; only 0.1.0's wrapping components are deleted. Without the call the same preview replaces
every object; after one update with it, the call can go. The Kubernetes provider renders YAML to a folder,
so no cluster is needed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.e2e.toolchain import python_project, toolchain_env

pytestmark = pytest.mark.e2e

#: The last commit of 0.1.0's layout, before bd65c1a changed the URNs.
BEFORE = "bd65c1a^"
PROGRAM = Path(__file__).parent / "upgrade_0_1" / "program.py"


def _old_library(into: Path) -> None:
    archive = subprocess.run(["git", "archive", BEFORE, "components"], cwd=REPO, capture_output=True, check=False)
    if archive.returncode != 0:
        pytest.fail(f"this test needs the repository's history (git archive {BEFORE}): "
                    f"{archive.stderr.decode().strip()}")
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive.stdout, check=True)


def test_a_stack_deployed_with_0_1_upgrades_in_place(tmp_path: Path) -> None:
    project, backend = tmp_path / "project", tmp_path / "backend"
    python_project(project, "upgrade", PROGRAM)
    backend.mkdir()
    (project / "Pulumi.dev.yaml").write_text(f"config:\n  kubernetes:renderYamlToDirectory: {tmp_path / 'yaml'}\n")
    _old_library(project)
    env = toolchain_env(backend) | {"PYTHONPATH": str(project)}

    def pulumi(*args: str, library: str, alias: bool = False) -> str:
        result = subprocess.run(["pulumi", *args, "--non-interactive", "--stack", "dev"], cwd=project,
                                env=env | {"LIBRARY": library, "ALIAS_TO_0_1": "1" if alias else "0"},
                                capture_output=True, text=True, check=False, timeout=300)
        assert result.returncode == 0, f"pulumi {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    subprocess.run(["pulumi", "stack", "init", "dev", "--non-interactive"], cwd=project, env=env, check=True,
                   capture_output=True)
    pulumi("up", "--yes", "--skip-preview", library="components")
    shutil.rmtree(project / "components")  # from here on, only the installed package

    deployed = [r["urn"] for r in json.loads(pulumi("stack", "export", library="pilothouse"))["deployment"]["resources"]
                if not r["type"].startswith("pulumi:providers:")]
    unaliased = json.loads(pulumi("preview", "--json", library="pilothouse"))["changeSummary"]
    preview = json.loads(pulumi("preview", "--json", library="pilothouse", alias=True))
    changed = {step["urn"].split("::", 2)[2]: step["op"] for step in preview["steps"] if step["op"] != "same"}
    # Deleted: the components 0.1.0 wrapped single objects in, and nothing else; every other resource stays.
    wrappers = [("ConfigMap", "web"), ("Secret", "db"), ("Deployment", "web"), ("Service", "web"), ("Ingress", "web"),
                ("HorizontalPodAutoscaler", "web"), ("PodDisruptionBudget", "web"), ("Job", "once"),
                ("CronJob", "nightly"), ("Pod", "probe"), ("StorageClass", "disk"),
                ("PersistentVolumeClaim", "data"), ("DaemonSet", "agent"), ("Service", "cache"),
                ("Service", "cache-client")]
    # Updated in place: a CronJob's pods carry a stable `app` label since 0.1.0 (CHANGELOG), nothing replaced.
    updated = [urn for urn, op in changed.items() if op == "update"]
    assert updated == ["kubernetes:batch/v1:CronJob::nightly"], changed
    deleted = [urn for urn, op in changed.items() if op == "delete"]
    assert len(deleted) == len(changed) - len(updated), changed
    assert sorted(urn.rpartition("$")[2] for urn in deleted) == sorted(
        f"pilothouse:kubernetes:{kind}::{name}" for kind, name in wrappers)
    assert preview["changeSummary"] == {"same": len(deployed) - len(wrappers) - 1, "delete": len(wrappers),
                                        "update": 1}
    assert unaliased.get("create", 0) >= len(wrappers), unaliased  # each wrapper's object would move

    pulumi("up", "--yes", "--skip-preview", library="pilothouse", alias=True)
    pulumi("preview", "--expect-no-changes", library="pilothouse")  # the aliases have done their work
