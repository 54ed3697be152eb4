"""Cross-check with an independent scanner: checkov's Kubernetes checks over every stack's manifests."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO, STACKS

CHECKOV = REPO / ".venv-checkov" / "bin" / "checkov"
WAIVERS: dict[str, str] = yaml.safe_load((REPO / "policy" / "checkov-waivers.yaml").read_text())


def failed_checks(manifests: Path) -> dict[str, list[str]]:
    """checkov's failed Kubernetes checks by id, with the resources failing each; nothing downloaded."""
    assert CHECKOV.exists(), "checkov is installed by `make test` (.venv-checkov); run it through make"
    result = subprocess.run(
        [str(CHECKOV), "-d", str(manifests), "--framework", "kubernetes", "--quiet", "--compact",
         "--skip-download", "-o", "json"],
        capture_output=True, text=True, check=False, env={**os.environ, "BC_SKIP_MAPPING": "TRUE"})
    assert result.returncode in (0, 1), result.stderr  # 1: some check failed
    reports = json.loads(result.stdout)
    failed: dict[str, list[str]] = {}
    for report in reports if isinstance(reports, list) else [reports]:
        for check in (report.get("results") or {}).get("failed_checks", []):
            failed.setdefault(check["check_id"], []).append(check["resource"])
    return failed


def test_every_waiver_has_a_reason() -> None:
    assert all(isinstance(reason, str) and len(reason) > 40 for reason in WAIVERS.values())


@pytest.mark.parametrize("stack", STACKS)
def test_our_stacks_fail_no_checkov_check_beyond_the_waivers(stack: str, rendered: dict[str, Path]) -> None:
    manifests = rendered[stack] / "manifests"
    assert manifests.is_dir()
    unwaived = {check: resources for check, resources in failed_checks(manifests).items() if check not in WAIVERS}
    assert unwaived == {}


def test_checkov_catches_the_insecure_sample(tmp_path: Path) -> None:
    sample: dict[str, Any] = {
        "apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "app", "namespace": "shop"},
        "spec": {"selector": {"matchLabels": {"app": "app"}}, "template": {
            "metadata": {"labels": {"app": "app"}},
            "spec": {"containers": [{"name": "app", "image": "nginx:latest", "securityContext": {"privileged": True},
                                     "env": [{"name": "API_TOKEN", "value": "t0ken"}]}],
                     "volumes": [{"name": "host", "hostPath": {"path": "/"}}]}}}}
    (tmp_path / "app.yaml").write_text(yaml.safe_dump(sample))
    failed = failed_checks(tmp_path)
    assert {"CKV_K8S_16", "CKV_K8S_14", "CKV_K8S_20"} <= set(failed)  # privileged, :latest, escalation
    assert set(failed) - set(WAIVERS)
