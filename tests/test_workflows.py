"""The GitHub workflows: previews of every stack on pull requests, deployments on merge, no stored secret."""

from __future__ import annotations

import re
from typing import Any

import yaml

from tests.conftest import REPO

WORKFLOWS = REPO / ".github" / "workflows"
STACK_FILES = {path.name.split(".")[1] for path in REPO.glob("Pulumi.*.yaml")}
CLOUD_STACKS = STACK_FILES - {"local"}
SAME_REPOSITORY = "github.event.pull_request.head.repo.full_name == github.repository"
PINNED_PULUMI = re.findall(r"^PULUMI_VERSION=v(\S+)$", (REPO / "tools" / "versions.env").read_text(), re.MULTILINE)[0]
MAKE_TARGETS = set(re.findall(r"^([a-z-]+):", (REPO / "Makefile").read_text(), re.MULTILINE))


def workflow(name: str) -> dict[str, Any]:
    loaded: dict[Any, Any] = yaml.safe_load((WORKFLOWS / name).read_text())
    loaded["on"] = loaded.pop(True)  # YAML 1.1 reads the `on:` key as the boolean true
    return loaded


def make_targets(job: dict[str, Any]) -> set[str]:
    """The make targets a job's steps run."""
    commands = " ".join(step.get("run", "") for step in job["steps"])
    return {target for call in re.findall(r"make ([a-z -]+)", commands) for target in call.split()}


def test_offline_diff_covers_every_stack_and_comments() -> None:
    job = workflow("preview.yml")["jobs"]["offline-diff"]
    assert set(job["strategy"]["matrix"]["stack"]) == STACK_FILES
    commands = " ".join(step.get("run", "") for step in job["steps"])
    assert "make diff STACK=${{ matrix.stack }}" in commands
    [comment] = [step for step in job["steps"] if "sticky-pull-request-comment" in step.get("uses", "")]
    assert comment["if"] == SAME_REPOSITORY  # a fork's token cannot comment: its diff is in the job summary
    assert '>> "$GITHUB_STEP_SUMMARY"' in commands
    assert "environment" not in job  # no credentials: works for pull requests from forks


def test_real_preview_covers_the_cloud_stacks_without_an_approval_gate() -> None:
    preview = workflow("preview.yml")
    job = preview["jobs"]["preview"]
    assert preview["on"] == {"pull_request": {"paths-ignore": ["**.md"]}}
    assert set(job["strategy"]["matrix"]["stack"]) == CLOUD_STACKS
    assert job["if"] == SAME_REPOSITORY  # a fork's code never runs with Azure credentials
    assert job["uses"] == "./.github/workflows/pulumi.yml"
    assert job["with"] == {"stack": "${{ matrix.stack }}", "command": "preview",
                           "environment": "${{ matrix.stack }}-preview"}


def test_merges_deploy_dev_then_prod_after_approval() -> None:
    deploy = workflow("deploy.yml")
    assert deploy["permissions"] == {"contents": "read", "id-token": "write"}
    assert deploy["on"] == {"push": {"branches": ["main"], "paths-ignore": ["**.md"]}}
    jobs = deploy["jobs"]
    assert set(jobs) == CLOUD_STACKS
    assert jobs["dev"]["with"] == {"stack": "dev", "command": "up", "environment": "dev"}
    assert jobs["prod"]["with"] == {"stack": "prod", "command": "up", "environment": "prod"}
    assert jobs["prod"]["needs"] == "dev"
    assert {job["concurrency"] for job in jobs.values()} == {"deploy-dev", "deploy-prod"}


def test_the_shared_pulumi_job_signs_in_by_federation_and_runs_the_policy_pack() -> None:
    shared = workflow("pulumi.yml")
    assert set(shared["on"]["workflow_call"]["inputs"]) == {"stack", "command", "environment"}
    assert "permissions" not in shared  # the caller's apply
    [job] = shared["jobs"].values()
    assert job["environment"] == "${{ inputs.environment }}"
    assert job["env"]["ARM_USE_OIDC"] == "true"
    [login] = [step for step in job["steps"] if step.get("uses", "").startswith("azure/login")]
    assert set(login["with"]) == {"client-id", "tenant-id", "subscription-id"}  # no client secret
    [pulumi] = [step for step in job["steps"] if step.get("uses", "").startswith("pulumi/actions")]
    assert pulumi["with"] == {"pulumi-version": PINNED_PULUMI, "command": "${{ inputs.command }}",
                              "stack-name": "${{ inputs.stack }}", "diff": True,
                              "comment-on-pr": "${{ inputs.command == 'preview' }}", "policyPacks": "policy"}


def test_no_workflow_reads_a_stored_secret() -> None:
    for path in WORKFLOWS.glob("*.yml"):
        assert "secrets." not in path.read_text(), path.name


def test_the_make_targets_the_workflows_run_exist() -> None:
    jobs = [job for path in WORKFLOWS.glob("*.yml") for job in workflow(path.name)["jobs"].values()
            if "steps" in job]
    used = set().union(*(make_targets(job) for job in jobs))
    assert used == {"diff", "venv", "charts"}
    assert used <= MAKE_TARGETS
