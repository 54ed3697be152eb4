"""``main`` and ``stackConfigDir`` in Pulumi.yaml: ``pilothouse render`` runs the program where ``pulumi up`` runs
it, with the stack file from where the CLI reads it, and refuses what the CLI refuses with the same message.

Stack outputs only (no resource), so no provider plugin is needed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.e2e.toolchain import toolchain_env

pytestmark = pytest.mark.e2e

PROGRAM = """import os
import pulumi

try:
    import helper  # next to the program
    importable = True
except ImportError:
    importable = False
pulumi.export("importable", importable)
pulumi.export("cwd", os.path.relpath(os.getcwd(), os.environ["PROJECT"]))
pulumi.export("settings", open("settings.txt").read().strip())
pulumi.export("greeting", pulumi.Config().require("greeting"))
"""

# Each layout: Pulumi.yaml's own lines, the program's file, the stack file's folder.
LAYOUTS = {
    "main folder, stackConfigDir": ("main: src/\nstackConfigDir: stacks\n", "src/__main__.py", "stacks"),
    "main file": ("main: app/program.py\n", "app/program.py", "."),
    "config as text (the old stackConfigDir)": ("config: settings/stacks\n", "__main__.py", "settings/stacks"),
}
REFUSED = {
    "main missing": ("main: nowhere/\n", "__main__.py", "."),
    "main folder without __main__.py": ("main: src/\n", "src/program.py", "."),
    "config as text and stackConfigDir": ("config: stacks\nstackConfigDir: stacks\n", "__main__.py", "stacks"),
    "main not text": ("main: true\n", "__main__.py", "."),
    "config a number": ("config: 5\n", "__main__.py", "."),
    "stackConfigDir an object": ("stackConfigDir: {a: 1}\n", "__main__.py", "."),
    "config a date": ("config: 2024-01-01\n", "__main__.py", "."),
    "main longer than a file name may be": (f"main: {'m' * 300}\n", "__main__.py", "."),
}


def _project(tmp_path: Path, settings: str, program: str, stacks: str) -> tuple[Path, dict[str, str]]:
    project = tmp_path / "shop"
    (project / program).parent.mkdir(parents=True, exist_ok=True)
    (project / stacks).mkdir(parents=True, exist_ok=True)
    (project / "Pulumi.yaml").write_text("name: shop\nruntime:\n  name: python\n  options:\n"
                                         f"    virtualenv: {REPO / '.venv'}\n{settings}")
    (project / stacks / "Pulumi.dev.yaml").write_text("config:\n  shop:greeting: hello\n")
    (project / program).write_text(PROGRAM)
    (project / program).with_name("helper.py").write_text("")
    (project / program).with_name("settings.txt").write_text("from the program's folder\n")
    (tmp_path / "backend").mkdir()
    return project, toolchain_env(tmp_path / "backend") | {"PROJECT": str(project)}


def _run(project: Path, env: dict[str, str], *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, check=False, timeout=300)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_render_runs_the_program_as_pulumi_up_does(tmp_path: Path, layout: str) -> None:
    project, env = _project(tmp_path, *LAYOUTS[layout])
    assert _run(project, env, "pulumi", "stack", "select", "--create", "dev", "--non-interactive").returncode == 0
    up = _run(project, env, "pulumi", "up", "--yes", "--skip-preview", "--non-interactive")
    assert up.returncode == 0, up.stdout + up.stderr
    deployed = json.loads(_run(project, env, "pulumi", "stack", "output", "--json").stdout)
    render = _run(project, env, sys.executable, "-m", "pilothouse", "render", "--stack", "dev", "--out",
                  str(tmp_path / "out"))
    assert render.returncode == 0, render.stderr
    assert json.loads((tmp_path / "out" / "outputs.json").read_text()) == deployed
    assert deployed["greeting"] == "hello"


@pytest.mark.parametrize("layout", REFUSED)
def test_the_render_refuses_a_layout_pulumi_preview_refuses(tmp_path: Path, layout: str) -> None:
    project, env = _project(tmp_path, *REFUSED[layout])
    _run(project, env, "pulumi", "stack", "select", "--create", "dev", "--non-interactive")
    preview = _run(project, env, "pulumi", "preview", "--non-interactive")
    render = _run(project, env, sys.executable, "-m", "pilothouse", "render", "--stack", "dev", "--out",
                  str(tmp_path / "out"))
    assert preview.returncode != 0
    assert render.returncode == 2
    message = render.stderr.removeprefix("error: ").removeprefix("Pulumi.yaml: ").strip()
    refused = (preview.stdout + preview.stderr).replace(f"'{project}/Pulumi.yaml'", "'Pulumi.yaml'")
    assert message in refused, (message, refused)
    assert not (tmp_path / "out").exists()
