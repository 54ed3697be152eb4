"""Shared fixtures: the mock engine for component tests, offline renders of every stack."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from pilothouse.offline import engine
from pilothouse.offline.engine import Render
from pilothouse.offline.render import is_kubernetes_object, manifest, manifests
from tests import schemas
from tests.oracle import collected

REPO = Path(__file__).resolve().parent.parent
STACKS = ("local", "dev", "prod")

RunProgram = Callable[[Callable[[], object]], Render]


#: The Kubernetes version component tests validate their manifests against.
SCHEMA_VERSION = "1.34"


def assert_schema_valid(render: Render, version: str = SCHEMA_VERSION) -> None:
    """Every Kubernetes object of ``render`` is valid for ``version``, unknown fields rejected; the objects
    are also kept for the API-server oracle (``tests/oracle``), which checks them at the end of the session."""
    objects = []
    for registration in filter(is_kubernetes_object, render):
        obj = manifest(registration)
        try:
            schemas.validate(obj, version)
        except schemas.SchemaError as error:
            pytest.fail(f"{obj['kind']} {registration.name} is not valid for Kubernetes {version}: {error}")
        objects.append(obj)
    collected.add(objects)


@pytest.fixture
def run_program() -> RunProgram:
    """Run a function that declares resources under the mock engine; return what it registered.

    Every Kubernetes object the program registers is schema-checked on the way out.
    """

    def run(program: Callable[[], object]) -> Render:
        render = engine.run(program, stack="test")
        assert_schema_valid(render)
        return render

    return run


def render_cli(stack: str, out: Path, project: Path = REPO) -> subprocess.CompletedProcess[str]:
    """``python -m pilothouse render`` as ``make render`` runs it, in a fresh interpreter."""
    return subprocess.run(
        [sys.executable, "-m", "pilothouse", "render", "--project", str(project), "--stack", stack,
         "--out", str(out)], cwd=REPO, capture_output=True, text=True, check=False)


@pytest.fixture(scope="session")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every stack of the repository rendered once per test session."""
    folders = {}
    for stack in STACKS:
        out = tmp_path_factory.mktemp("render") / stack
        result = render_cli(stack, out)
        assert result.returncode == 0, result.stderr
        folders[stack] = out
        collected.add([obj for _, obj in manifests(out)], origin=f"the {stack} stack's render")
    return folders


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The API-server oracle's check of every rendered object runs after every test that renders."""
    items.sort(key=lambda item: item.get_closest_marker("after_renders") is not None)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The API-server oracle's counts (cases, seed, agreements), shown even when every test passed."""
    if collected.report:
        terminalreporter.section("API-server oracle")
        for line in collected.report:
            terminalreporter.write_line(line)
        if collected.cases[0]:
            terminalreporter.write_line(f"differential cases in all: {collected.cases[0]}")
