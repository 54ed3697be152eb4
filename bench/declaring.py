"""``python -m bench.declaring N PAIRS``: the CPU time of declaring N apps (the program's synchronous part), per
app, for Pilothouse and the raw program, with the cyclic collector off.

The whole run's time spreads by 20 % from run to run on a shared machine; the declaring part alone, measured
in one process with the two programs alternating and the fastest of each kept, is steady enough to show a change
in Pilothouse's own cost (its checks, admission to the namespace, manifests): the difference per app.
"""

from __future__ import annotations

import gc
import json
import sys
import time
from typing import Any

from bench.programs import NAMESPACE, PROGRAMS, Program
from pilothouse.offline import engine

SIDES = ("pilothouse", "raw")


def declaring(n: int, pairs: int) -> dict[str, Any]:
    """Milliseconds of CPU per app to declare ``n`` apps, the fastest of ``pairs`` alternating runs of each program
    under the mock engine; ``extra_ms``: Pilothouse's over raw's."""
    for side in SIDES:  # load what either program loads lazily
        engine.run(PROGRAMS[side](1, NAMESPACE), stack="bench", project="bench")
    seconds: dict[str, list[float]] = {side: [] for side in SIDES}
    for _ in range(pairs):
        for side in SIDES:
            program = PROGRAMS[side](n, NAMESPACE)

            def timed(program: Program = program, side: str = side) -> None:
                gc.disable()
                try:
                    start = time.process_time()
                    program()
                    seconds[side].append(time.process_time() - start)
                finally:
                    gc.enable()

            engine.run(timed, stack="bench", project="bench")
            gc.collect()
    per_app = {side: round(min(seconds[side]) * 1000 / n, 3) for side in SIDES}
    return {"n": n, "pairs": pairs, "ms_per_app": per_app,
            "extra_ms": round(per_app["pilothouse"] - per_app["raw"], 3)}


if __name__ == "__main__":
    print(json.dumps(declaring(int(sys.argv[1]), int(sys.argv[2]))))
