"""Aliases the engine refuses: ``pilothouse diff`` names the conflict ``pulumi preview`` fails on.

Component resources only, so no provider plugin and no cluster is needed.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pilothouse.offline.diff import AliasConflictError, compare
from tests.conftest import REPO
from tests.e2e.toolchain import toolchain_env

pytestmark = pytest.mark.e2e

PROGRAM = """import os
import pulumi


class Part(pulumi.ComponentResource):
    def __init__(self, name: str, *aliases: str) -> None:
        super().__init__("shop:parts:Part", name, None,
                         pulumi.ResourceOptions(aliases=[pulumi.Alias(name=alias) for alias in aliases]))
        self.register_outputs({})


if os.environ["STEP"] == "deployed":
    Part("settings")
    Part("db")
else:
    exec(os.environ["STEP"])
"""
URN = "urn:pulumi:dev::shop::shop:parts:Part::{}".format


# Each case: the step, then the engine's messages for it; the diff's is the first. Which one the engine prints
# depends on which of the two registrations reaches it first (step_generator.go's getOldResource), a race in the
# SDK: two aliases of one URN are named in either order; for an alias naming an URN the program also registers,
# the second message names the aliased resource twice. The diff's names both resources, in URN order.
@pytest.mark.parametrize(("step", "messages"), [
    ('Part("a", "settings")\nPart("b", "settings")',
     (f"Duplicate resource alias '{URN('settings')}' applied to resource with URN '{URN('b')}' conflicting with "
      f"resource with URN '{URN('a')}'",
      f"Duplicate resource alias '{URN('settings')}' applied to resource with URN '{URN('a')}' conflicting with "
      f"resource with URN '{URN('b')}'")),
    ('Part("cache", "db")\nPart("db")',
     (f"Duplicate resource URN '{URN('db')}' conflicting with alias on resource with URN '{URN('cache')}'",
      f"Duplicate resource alias '{URN('db')}' applied to resource with URN '{URN('cache')}' conflicting with "
      f"resource with URN '{URN('cache')}'")),
])
def test_the_diffs_conflict_is_the_one_pulumi_preview_fails_on(tmp_path: Path, step: str,
                                                                messages: tuple[str, ...]) -> None:
    project = tmp_path / "shop"
    project.mkdir()
    (project / "Pulumi.yaml").write_text(
        f"name: shop\nruntime:\n  name: python\n  options:\n    virtualenv: {REPO / '.venv'}\n")
    (project / "Pulumi.dev.yaml").write_text("config: {}\n")
    (project / "__main__.py").write_text(PROGRAM)
    (tmp_path / "backend").mkdir()
    env = toolchain_env(tmp_path / "backend")

    def run(*command: str, step: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(command, cwd=project, env=env | {"STEP": step}, capture_output=True, text=True,
                              check=False, timeout=300)

    def render(out: Path, step: str) -> Path:
        result = run(sys.executable, "-m", "pilothouse", "render", "--stack", "dev", "--out", str(out), step=step)
        assert result.returncode == 0, result.stderr
        return out

    assert run("pulumi", "stack", "init", "dev", "--non-interactive", step="deployed").returncode == 0
    up = run("pulumi", "up", "--yes", "--skip-preview", "--non-interactive", step="deployed")
    assert up.returncode == 0, up.stdout + up.stderr
    preview = run("pulumi", "preview", "--non-interactive", step=step)
    assert preview.returncode != 0
    assert [message for message in messages if f"error: {message}\n" in preview.stdout + preview.stderr]
    with pytest.raises(AliasConflictError) as error:
        compare(render(tmp_path / "base", "deployed"), render(tmp_path / "head", step))
    assert error.value.conflicts == messages[:1]
