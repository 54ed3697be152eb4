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
    "a key of three parts": "a:b:c: 1\n",
    "a key in the old config module": "aws:config:region: 1\n",
    "an integer default with leading zeros": "k:\n    type: integer\n    default: '00000000000000000000001'\n",
    "an integer default one beyond int64": "k:\n    type: integer\n    default: '-00009223372036854775809'\n",
    "a key path the CLI cannot parse": "'a[':\n    default: x\n",
    "a default at a negative index": "'a[-1]':\n    default: x\n",
    "a default that would read as a secure value": "a.secure:\n    default: x\n",
    "defaults at indices and quoted names": "'a[1]':\n    default: x\n'b[\"x.y\"][0]':\n    default: 'true'\n",
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
    "a float too long to quote whole": "config:\n  a: 12345678901.0\n",
    "after texts yaml.v3 writes over other lines": "config:\n  a: \"x\\ny\\u2028z\"\n  b: \"x\\ny\U0001f600\"\n"
                                                   "  c: \"\\nb\"\n  d: \"x\\u2028y\"\n  e: \"x\\u2028 y\"\n"
                                                   "  f: !!binary " + "/" * 80 + "\n  g: [!!binary " + "/" * 80 + "]\n"
                                                   "  z: 2.0\n",
    "after keys that are not simple": "config:\n  \"a\\nb\": x\n  \"c\\u2028d\": {type: string}\n  "
                                      + "k" * 129 + ": [1, [2, 3]]\n  " + "é" * 65 + ": x\n  z: 2.0\n",
    "a key of another namespace without its value": "config:\n  aws:region:\n    description: where\n",
    "a config key that is a number": "config:\n  1: a\n",
    "a declaration with a null key": "config:\n  k:\n    ~: 1\n",
    "a project key that is a number": "1: x\nconfig:\n  a: b\n",
    "items whose type is an object, nested": "config:\n  a:\n    type: array\n    items:\n      type: array\n"
                                             "      items:\n        type: {}\n  b:\n    type: array\n    items:\n"
                                             "      type:\n        type: string\n  c: 2.0\n",
}
PROJECTS = {**{case: "config:\n  " + section.replace("\n", "\n  ").rstrip() + "\n"
               for case, section in CONFIG_SECTIONS.items()}, **READ_BACK}
# Whole Pulumi.yaml files the CLI refuses before its schema looks at config: the document's shape, its name, and
# the project's other settings.
WHOLE_FILES = {
    "a list": "- shop\n",
    "a number": "1.5\n",
    "no name, a key near it": "nmae: shop\nruntime: python\n",
    "no name, none near it": "description: shop\n",
    "a name that is a number": "name: 5\n",
    "an empty name": "name: ''\n",
    "settings of the wrong type": "name: shop\ndescription: 5\nauthor: [1]\nlicense: {}\ntemplate: 5\nplugins: 5\n",
    "a setting that is a date": "name: shop\nwebsite: 2024-01-01\n",
    "a runtime with an attribute it does not take": "name: shop\nruntime:\n  name: python\n  optins: {}\n",
    "an option near a known one": "name: shop\noptions:\n  refrsh: always\n",
    "an option of the wrong value": "name: shop\noptions:\n  refresh: never\n",
    "a template attribute in the wrong case": "name: shop\ntemplate:\n  displayname: Shop\n",
    "a template attribute far from the known ones": "name: shop\ntemplate:\n  quick: x\n",
    "a plugin without its path": "name: shop\nplugins:\n  providers:\n    - name: a\n      verson: 1\n",
    "a package with an attribute it does not take": "name: shop\npackages:\n  p:\n    source: x\n    foo: 1\n",
    "a package that is a number": "name: shop\npackages:\n  p: 5\n",
}


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


@pytest.mark.parametrize("case", WHOLE_FILES)
def test_the_render_refuses_a_project_file_as_pulumi_preview_does(tmp_path: Path, case: str) -> None:
    project, env = _project(tmp_path, "")
    (project / "Pulumi.yaml").write_text(WHOLE_FILES[case])
    preview = _run(project, env, "pulumi", "preview", "--non-interactive", "--stack", "dev")
    render = _run(project, env, sys.executable, "-m", "pilothouse", "render", "--stack", "dev", "--out",
                  str(tmp_path / "out"))
    first, *errors = _refusal((preview.stdout + preview.stderr).replace(f"{project}/", ""))
    assert (preview.returncode != 0, render.returncode) == (True, 2)
    # Several settings wrong at once come in the order of a Go map's walk, which changes from run to run.
    refused, *listed = _refusal(render.stderr)
    assert (refused, sorted(listed)) == (first, sorted(errors)), (render.stderr, preview.stdout + preview.stderr)
