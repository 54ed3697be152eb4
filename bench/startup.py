"""Start-up figures: importing the library in a fresh interpreter, rendering the dev stack end to end."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.measure import median, run_child

#: The library and every area of it, as a program that uses all of them imports it.
LIBRARY = ("components", "components.kubernetes", "components.azure", "components.images", "components.addons")
#: The SDKs underneath, imported alone: the floor no Pulumi program in Python goes below.
SDKS = ("pulumi", "pulumi_kubernetes", "pulumi_azure_native")


def _import_program(modules: tuple[str, ...]) -> str:
    # Timed inside the child: interpreter start-up is not the library's.
    return ("import json, time; t = time.perf_counter(); import " + ", ".join(modules)
            + "; print(json.dumps({'import_s': time.perf_counter() - t}))")


def imports(runs: int) -> dict[str, Any]:
    """Median import time and peak RSS of ``components`` alone, the whole library, and the SDKs alone."""
    figures: dict[str, Any] = {}
    for label, modules in (("components", LIBRARY[:1]), ("library", LIBRARY), ("sdks", SDKS)):
        samples = [run_child([sys.executable, "-c", _import_program(modules)]) for _ in range(runs)]
        figures[label] = {"s": median([s.report["import_s"] for s in samples]),
                          "rss_mb": median([s.rss_mb for s in samples])}
    return figures


def render_dev(runs: int) -> dict[str, Any]:
    """``python -m offline render --stack dev``, wall time of the whole process (as ``make render`` pays it)."""
    with tempfile.TemporaryDirectory(prefix="pilothouse-bench-") as tmp:
        samples = [run_child([sys.executable, "-m", "offline", "render", "--stack", "dev", "--out",
                              str(Path(tmp, "dev"))]) for _ in range(runs)]
    return {"s": median([s.wall_s for s in samples]), "rss_mb": median([s.rss_mb for s in samples])}
