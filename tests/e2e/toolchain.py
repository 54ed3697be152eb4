"""The pinned toolchain's environment for real Pulumi runs (the e2e tests and ``make bench`` share it)."""

from __future__ import annotations

import fcntl
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
CLUSTER = REPO / "tools" / "cluster.sh"


def python_project(folder: Path, name: str, program: Path) -> None:
    """A Pulumi project in ``folder`` (created) running ``program`` with this repository's virtualenv."""
    folder.mkdir(parents=True)
    shutil.copy(program, folder / "__main__.py")
    (folder / "Pulumi.yaml").write_text(
        f"name: {name}\nruntime:\n  name: python\n  options:\n    virtualenv: {REPO / '.venv'}\n")


def toolchain_env(backend: Path) -> dict[str, str]:
    """The environment ``tools/env.sh`` sets up, with a backend of the caller's own."""
    subprocess.run([str(REPO / "tools" / "bootstrap.sh")], check=True, stdout=subprocess.DEVNULL)
    dump = subprocess.run(["bash", "-c", ". tools/env.sh && env -0"], cwd=REPO, check=True,
                          capture_output=True, text=True).stdout
    env = dict(item.split("=", 1) for item in dump.split("\0") if "=" in item)
    env["PULUMI_BACKEND_URL"] = f"file://{backend}"
    return env


class ControlPlaneBusyError(RuntimeError):
    """Another run kept the local control plane for longer than we would wait."""


@contextmanager
def control_plane_lock(wait_s: float = 600) -> Iterator[None]:
    """Hold the lock every run on this checkout's control plane takes (``tools/cluster.sh lockfile``,
    ``tools/stack.sh`` takes it too): two runs would stop or purge the control plane under each other."""
    path = subprocess.run([str(CLUSTER), "lockfile"], check=True, capture_output=True, text=True).stdout.strip()
    with open(path, "a") as lock:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise ControlPlaneBusyError(
                        f"another run held the local control plane for {wait_s:.0f} s ({path})") from None
                time.sleep(2)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@contextmanager
def local_control_plane(*, clean_slate: bool) -> Iterator[Path]:
    """The local control plane for this run alone (under its lock), started unless it runs, and its
    kubeconfig. One this run started is stopped afterwards, a half-started one too; one that was
    running is left running. ``clean_slate``: a stopped control plane's state is removed first
    (objects of an interrupted run would conflict with the new ones) and again at the end.

    Raises ``ControlPlaneBusyError``, or ``subprocess.CalledProcessError`` when it does not start.
    """
    down = [str(CLUSTER), "down", *(["--purge"] if clean_slate else [])]
    with control_plane_lock():
        was_running = subprocess.run([str(CLUSTER), "status"], capture_output=True, check=False).returncode == 0
        if not was_running and clean_slate:
            subprocess.run(down, check=True, capture_output=True)
        try:
            subprocess.run([str(CLUSTER), "up"], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                           text=True)
            yield REPO / ".pilothouse" / "cluster" / "kubeconfig"
        finally:
            if not was_running:
                subprocess.run(down, check=True, stdout=subprocess.DEVNULL)
