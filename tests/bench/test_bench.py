"""The benchmark's programs render the same objects, and its results have the promised shape (no timing)."""

from __future__ import annotations

import asyncio
import gc
import json
import sys

import pulumi_kubernetes.core.v1.ConfigMap  # noqa: F401 - loaded for the SDK floor check

from bench.__main__ import in_process_runner, overhead, scaling, table
from bench.declaring import declaring
from bench.floor import import_program, loaded_sdk_modules
from bench.gc_work import gc_work
from bench.measure import run_child
from bench.programs import NAMESPACE, PROGRAMS
from bench.render_compare import differences, kubernetes_objects
from pilothouse.offline import engine


def _objects(side: str, n: int) -> dict[str, dict[str, object]]:
    return kubernetes_objects(engine.run(PROGRAMS[side](n, NAMESPACE), stack="bench", project="bench"))


def test_both_programs_render_the_same_objects() -> None:
    pilothouse, raw = _objects("pilothouse", 2), _objects("raw", 2)
    assert differences(pilothouse, raw) == []
    kinds = sorted(key.split("/")[0] for key in raw)
    assert kinds == ["ConfigMap", "ConfigMap", "Deployment", "Deployment", "HorizontalPodAutoscaler",
                     "HorizontalPodAutoscaler", "Ingress", "Ingress", "Namespace", "PodDisruptionBudget",
                     "PodDisruptionBudget", "Service", "Service"]


def test_a_difference_is_named() -> None:
    raw = _objects("raw", 1)
    changed = {key: dict(obj, data={"LOG_LEVEL": "debug"}) if key.startswith("ConfigMap/") else obj
               for key, obj in raw.items()}
    lines = differences(raw, changed)
    assert [line.split(":")[:2] for line in lines] == [["differs", " ConfigMap/bench/app-0000-settings"]]


def test_overhead_rows_have_the_promised_shape() -> None:
    rows = overhead([1, 2], runs=1, runner=in_process_runner)
    assert [row["n"] for row in rows] == [1, 2]
    for row in rows:
        assert {"n", "pilothouse_s", "raw_s", "ratio", "pilothouse_rss_mb", "raw_rss_mb"} <= row.keys()
        assert row["pilothouse_registrations"] > row["raw_registrations"] == row["objects"]
    assert scaling(rows, smallest=1).keys() == {"pilothouse", "raw"}
    results = {"overhead": rows, "scaling_exponent": scaling(rows, smallest=1)}
    json.dumps(results)
    assert "| 2 | 13 |" in table(results)


def test_a_run_without_the_cycle_collector_leaves_it_as_it_found_it() -> None:
    assert gc.isenabled()
    rows = overhead([1], runs=1, runner=in_process_runner, collect_cycles=False)
    assert gc.isenabled()
    assert rows[0]["pilothouse_registrations"] == rows[0]["raw_registrations"] + 1  # the Namespace component
    results = {"overhead_gc_off": rows, "scaling_exponent_gc_off": scaling(rows)}
    assert table(results).startswith("garbage collector: gc_off\n| N |")


def test_the_sdk_floor_imports_the_innermost_sdk_modules_only() -> None:
    modules = loaded_sdk_modules()
    assert "pulumi_kubernetes.core.v1.ConfigMap" in modules
    assert "pulumi_kubernetes.core.v1" not in modules  # its package: imported by importing the module
    assert not [name for name in modules if name.partition(".")[0] in ("pilothouse", "bench")]


def test_the_import_program_reports_its_own_time() -> None:
    report = run_child([sys.executable, "-c", import_program(["pulumi_kubernetes.core.v1.ConfigMap"])]).report
    assert report.keys() == {"import_s"}
    assert report["import_s"] > 0


def test_gc_work_counts_both_parts_of_a_program() -> None:
    report = gc_work("pilothouse", 3)
    declaring, everything = report["declaring"], report["all"]
    assert (report["program"], report["n"], sorted(everything)) == (
        "pilothouse", 3, ["full", "middle", "walked_millions", "young"])
    assert all(declaring[key] <= everything[key] for key in everything)
    assert everything["young"] > 0
    assert (everything["walked_millions"] > 0) == (everything["full"] > 0)
    waits = report["waits"]
    assert 0 < waits["rounds"] < waits["outputs_waited_on"]  # every round waits on the outputs still pending
    assert asyncio.wait.__module__ == "asyncio.tasks"  # put back


def test_declaring_reports_each_programs_cost_per_app() -> None:
    report = declaring(2, 1)
    assert (report["n"], report["pairs"], sorted(report["ms_per_app"])) == (2, 1, ["pilothouse", "raw"])
    assert all(ms > 0 for ms in report["ms_per_app"].values())
    assert report["extra_ms"] == round(report["ms_per_app"]["pilothouse"] - report["ms_per_app"]["raw"], 3)
