"""Control planes of different checkouts run side by side: each picks its own free loopback ports,
records them in its ``.pilothouse/cluster/ports.env`` and kubeconfig, keeps them across restarts,
moves only when another program took one, and ``down`` stops its own processes alone.

Each "checkout" is a folder holding a copy of ``tools/``: ``tools/cluster.sh`` takes everything it
owns from the folder above it, and the copy's modules hash to the toolchain already built.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO
from tests.e2e.kube import KubeApi

pytestmark = pytest.mark.e2e

PORT_KEYS = ("ETCD_CLIENT_PORT", "ETCD_PEER_PORT", "APISERVER_PORT", "CONTROLLER_MANAGER_PORT", "SCHEDULER_PORT",
             "KWOK_PORT")


class Checkout:
    def __init__(self, root: Path) -> None:
        self.root = root
        shutil.copytree(REPO / "tools", root / "tools")

    def cluster(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([str(self.root / "tools" / "cluster.sh"), *args], capture_output=True, text=True,
                                check=False, timeout=300)
        if check and result.returncode != 0:
            pytest.fail(f"{self.root.name}: cluster.sh {' '.join(args)} failed:\n{result.stderr}")
        return result

    @property
    def ports(self) -> dict[str, int]:
        text = (self.root / ".pilothouse" / "cluster" / "ports.env").read_text()
        return {key: int(value) for key, value in (line.split("=", 1) for line in text.splitlines())}

    @property
    def kubeconfig_server(self) -> str:
        config = yaml.safe_load((self.root / ".pilothouse" / "cluster" / "kubeconfig").read_text())
        server: str = config["clusters"][0]["cluster"]["server"]
        return server

    def ready(self) -> bool:
        """``cluster.sh status`` passes and the API server answers through the checkout's kubeconfig."""
        if self.cluster("status", check=False).returncode != 0:
            return False
        api = KubeApi(self.root / ".pilothouse" / "cluster" / "kubeconfig")
        return api.get("/api/v1/namespaces/default") is not None

    def processes(self) -> str:
        return _processes_naming(f"{self.root}/.pilothouse/cluster/")


def _processes_naming(text: str) -> str:
    """Processes whose command line contains ``text`` (as cluster.sh recognises its own)."""
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if text in cmdline:
                found.append(f"{proc.name} {cmdline[:100]}")
    return "\n".join(found)


@pytest.fixture
def checkouts(tmp_path: Path) -> Iterator[tuple[Checkout, Checkout]]:
    first, second = Checkout(tmp_path / "first"), Checkout(tmp_path / "second")
    try:
        yield first, second
    finally:
        for checkout in (first, second):
            checkout.cluster("down", "--purge", check=False)


def test_two_checkouts_run_side_by_side_and_stop_alone(checkouts: tuple[Checkout, Checkout]) -> None:
    first, second = checkouts
    first.cluster("up")
    second.cluster("up")
    assert set(first.ports) == set(second.ports) == set(PORT_KEYS)
    assert not set(first.ports.values()) & set(second.ports.values())
    for checkout in (first, second):
        assert checkout.kubeconfig_server == f"https://127.0.0.1:{checkout.ports['APISERVER_PORT']}"
        assert checkout.cluster("api").stdout == f"{checkout.kubeconfig_server}\n"
        assert checkout.ready()

    first.cluster("down")
    assert first.processes() == ""
    assert second.ready(), "stopping the first checkout's control plane stopped the second's"
    second.cluster("down")
    assert second.processes() == ""


def test_a_restart_keeps_its_ports_and_moves_only_off_a_taken_one(checkouts: tuple[Checkout, Checkout]) -> None:
    checkout, _ = checkouts
    checkout.cluster("up")
    recorded = checkout.ports
    checkout.cluster("down")
    checkout.cluster("up")
    assert checkout.ports == recorded  # the kubeconfig, and a stack's provider with it, stays the same
    checkout.cluster("down")

    with socket.socket() as squatter:  # another program takes the API server's port meanwhile
        squatter.bind(("127.0.0.1", recorded["APISERVER_PORT"]))
        squatter.listen()
        started = checkout.cluster("up")
        assert "ports moved to" in started.stderr
        assert recorded["APISERVER_PORT"] not in checkout.ports.values()
        assert checkout.kubeconfig_server == f"https://127.0.0.1:{checkout.ports['APISERVER_PORT']}"
        assert checkout.ready()
