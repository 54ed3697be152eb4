"""Start-up figures: importing the library in a fresh interpreter, rendering the dev stack end to end."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.floor import LIBRARY, floor, import_program
from bench.measure import median, run_child


def imports(runs: int) -> dict[str, Any]:
    """Median import time and peak RSS of ``pilothouse`` alone and of the whole library, and the
    floor under the latter: importing only the SDK modules the library loads."""
    figures: dict[str, Any] = {}
    for label, modules in (("pilothouse", LIBRARY[:1]), ("library", LIBRARY)):
        samples = [run_child([sys.executable, "-c", import_program(modules)]) for _ in range(runs)]
        figures[label] = {"s": median([s.report["import_s"] for s in samples]),
                          "rss_mb": median([s.rss_mb for s in samples])}
    figures["sdk_floor"] = floor(["library"], runs)
    return figures


def render_dev(runs: int) -> dict[str, Any]:
    """``python -m pilothouse render --stack dev``, wall time of the whole process (as ``make render`` pays it),
    and the floor under it: importing only the SDK modules that render loads."""
    with tempfile.TemporaryDirectory(prefix="pilothouse-bench-") as tmp:
        samples = [run_child([sys.executable, "-m", "pilothouse", "render", "--stack", "dev", "--out",
                              str(Path(tmp, "dev"))]) for _ in range(runs)]
        sdk_floor = floor(["render-dev", str(Path(tmp, "floor"))], runs)
    return {"s": median([s.wall_s for s in samples]), "rss_mb": median([s.rss_mb for s in samples]),
            "sdk_floor": sdk_floor}
