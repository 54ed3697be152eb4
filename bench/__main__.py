"""``python -m bench`` (``make bench``): the cost of Pilothouse over raw Pulumi, written to
``build/bench/results.json`` and printed as a table. A benchmark, not a test: nothing here fails
on a slow figure, only on two programs that do not render the same objects."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from bench import engine, startup
from bench.child import measure
from bench.measure import loglog_exponent, median, run_child
from bench.programs import NAMESPACE, PROGRAMS
from bench.render_compare import differences, kubernetes_objects
from pilothouse.offline import engine as mock_engine
from tests.e2e.toolchain import ControlPlaneBusyError

SIDES = tuple(PROGRAMS)  # ("pilothouse", "raw")
#: How the cyclic garbage collector runs: Python's default, or off as the project's ``__main__.py`` runs stacks.
GC_POLICIES = {"default": True, "gc_off": False}
Runner = Callable[[str, int, bool], tuple[dict[str, Any], float]]


def child_runner(name: str, n: int, collect_cycles: bool) -> tuple[dict[str, Any], float]:
    """A program run in a fresh interpreter: its report and its own peak RSS."""
    sample = run_child([sys.executable, "-m", "bench.child", name, str(n), *([] if collect_cycles else ["gc-off"])])
    return sample.report, sample.rss_mb


def in_process_runner(name: str, n: int, collect_cycles: bool) -> tuple[dict[str, Any], float]:
    """A program run in this interpreter (tests): no RSS figure."""
    return measure(name, n, collect_cycles=collect_cycles), 0.0


def _explain_mismatch(n: int) -> str:
    renders = [kubernetes_objects(mock_engine.run(PROGRAMS[side](n, NAMESPACE), stack="bench", project="bench"))
               for side in SIDES]
    return "\n".join(differences(*renders)[:20])


def overhead(sizes: Sequence[int], runs: int, runner: Runner = child_runner,
             collect_cycles: bool = True) -> list[dict[str, Any]]:
    """Per size: median time and peak RSS of each program, runs interleaved so drift hits both alike."""
    rows = []
    for n in sizes:
        times: dict[str, list[float]] = {side: [] for side in SIDES}
        rss: dict[str, list[float]] = {side: [] for side in SIDES}
        reports: dict[str, dict[str, Any]] = {}
        for _ in range(runs):
            for side in SIDES:
                report, peak = runner(side, n, collect_cycles)
                times[side].append(report["run_s"])
                rss[side].append(peak)
                reports[side] = report
        if len({report["digest"] for report in reports.values()}) != 1:
            raise AssertionError(f"at n={n} the programs render different objects:\n{_explain_mismatch(n)}")
        row: dict[str, Any] = {"n": n, "objects": reports["raw"]["objects"]}
        for side in SIDES:
            row[f"{side}_s"] = median(times[side])
            row[f"{side}_rss_mb"] = median(rss[side])
            row[f"{side}_registrations"] = reports[side]["registrations"]
        row["ratio"] = row["pilothouse_s"] / row["raw_s"]
        rows.append(row)
    return rows


def scaling(rows: Sequence[dict[str, Any]], smallest: int = 100) -> dict[str, float | None]:
    """The log-log exponent of time against N, over the sizes from ``smallest`` up (None with fewer than two)."""
    points = [row for row in rows if row["n"] >= smallest]
    if len(points) < 2:
        return dict.fromkeys(SIDES)
    return {side: loglog_exponent([(row["n"], row[f"{side}_s"]) for row in points]) for side in SIDES}


def _suffix(policy: str) -> str:
    return "" if policy == "default" else f"_{policy}"


def _overhead_table(rows: Sequence[dict[str, Any]], exponent: dict[str, float | None]) -> list[str]:
    lines = ["| N | objects | Pilothouse s | raw s | ratio | Pilothouse RSS MB | raw RSS MB |",
             "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    lines += [f"| {r['n']} | {r['objects']} | {r['pilothouse_s']:.2f} | {r['raw_s']:.2f} | {r['ratio']:.2f} | "
              f"{r['pilothouse_rss_mb']:.0f} | {r['raw_rss_mb']:.0f} |" for r in rows]
    if exponent["pilothouse"] is not None and exponent["raw"] is not None:
        lines.append(f"scaling exponent (N >= 100): Pilothouse {exponent['pilothouse']:.2f}, raw {exponent['raw']:.2f}")
    return lines


def table(results: dict[str, Any]) -> str:
    lines: list[str] = []
    for policy in GC_POLICIES:
        if f"overhead{_suffix(policy)}" in results:
            lines += [f"garbage collector: {policy}", *_overhead_table(
                results[f"overhead{_suffix(policy)}"], results[f"scaling_exponent{_suffix(policy)}"]), ""]
    if "import_s" in results:
        detail = results["import"]
        lines.append(f"import pilothouse: {detail['pilothouse']['s']:.3f} s; the whole library: "
                     f"{results['import_s']:.3f} s, {detail['library']['rss_mb']:.0f} MB (SDK floor, the "
                     f"{detail['sdk_floor']['modules']} SDK modules it loads imported alone: "
                     f"{detail['sdk_floor']['s']:.3f} s)")
        lines.append(f"render dev end to end: {results['render_dev_s']:.2f} s, {results['render_dev_rss_mb']:.0f} MB "
                     f"(SDK floor: {results['render_dev_sdk_floor_s']:.2f} s)")
    real = results.get("engine")
    if real and ("skipped" in real or "failed" in real):
        lines.append(f"real engine: not measured ({real.get('skipped') or real.get('failed')})")
    elif real:
        lines.append(f"real engine, N={real['n']}, median of {real['runs']}: "
                     + ", ".join(f"{step} {real[f'{step}_pilothouse_s']:.1f} s vs {real[f'{step}_raw_s']:.1f} s "
                                 f"(x{real[f'{step}_ratio']:.2f})" for step in ("preview", "up", "destroy")))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--sizes", default="10,100,1000", help="app counts, comma-separated")
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (the median is kept)")
    parser.add_argument("--engine", choices=("auto", "skip"), default="auto",
                        help="real-engine figures when the toolchain is built (auto) or never")
    parser.add_argument("--engine-n", type=int, default=10)
    parser.add_argument("--out", type=Path, default=Path("build/bench/results.json"))
    args = parser.parse_args(argv)
    results: dict[str, Any] = {"runs": args.runs}
    for policy, collect_cycles in GC_POLICIES.items():
        rows = overhead([int(size) for size in args.sizes.split(",")], args.runs, collect_cycles=collect_cycles)
        results |= {f"overhead{_suffix(policy)}": rows, f"scaling_exponent{_suffix(policy)}": scaling(rows)}
    imports = startup.imports(max(args.runs, 5))
    render = startup.render_dev(args.runs)
    results |= {"import_s": imports["library"]["s"], "import": imports,
                "render_dev_s": render["s"], "render_dev_rss_mb": render["rss_mb"],
                "render_dev_sdk_floor_s": render["sdk_floor"]["s"], "render_dev_sdk_floor": render["sdk_floor"]}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")  # kept even if the real engine fails
    if args.engine == "auto":
        reason = engine.unavailable()
        try:
            results["engine"] = {"skipped": reason} if reason else engine.measure(args.engine_n, args.runs)
        except ControlPlaneBusyError as busy:
            results["engine"] = {"skipped": str(busy)}
        except subprocess.CalledProcessError as error:
            results["engine"] = {"failed": f"{' '.join(map(str, error.cmd))}: {error.stderr or ''}"[-500:]}
        except RuntimeError as error:  # a pulumi command failed
            results["engine"] = {"failed": str(error)[-500:]}
        args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(table(results))
    print(f"\n-> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
