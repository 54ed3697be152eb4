"""The SDK floor of a start-up figure: the time to import exactly the SDK modules a run loaded.

``python -m bench.floor library`` (or ``render-dev OUT``) does what the start-up figure measures
and prints the SDK modules that run loaded; ``floor`` then imports only those, in a fresh
interpreter. What is left of the figure is Pilothouse's own code and the work of the run.
"""

from __future__ import annotations

import importlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from bench.measure import median, run_child

#: Top-level packages that are not Pilothouse: the Pulumi SDKs and their gRPC/protobuf runtime.
SDK_PACKAGES = frozenset({"pulumi", "pulumi_kubernetes", "pulumi_azure_native", "pulumi_random", "pulumi_docker",
                          "grpc", "google"})
#: The library and every area of it, as a program that uses all of them imports it.
LIBRARY = ("pilothouse", "pilothouse.kubernetes", "pilothouse.azure", "pilothouse.images", "pilothouse.addons")


def loaded_sdk_modules() -> list[str]:
    """The SDK modules in this interpreter, innermost only (importing those imports their packages)."""
    loaded = sorted(name for name in sys.modules if name.partition(".")[0] in SDK_PACKAGES)
    return [name for index, name in enumerate(loaded)
            if index + 1 == len(loaded) or not loaded[index + 1].startswith(name + ".")]


def import_program(modules: Sequence[str]) -> str:
    # Timed inside the child: interpreter start-up is nobody's.
    return ("import json, time; t = time.perf_counter()\n" + "".join(f"import {m}\n" for m in modules)
            + "print(json.dumps({'import_s': time.perf_counter() - t}))")


def floor(run: Sequence[str], runs: int) -> dict[str, float]:
    """Median time and peak RSS of importing only the SDK modules ``python -m bench.floor *run`` loaded."""
    modules = run_child([sys.executable, "-m", "bench.floor", *run]).report["modules"]
    samples = [run_child([sys.executable, "-c", import_program(modules)]) for _ in range(runs)]
    return {"s": median([s.report["import_s"] for s in samples]), "rss_mb": median([s.rss_mb for s in samples]),
            "modules": len(modules)}


def main(argv: Sequence[str]) -> None:
    if argv[0] == "library":
        for name in LIBRARY:
            importlib.import_module(name)
    else:  # render-dev OUT
        from pilothouse.cli import main as cli_main  # noqa: PLC0415 - the run being measured

        cli_main(["render", "--stack", "dev", "--out", str(Path(argv[1]))])
    print(json.dumps({"modules": loaded_sdk_modules()}))


if __name__ == "__main__":
    main(sys.argv[1:])
