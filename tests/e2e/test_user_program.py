"""A user's program under the real Pulumi engine: a value Pilothouse refuses is one line, not a traceback.

No cluster is needed: the program is refused before it registers anything.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.e2e.toolchain import toolchain_env

pytestmark = pytest.mark.e2e


def test_a_refused_value_is_one_error_line_in_a_real_preview(tmp_path: Path) -> None:
    project = tmp_path / "shop"
    project.mkdir()
    (project / "Pulumi.yaml").write_text(
        f"name: shop\nruntime:\n  name: python\n  options:\n    virtualenv: {REPO / '.venv'}\n")
    (project / "__main__.py").write_text("from pilothouse.kubernetes import Port\n\nPort.http(80800)\n")
    env = toolchain_env(tmp_path / "backend")
    (tmp_path / "backend").mkdir()

    def pulumi(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["pulumi", *args, "--non-interactive"], cwd=project, env=env, capture_output=True,
                              text=True, check=False, timeout=300)

    assert pulumi("stack", "init", "dev").returncode == 0
    preview = pulumi("preview", "--stack", "dev")
    output = preview.stdout + preview.stderr
    assert preview.returncode != 0
    assert "error: port: got 80800; expected a port number from 1 to 65535" in output
    assert "Traceback" not in output
