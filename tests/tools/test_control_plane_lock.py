"""Runs on a checkout's control plane take turns: the lock tools/stack.sh, the e2e tests and the benchmark hold."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.e2e.toolchain import ControlPlaneBusyError, control_plane_lock


def test_a_second_run_waits_for_the_lock_and_gives_up_with_a_reason(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    # A lock file of the test's own: the checkout's may be held by a real run right now.
    monkeypatch.setenv("PILOTHOUSE_CONTROL_PLANE_LOCK", str(tmp_path / "control-plane.lock"))
    path = subprocess.run([str(REPO / "tools" / "cluster.sh"), "lockfile"], check=True, capture_output=True,
                          text=True).stdout.strip()
    assert path == str(tmp_path / "control-plane.lock")
    # Another run, taking the lock as tools/stack.sh does: flock(1) on the same file.
    holder = subprocess.Popen(["flock", path, "sh", "-c", "echo held; sleep 4"], stdout=subprocess.PIPE, text=True,
                              env=os.environ)
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "held\n"
        with pytest.raises(ControlPlaneBusyError) as busy, control_plane_lock(wait_s=1):
            pass
        assert str(busy.value) == f"another run held the local control plane for 1 s ({path})"
    finally:
        holder.wait()
    with control_plane_lock(wait_s=1):  # free again once the other run ends
        pass


def test_the_lock_belongs_to_the_checkout(monkeypatch: pytest.MonkeyPatch) -> None:
    # Each checkout has a control plane of its own (its own ports), so runs of two checkouts never wait
    # for each other.
    monkeypatch.delenv("PILOTHOUSE_CONTROL_PLANE_LOCK", raising=False)
    path = subprocess.run([str(REPO / "tools" / "cluster.sh"), "lockfile"], check=True, capture_output=True,
                          text=True).stdout.strip()
    assert path == str(REPO / ".pilothouse" / "control-plane.lock")
