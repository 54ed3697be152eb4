"""A checkout's ports.env is read, never run: only KEY=<port> lines of the six keys count, each once."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO

GOOD = {"ETCD_CLIENT_PORT": 20001, "ETCD_PEER_PORT": 20002, "APISERVER_PORT": 20003,
        "CONTROLLER_MANAGER_PORT": 20004, "SCHEDULER_PORT": 20005, "KWOK_PORT": 20006}


def api(tmp_path: Path, text: str) -> subprocess.CompletedProcess[str]:
    shutil.copytree(REPO / "tools", tmp_path / "tools", ignore=shutil.ignore_patterns("mods"))
    state = tmp_path / ".pilothouse" / "cluster"
    state.mkdir(parents=True)
    (state / "ports.env").write_text(text)
    return subprocess.run([str(tmp_path / "tools" / "cluster.sh"), "api"], capture_output=True, text=True,
                          check=False)


def lines(**changed: object) -> str:
    return "".join(f"{key}={value}\n" for key, value in {**GOOD, **changed}.items())


@pytest.mark.parametrize("text", [lines(), lines().replace("\n", "\r\n"), "PATH=/evil\n" + lines()])
def test_a_recorded_file_gives_the_api_servers_url(tmp_path: Path, text: str) -> None:
    result = api(tmp_path, text)
    assert (result.returncode, result.stdout) == (0, "https://127.0.0.1:20003\n"), result.stderr


@pytest.mark.parametrize(("text", "problem"), [
    (lines(APISERVER_PORT="$(touch pwned)20003"), "APISERVER_PORT is missing or not a port (1-65535)"),
    (lines(KWOK_PORT="20006; touch pwned"), "KWOK_PORT is missing or not a port (1-65535)"),
    (lines(APISERVER_PORT=0), "APISERVER_PORT is missing or not a port (1-65535)"),
    (lines(APISERVER_PORT=70000), "APISERVER_PORT is missing or not a port (1-65535)"),
    (lines(APISERVER_PORT="020003"), "APISERVER_PORT is missing or not a port (1-65535)"),
    (lines() + "APISERVER_PORT=20009\n", "APISERVER_PORT is set twice"),
    (lines(KWOK_PORT=20001), "port 20001 is given twice"),
    ("".join(f"{k}={v}\n" for k, v in GOOD.items() if k != "SCHEDULER_PORT"), "SCHEDULER_PORT is missing"),
])
def test_anything_else_stops_naming_the_file_and_key_and_runs_nothing(tmp_path: Path, text: str,
                                                                      problem: str) -> None:
    result = api(tmp_path, text)
    assert result.returncode == 1
    assert result.stderr.startswith(f"cluster: ERROR: {tmp_path}/.pilothouse/cluster/ports.env: {problem}")
    assert not list(tmp_path.rglob("pwned"))
