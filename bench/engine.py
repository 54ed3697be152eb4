"""Real-engine figures: ``pulumi preview`` and ``pulumi up`` of both programs against the local control plane.

Each program runs in a temp project with a file backend of its own, through the toolchain the
e2e tests use, holding the control plane's lock as they do. Skipped (with the reason) when the
toolchain is not built or another run keeps the control plane for ten minutes.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.measure import REPO, median, run_child
from tests.e2e.toolchain import local_control_plane, toolchain_env

_MAIN = """\
import sys
sys.path.insert(0, {repo!r})
from bench.programs import PROGRAMS
PROGRAMS[{name!r}]({n}, {namespace!r})()
"""


def unavailable() -> str | None:
    """Why the real engine cannot be measured, or ``None`` when it can."""
    bin_dir = subprocess.run([str(REPO / "tools" / "bootstrap.sh"), "--bin-dir"], capture_output=True, text=True,
                             check=False).stdout.strip()
    if not bin_dir or not Path(bin_dir, "pulumi").is_file():
        return "the offline toolchain is not built (make tools)"
    return None


def _project(root: Path, name: str, n: int) -> Path:
    project = root / name
    project.mkdir()
    (project / "Pulumi.yaml").write_text(f"name: bench-{name}\nruntime:\n  name: python\n  options:\n"
                                         f"    toolchain: pip\n    virtualenv: {REPO / '.venv'}\n")
    (project / "__main__.py").write_text(_MAIN.format(repo=str(REPO), name=name, n=n, namespace=f"bench-{name}"))
    return project


def _pulumi(project: Path, env: dict[str, str], *args: str) -> float:
    return run_child(["pulumi", *args, "--non-interactive", "--stack", "bench"], cwd=project, env=env).wall_s


def measure(n: int, runs: int) -> dict[str, Any]:
    """Median ``preview`` (nothing deployed) and ``up`` wall time of each program, destroyed after each run."""
    with local_control_plane(clean_slate=False):
        times = _measured(n, runs)
    figures: dict[str, Any] = {"n": n, "runs": runs}
    for step in ("preview", "up", "destroy"):
        for name in ("pilothouse", "raw"):
            figures[f"{step}_{name}_s"] = median(times[name][step])
        figures[f"{step}_ratio"] = figures[f"{step}_pilothouse_s"] / figures[f"{step}_raw_s"]
    return figures


def _measured(n: int, runs: int) -> dict[str, dict[str, list[float]]]:
    with tempfile.TemporaryDirectory(prefix="pilothouse-bench-engine-") as tmp:
        times: dict[str, dict[str, list[float]]] = {}
        setups = {}
        for name in ("pilothouse", "raw"):
            backend = Path(tmp, f"state-{name}")
            backend.mkdir()
            env = toolchain_env(backend)
            project = _project(Path(tmp), name, n)
            subprocess.run(["pulumi", "stack", "init", "bench", "--non-interactive"], cwd=project, env=env,
                           check=True, capture_output=True, text=True)
            setups[name] = (project, env)
            times[name] = {"preview": [], "up": [], "destroy": []}
        for _ in range(runs):  # interleaved, so drift of the machine hits both alike
            for name, (project, env) in setups.items():
                times[name]["preview"].append(_pulumi(project, env, "preview"))
                times[name]["up"].append(_pulumi(project, env, "up", "--yes", "--skip-preview"))
                times[name]["destroy"].append(_pulumi(project, env, "destroy", "--yes", "--skip-preview"))
    return times


if __name__ == "__main__":
    print(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 2, 1))
