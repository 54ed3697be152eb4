"""Config declarations in Pulumi.yaml against the real Pulumi CLI: ``pilothouse render`` accepts what ``pulumi
preview`` accepts, and refuses what it refuses by project.json with the same errors
(:mod:`pilothouse.offline.project_schema`).

Stack outputs only (no resource), so no provider plugin is needed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.e2e.toolchain import toolchain_env

pytestmark = pytest.mark.e2e

# Each case: Pulumi.yaml's config section. Every one refused fails on one config key, and on one attribute of
# it, so the CLI's errors come in one order (it walks Go maps for keys and attributes).
CONFIG_SECTIONS = {
    "a type name the schema does not know": "f:\n    type: float\n",
    "an unknown attribute": "k:\n    typ: integer\n",
    "an attribute a double quote and a tab in its name": "k:\n    \"a\\\"b\\tc\": 1\n",
    "a float shorthand": "s1: 1.5\n",
    "a float shorthand that is an integer": "s1: 2.0\n",
    "a null": "n:\n",
    "a timestamp": "t: !!timestamp 2024-01-01\n",
    "a description that is a number": "d:\n    type: string\n    description: 5\n    default: x\n",
    "a declaration's secret that is text": "d:\n    type: string\n    secret: 'yes'\n    default: x\n",
    "the config key secret, as a number": "secret: 1.5\n",
    "the config key secret, as a declaration": "secret:\n    type: boolean\n",
    "items of an unknown type": "a:\n    type: array\n    items:\n      type: float\n",
    "items without a type": "a:\n    type: array\n    items: {}\n",
    "items of arrays without their items": "a:\n    type: array\n    items:\n      type: array\n",
    "items that are a number": "a:\n    type: array\n    items: 5\n",
    "items nested twice": "a:\n    type: array\n    items:\n      type: array\n      items:\n        type: integer\n"
                          "    default: [[1]]\n",
    "items with a type that is an object": "a:\n    type: array\n    items:\n      type:\n        type: string\n",
    "a type that is a number": "k:\n    type: 5\n",
    "a key with a slash, a tilde and a space": "\"we/ird~ key\": 1.5\n",
    "a key in another namespace": "aws:region: 1.5\n",
    "shorthands of every kind": "s: text\ni: 1\nb: true\nl: [1, 2]\n",
}


def _project(tmp_path: Path, config: str) -> tuple[Path, dict[str, str]]:
    project = tmp_path / "shop"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: shop\nruntime:\n  name: python\n  options:\n"
                                         f"    virtualenv: {REPO / '.venv'}\nconfig:\n  "
                                         + config.replace("\n", "\n  ").rstrip() + "\n")
    (project / "Pulumi.dev.yaml").write_text("config: {}\n")
    (project / "__main__.py").write_text("import pulumi\npulumi.export('ok', True)\n")
    (tmp_path / "backend").mkdir()
    return project, toolchain_env(tmp_path / "backend")


def _run(project: Path, env: dict[str, str], *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, check=False, timeout=300)


def _schema_errors(output: str) -> list[str]:
    """The lines of a "could not validate" error, from where it starts."""
    start = output.find("could not validate")
    if start < 0:
        return []
    lines = output[start:].splitlines()
    return [lines[0], *[line for line in lines[1:] if line.startswith("\t* ")]]


@pytest.mark.parametrize("case", CONFIG_SECTIONS)
def test_the_render_checks_config_declarations_as_pulumi_preview_does(tmp_path: Path, case: str) -> None:
    project, env = _project(tmp_path, CONFIG_SECTIONS[case])
    _run(project, env, "pulumi", "stack", "init", "dev", "--non-interactive")
    preview = _run(project, env, "pulumi", "preview", "--non-interactive")
    render = _run(project, env, sys.executable, "-m", "pilothouse", "render", "--stack", "dev", "--out",
                  str(tmp_path / "out"))
    expected = _schema_errors((preview.stdout + preview.stderr).replace(f"'{project}/Pulumi.yaml'", "'Pulumi.yaml'"))
    assert _schema_errors(render.stderr) == expected, (render.stderr, preview.stdout + preview.stderr)
    assert (render.returncode == 0) == (preview.returncode == 0), (render.stderr, preview.stdout + preview.stderr)
