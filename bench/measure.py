"""Measuring: fresh-interpreter runs with their wall time and peak RSS, medians, log-log fits."""

from __future__ import annotations

import json
import math
import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Sample:
    """One child process: its wall time, its own peak RSS and the JSON it printed (if any)."""

    wall_s: float
    rss_mb: float
    report: dict[str, Any]


def run_child(argv: Sequence[str], *, cwd: Path = REPO, env: dict[str, str] | None = None) -> Sample:
    """Run ``argv`` in a fresh process and reap it with ``wait4``: ``ru_maxrss`` is that child's alone."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(list(argv), cwd=cwd, env=env, stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        out.seek(0)
        err.seek(0)
        text, errors = out.read().decode().strip(), err.read().decode()
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed ({child.returncode}):\n{errors[-3000:]}\n{text[-3000:]}")
    # A report is the last line when it is JSON (the render CLI prints a sentence instead).
    last = text.rpartition("\n")[2]
    report = json.loads(last) if last.startswith("{") else {}
    return Sample(wall_s=wall, rss_mb=usage.ru_maxrss / 1024, report=report)  # Linux: ru_maxrss in KiB


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def loglog_exponent(points: Sequence[tuple[float, float]]) -> float:
    """The slope of a least-squares line through ``(log n, log t)``: 1.0 is linear growth."""
    xs = [math.log(n) for n, _ in points]
    ys = [math.log(t) for _, t in points]
    mean_x, mean_y = statistics.fmean(xs), statistics.fmean(ys)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / sum((x - mean_x) ** 2 for x in xs)
