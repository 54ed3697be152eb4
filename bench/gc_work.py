"""``python -m bench.gc_work PROGRAM N``: how much work a program gives Python's cyclic garbage collector, as counts.

With the default collector, most of a large program's time is full collections walking a heap of the SDK's objects
(docs/performance.md), and on a shared machine their times spread by 20 % from run to run. The counts do not: young
collections (each one means about 700 container objects allocated and not yet freed), full collections, and the
objects those full collections walked, in all and in the engine's part (after the program's synchronous part
returns). Run it in a fresh interpreter per program, as ``make bench`` runs its programs.
"""

from __future__ import annotations

import gc
import json
import sys
from typing import Any

from bench.programs import NAMESPACE, PROGRAMS
from pilothouse.offline import engine


def gc_work(name: str, n: int) -> dict[str, Any]:
    """Collections per generation, and the objects the full ones walked (millions), for program ``name`` with
    ``n`` apps under the mock engine: ``declaring`` (the program's synchronous part) and ``all``."""
    engine.run(PROGRAMS[name](1, NAMESPACE), stack="bench", project="bench")  # load what either program loads lazily
    collections = [0, 0, 0]
    walked = [0]

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections[info["generation"]] += 1
            if info["generation"] == 2:
                walked[0] += len(gc.get_objects())

    def snapshot() -> dict[str, Any]:
        return {"young": collections[0], "middle": collections[1], "full": collections[2],
                "walked_millions": round(walked[0] / 1e6, 3)}

    program, declaring = PROGRAMS[name](n, NAMESPACE), {}

    def measured() -> None:
        program()
        declaring.update(snapshot())

    gc.callbacks.append(count)
    try:
        engine.run(measured, stack="bench", project="bench")
    finally:
        gc.callbacks.remove(count)
    return {"program": name, "n": n, "declaring": declaring, "all": snapshot()}


if __name__ == "__main__":
    print(json.dumps(gc_work(sys.argv[1], int(sys.argv[2]))))
