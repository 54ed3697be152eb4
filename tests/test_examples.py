"""The examples are programs of other teams: written against the installed package only, run and tested
from a folder outside this repository's layout."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

EXAMPLES = sorted(path.name for path in (REPO / "examples").iterdir() if (path / "Pulumi.yaml").is_file())


def test_there_is_another_teams_app_stack() -> None:
    assert "team-app" in EXAMPLES


@pytest.mark.parametrize("example", EXAMPLES)
def test_the_examples_own_tests_pass_outside_the_repository(example: str, tmp_path: Path) -> None:
    folder = shutil.copytree(REPO / "examples" / example, tmp_path / example)
    result = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(folder)],
                            cwd=folder, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout


@pytest.mark.parametrize("example", EXAMPLES)
def test_the_examples_render_with_the_pilothouse_command(example: str, tmp_path: Path) -> None:
    folder = shutil.copytree(REPO / "examples" / example, tmp_path / example)
    pilothouse = Path(sys.executable).with_name("pilothouse")
    result = subprocess.run([str(pilothouse), "render", "--stack", "dev", "--out", str(tmp_path / "render")],
                            cwd=folder, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("rendered stack 'dev': ")
    assert (tmp_path / "render" / "manifests" / "payments" / "Deployment-web.yaml").is_file()
    policy = subprocess.run([str(pilothouse), "policy", str(tmp_path / "render")], capture_output=True, text=True,
                            check=False)
    assert policy.returncode == 0, policy.stdout  # no mandatory violation
