"""The Python examples of the README and docs/ run as written, under the mock engine, and render valid objects."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pulumi
import pulumi_kubernetes as k8s
import pytest

from tests.conftest import REPO, RunProgram

README = (REPO / "README.md").read_text()
#: The README and the docs it links: their examples run as written too.
PAGES = README + "".join(page.read_text() for page in sorted((REPO / "docs").glob("*.md")))
#: The quick start's files, each a block after a ``<!-- quickstart: FILE -->`` marker.
QUICKSTART = dict(re.findall(r"<!-- quickstart: (\S+) -->\n```python\n(.*?)```", README, re.S))
#: The files of a policy pack folder (docs/policy.md), each a block after a ``<!-- pack folder: FILE -->`` marker: they
#: serve the pack under the real engine (tests/e2e/test_policy_config.py), they are no program.
PACK_FOLDER = dict(re.findall(r"<!-- pack folder: (\S+) -->\n```\w+\n(.*?)```", PAGES, re.S))
_BLOCKS = [block for block in re.findall(r"```python\n(.*?)```", PAGES, re.S)
           if "from pilothouse" in block and block not in (*QUICKSTART.values(), *PACK_FOLDER.values())]
#: Blocks that run inside a program as written (the quick start's are whole files of a project).
EXAMPLES = [block for block in _BLOCKS if "pilothouse.testing" not in block]
#: Blocks that are scripts of their own: they run programs under the mock engine themselves.
SCRIPTS = [block for block in _BLOCKS if "pilothouse.testing" in block]


def test_the_readme_has_examples() -> None:
    assert len(EXAMPLES) >= 3


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"example-{i}" for i in range(len(EXAMPLES))])
def test_readme_example_runs(example: str, run_program: RunProgram) -> None:
    def program() -> None:
        # The names the examples leave to the reader's program.
        names = {"cluster_provider": k8s.Provider("cluster", kubeconfig="kubeconfig"),
                 "db_password": pulumi.Output.secret("example-password")}
        exec(compile(example, "README.md", "exec"), names)

    render = run_program(program)
    assert render.resources


def test_the_quick_start_is_a_project_whose_tests_pass_and_that_renders(tmp_path: Path) -> None:
    assert set(QUICKSTART) == {"__main__.py", "test_shop.py"}
    assert len(QUICKSTART["__main__.py"].splitlines()) <= 30
    for name, block in QUICKSTART.items():
        (tmp_path / name).write_text(block)
    (tmp_path / "Pulumi.yaml").write_text("name: shop\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  shop:kubeconfig: ~/.kube/config\n")
    tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", str(tmp_path)],
                           cwd=tmp_path, capture_output=True, text=True, check=False)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    render = subprocess.run([sys.executable, "-m", "pilothouse", "render", "--stack", "dev", "--out", "build/dev"],
                            cwd=tmp_path, capture_output=True, text=True, check=False)
    assert render.returncode == 0, render.stderr
    assert (tmp_path / "build/dev/manifests/shop/Deployment-web.yaml").is_file()


def test_the_error_the_quick_start_shows_is_the_real_one() -> None:
    from pilothouse.errors import InvalidValueError  # noqa: PLC0415
    from pilothouse.kubernetes import Port  # noqa: PLC0415

    quoted = re.search(r"`Port.http\(80800\)` raises `(.*?)`", README)
    assert quoted is not None
    with pytest.raises(InvalidValueError) as error:
        Port.http(80800)
    assert str(error.value) == quoted[1]


@pytest.mark.parametrize("script", SCRIPTS, ids=[f"script-{i}" for i in range(len(SCRIPTS))])
def test_readme_script_runs(script: str) -> None:
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
