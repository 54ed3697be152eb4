"""The pull-request workflow previews every stack the repository has, offline and for real."""

from __future__ import annotations

from typing import Any

import yaml

from tests.conftest import REPO

WORKFLOW: dict[str, Any] = yaml.safe_load((REPO / ".github" / "workflows" / "preview.yml").read_text())
STACK_FILES = {path.name.split(".")[1] for path in REPO.glob("Pulumi.*.yaml")}


def test_offline_diff_covers_every_stack_and_comments() -> None:
    job = WORKFLOW["jobs"]["offline-diff"]
    assert set(job["strategy"]["matrix"]["stack"]) == STACK_FILES
    commands = " ".join(step.get("run", "") for step in job["steps"])
    assert "make diff STACK=${{ matrix.stack }}" in commands
    assert any("sticky-pull-request-comment" in step.get("uses", "") for step in job["steps"])


def test_real_preview_covers_the_cloud_stacks_with_policies() -> None:
    job = WORKFLOW["jobs"]["preview"]
    assert set(job["strategy"]["matrix"]["stack"]) == STACK_FILES - {"local"}
    [pulumi] = [step for step in job["steps"] if step.get("uses", "").startswith("pulumi/actions")]
    assert pulumi["with"] == {"command": "preview", "stack-name": "${{ matrix.stack }}", "diff": True,
                              "comment-on-pr": True, "policyPacks": "policy"}
    assert WORKFLOW["permissions"]["id-token"] == "write"  # OIDC federation, no stored Azure secret
