"""A ``secure:`` value the passphrase provider cannot open whatever the passphrase fails ``pilothouse render`` with
the message ``pulumi preview`` fails on it (the render decrypts nothing, so it checks only the shape)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.e2e.toolchain import toolchain_env

pytestmark = pytest.mark.e2e

CIPHERTEXTS = ["v1:garbage", "", "v2:a:b", "v1:!!!!:AAAA", "v1:AAAA:AAAA", "v1:AAA:AAAA", "v1:AA=A:AAAA",
               "v1:AAAAAAAAAAAAAAAA:AA==x", "v1:AAAAAAAAAAAAAAAA:AA=", "v1:AAAAAAAAAAAAAAAA:AAAA="]


def test_a_ciphertext_the_cli_cannot_open_fails_the_render_as_it_fails_the_preview(tmp_path: Path) -> None:
    project = tmp_path / "shop"
    project.mkdir()
    (project / "Pulumi.yaml").write_text(
        f"name: shop\nruntime:\n  name: python\n  options:\n    virtualenv: {REPO / '.venv'}\n")
    (project / "__main__.py").write_text("import pulumi\npulumi.export('token', pulumi.Config().get_secret('token'))\n")
    (tmp_path / "backend").mkdir()
    env = toolchain_env(tmp_path / "backend")

    def run(*command: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, check=False, timeout=300)

    assert run("pulumi", "stack", "init", "dev", "--non-interactive").returncode == 0
    assert run("pulumi", "config", "set", "--secret", "token", "hunter2").returncode == 0
    stack_file = (project / "Pulumi.dev.yaml").read_text()
    assert "encryptionsalt:" in stack_file
    assert run(sys.executable, "-m", "pilothouse", "render", "--stack", "dev", "--out", "good").returncode == 0
    for ciphertext in CIPHERTEXTS:
        (project / "Pulumi.dev.yaml").write_text(stack_file.split("config:")[0]
                                                 + f'config:\n  shop:token:\n    secure: "{ciphertext}"\n')
        preview = run("pulumi", "preview", "--non-interactive")
        render = run(sys.executable, "-m", "pilothouse", "render", "--stack", "dev", "--out", "bad")
        assert preview.returncode != 0, (ciphertext, preview.stdout)
        assert render.returncode == 2, (ciphertext, render.stderr)
        message = render.stderr.removeprefix("error: Pulumi.dev.yaml: ").strip()
        assert f"error: {message}\n" in preview.stdout + preview.stderr, (ciphertext, message, preview.stdout)
