"""A StatefulSet's claim template changes without losing data, proven on the local control plane.

``claim_growth/program.py`` (the reference database with two replicas) is deployed with 1Gi claims, then with
2Gi: the set, its pods and its claims are the same objects afterwards (no restart, nothing replaced) and each
claim asks for 2Gi. Then a change the API server cannot make in place (pod management) replaces the set; the
claims, and so the data, are the same objects the new set's pods use.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.e2e.kube import KubeApi
from tests.e2e.toolchain import python_project, toolchain_env

pytestmark = pytest.mark.e2e

PROGRAM = Path(__file__).parent / "claim_growth" / "program.py"
SET = "/apis/apps/v1/namespaces/claims/statefulsets/db"
CLAIMS = [f"/api/v1/namespaces/claims/persistentvolumeclaims/data-db-{ordinal}" for ordinal in range(2)]
PODS = [f"/api/v1/namespaces/claims/pods/db-{ordinal}" for ordinal in range(2)]


def _uid(cluster: KubeApi, path: str) -> str:
    found = cluster.get(path)
    assert found is not None, f"{path} does not exist"
    return str(found["metadata"]["uid"])


def test_claim_template_changes_keep_the_claims(tmp_path: Path, cluster: KubeApi) -> None:
    project, backend = tmp_path / "project", tmp_path / "backend"
    python_project(project, "claims", PROGRAM)
    backend.mkdir()
    env = toolchain_env(backend)

    def pulumi(*args: str) -> str:
        result = subprocess.run(["pulumi", *args, "--non-interactive", "--stack", "dev"], cwd=project, env=env,
                                capture_output=True, text=True, check=False, timeout=600)
        assert result.returncode == 0, f"pulumi {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def ready(obj: dict[str, object]) -> bool:
        status = obj.get("status")
        return isinstance(status, dict) and status.get("readyReplicas") == 2

    subprocess.run(["pulumi", "stack", "init", "dev", "--non-interactive"], cwd=project, env=env, check=True,
                   capture_output=True)
    try:
        pulumi("config", "set", "size", "1Gi")
        pulumi("up", "--yes", "--skip-preview")
        cluster.wait_for(SET, ready)
        before = {path: _uid(cluster, path) for path in [SET, *CLAIMS, *PODS]}

        pulumi("config", "set", "size", "2Gi")
        steps = json.loads(pulumi("preview", "--json"))["steps"]
        changed = {step["urn"].rpartition("::")[2]: step["op"] for step in steps if step["op"] != "same"}
        assert changed == {"db-data-db-0": "update", "db-data-db-1": "update"}  # the set itself is unchanged
        pulumi("up", "--yes", "--skip-preview")
        assert {path: _uid(cluster, path) for path in before} == before  # no object replaced, no pod restarted
        for claim in CLAIMS:
            live = cluster.get(claim)
            assert live is not None
            assert live["spec"]["resources"]["requests"]["storage"] == "2Gi"
            assert live["status"]["phase"] == "Bound"

        pulumi("config", "set", "podManagement", "Parallel")  # immutable: the set is replaced
        pulumi("up", "--yes", "--skip-preview")
        replaced = cluster.wait_for(SET, ready)
        assert replaced["metadata"]["uid"] != before[SET]
        assert replaced["spec"]["podManagementPolicy"] == "Parallel"
        assert [_uid(cluster, claim) for claim in CLAIMS] == [before[claim] for claim in CLAIMS]
        pulumi("preview", "--expect-no-changes")
        pulumi("destroy", "--yes", "--skip-preview")  # the claims go with the namespace
        for path in [SET, *CLAIMS]:
            cluster.wait_gone(path)
    finally:
        subprocess.run(["pulumi", "destroy", "--yes", "--skip-preview", "--non-interactive", "--stack", "dev"],
                       cwd=project, env=env, capture_output=True, check=False, timeout=600)
