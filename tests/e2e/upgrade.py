"""A stack deployed with an earlier version of the library, then previewed and updated with this one.

The earlier version is its ``components`` tree taken from git into the project, which shadows the installed
package until :meth:`UpgradeStack.deploy_with_old_library` has deployed with it. The Kubernetes provider renders
YAML to a folder, so no cluster is needed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO
from tests.e2e.toolchain import python_project, toolchain_env


class UpgradeStack:
    """Stack ``dev`` of a project running ``program``, with the library of git revision ``before`` beside it."""

    def __init__(self, folder: Path, program: Path, before: str) -> None:
        self.project, backend = folder / "project", folder / "backend"
        python_project(self.project, "upgrade", program)
        backend.mkdir()
        (self.project / "Pulumi.dev.yaml").write_text(
            f"config:\n  kubernetes:renderYamlToDirectory: {folder / 'yaml'}\n")
        archive = subprocess.run(["git", "archive", before, "components"], cwd=REPO, capture_output=True,
                                 check=False)
        if archive.returncode != 0:
            pytest.fail(f"this test needs the repository's history (git archive {before}): "
                        f"{archive.stderr.decode().strip()}")
        subprocess.run(["tar", "-x", "-C", str(self.project)], input=archive.stdout, check=True)
        self.env = toolchain_env(backend)
        subprocess.run(["pulumi", "stack", "init", "dev", "--non-interactive"], cwd=self.project, env=self.env,
                       check=True, capture_output=True)

    def pulumi(self, *args: str, **env: str) -> str:
        """Run ``pulumi <args>`` on the stack with ``env`` added (the project's folder searched before the
        installed packages); its output, or a failed test."""
        result = subprocess.run(["pulumi", *args, "--non-interactive", "--stack", "dev"], cwd=self.project,
                                env=self.env | env | {"PYTHONPATH": str(self.project)},
                                capture_output=True, text=True, check=False, timeout=300)
        assert result.returncode == 0, f"pulumi {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    def render(self, out: Path, **env: str) -> Path:
        """``pilothouse render`` of the stack into ``out``, with ``env`` added as :meth:`pulumi` adds it."""
        result = subprocess.run([sys.executable, "-m", "pilothouse", "render", "--stack", "dev", "--out", str(out)],
                                cwd=self.project, env=self.env | env | {"PYTHONPATH": str(self.project)},
                                capture_output=True, text=True, check=False, timeout=300)
        assert result.returncode == 0, f"pilothouse render:\n{result.stdout}\n{result.stderr}"
        return out

    def deploy_with_old_library(self, **env: str) -> list[str]:
        """``pulumi up`` with the earlier version, then leave only the installed package: the URNs deployed,
        providers left out."""
        self.pulumi("up", "--yes", "--skip-preview", **env)
        shutil.rmtree(self.project / "components")
        return self.deployed()

    def deployed(self) -> list[str]:
        """The URNs in the stack's state, providers left out."""
        state = json.loads(self.pulumi("stack", "export"))
        return [r["urn"] for r in state["deployment"]["resources"] if not r["type"].startswith("pulumi:providers:")]

    def preview(self, **env: str) -> dict[str, Any]:
        """``pulumi preview --json``."""
        result: dict[str, Any] = json.loads(self.pulumi("preview", "--json", **env))
        return result


def changed(preview: dict[str, Any]) -> dict[str, str]:
    """Each step of ``preview`` that is not ``same``: its URN without the stack and project, and its operation."""
    return {step["urn"].split("::", 2)[2]: step["op"] for step in preview["steps"] if step["op"] != "same"}
