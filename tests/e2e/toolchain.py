"""The pinned toolchain's environment for real Pulumi runs (the e2e tests and ``make bench`` share it)."""

from __future__ import annotations

import fcntl
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent


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
    """Hold the lock every run on the local control plane takes (``tools/cluster.sh lockfile``,
    ``tools/stack.sh`` takes it too): its ports are machine-wide, so two runs would collide."""
    path = subprocess.run([str(REPO / "tools" / "cluster.sh"), "lockfile"], check=True, capture_output=True,
                          text=True).stdout.strip()
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
