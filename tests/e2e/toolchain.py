"""The pinned toolchain's environment for real Pulumi runs (the e2e tests and ``make bench`` share it)."""

from __future__ import annotations

import subprocess
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
