"""Config declarations in Pulumi.yaml against the real Pulumi CLI: ``pilothouse render`` accepts what ``pulumi
preview`` accepts, and refuses what it refuses with the same errors: by project.json
(:mod:`pilothouse.offline.project_schema`), and where the CLI reads back the project it rewrote
(:mod:`pilothouse.offline.yaml_layout`: the lines its errors name).

Stack outputs only (no resource), so no provider plugin is needed.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.e2e.toolchain import toolchain_env

pytestmark = pytest.mark.e2e

# Each case: Pulumi.yaml's config section. Every one refused by the schema fails on one config key, and on one
# attribute of it, so the CLI's errors come in one order (it walks Go maps for keys and attributes).
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
# Whole projects whose float shorthands the CLI cannot read back: each error names a line of the YAML it wrote
# (keys in yaml.v3's order, values in block style), so what comes before each float moves it.
READ_BACK = {
    "a float shorthand after a setting written before config": "author: \"a\\nb\\nc\"\nconfig:\n  s1: 2.0\n",
    "floats in yaml.v3's key order": "config:\n  x9a: 1.0\n  x9: 2.0\n  x10: 3.0\n  xa: 4.0\n  x_: 5.0\n"
                                     "  x09: 6.0\n  x: 7.0\n  X: 8.0\n  x0: 9.0\n  x00: 10.0\n  é: 11.0\n  e: 12.0\n"
                                     "  x\u0663: 13.0\n  x3: 14.0\n",
    "after texts of several lines": "config:\n  a:\n    type: string\n    default: \"l1\\nl2\\nl3\"\n"
                                    "  b: \"l1\\nl2\\n\"\n  c: \"l1 \\nl2\"\n  d: \"x\\ty\\nz\"\n"
                                    "  e: \"x\\u0001\\nz\"\n  f: 1e21\n",
    "after collections": "config:\n  a:\n    type: array\n    items:\n      type: array\n      items:\n"
                         "        type: string\n    default: [[x, y], []]\n  b: [{x: 1, y: [1, 2]}, {}, [3, [4]]]\n"
                         "  c: 4.0\n  aws:x: 2.0\n",
    "an integer beyond int64": "config:\n  big: 18446744073709551615\n",
    "items whose type is an object, nested": "config:\n  a:\n    type: array\n    items:\n      type: array\n"
                                             "      items:\n        type: {}\n  b:\n    type: array\n    items:\n"
                                             "      type:\n        type: string\n  c: 2.0\n",
}
PROJECTS = {**{case: "config:\n  " + section.replace("\n", "\n  ").rstrip() + "\n"
               for case, section in CONFIG_SECTIONS.items()}, **READ_BACK}


def _project(tmp_path: Path, settings: str) -> tuple[Path, dict[str, str]]:
    project = tmp_path / "shop"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: shop\nruntime:\n  name: python\n  options:\n"
                                         f"    virtualenv: {REPO / '.venv'}\n{settings}")
    (project / "Pulumi.dev.yaml").write_text("config: {}\n")
    (project / "__main__.py").write_text("import pulumi\npulumi.export('ok', True)\n")
    (tmp_path / "backend").mkdir()
    return project, toolchain_env(tmp_path / "backend")


def _run(project: Path, env: dict[str, str], *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, check=False, timeout=300)


def _refusal(output: str) -> list[str]:
    """An error about the project or stack file: its first line and the lines that list its errors, without the
    file the render names first, the lines of a yaml.v3 error joined as the render prints them."""
    start = output.find("error: ")
    if start < 0:
        return []
    text = re.sub(r"^Pulumi(\.[\w.-]+)?\.yaml: ", "", output[start:].removeprefix("error: "))
    first, *rest = text.replace("\n  line ", " line ").splitlines()
    return [first, *[line for line in rest if line.startswith("\t* ")]]


@pytest.mark.parametrize("case", PROJECTS)
def test_the_render_reads_config_declarations_as_pulumi_preview_does(tmp_path: Path, case: str) -> None:
    project, env = _project(tmp_path, PROJECTS[case])
    _run(project, env, "pulumi", "stack", "init", "dev", "--non-interactive")
    preview = _run(project, env, "pulumi", "preview", "--non-interactive")
    render = _run(project, env, sys.executable, "-m", "pilothouse", "render", "--stack", "dev", "--out",
                  str(tmp_path / "out"))
    expected = _refusal((preview.stdout + preview.stderr).replace(f"{project}/", ""))
    assert (render.returncode == 0) == (preview.returncode == 0), (render.stderr, preview.stdout + preview.stderr)
    assert _refusal(render.stderr) == expected, (render.stderr, preview.stdout + preview.stderr)
