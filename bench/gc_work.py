"""``python -m bench.gc_work PROGRAM N``: how much work a program gives Python's cyclic garbage collector, as counts.

With the default collector, most of a large program's time is full collections walking a heap of the SDK's objects
(docs/performance.md), and on a shared machine their times spread by 20 % from run to run. The counts do not: young
collections (each one means about 700 container objects allocated and not yet freed), full collections, and the
objects those full collections walked, in all and in the declaring part (the program's synchronous part); and what
makes most of those allocations, the rounds of the SDK's ``wait_for_rpcs``: each round is an ``asyncio.wait`` over
every output still pending (a done-callback, with a copy of the context, added to each and removed again) and ends
as soon as one of them completes, so its cost is the outputs it waited on. Run it in a fresh interpreter per
program, as ``make bench`` runs its programs.
"""

from __future__ import annotations

import asyncio
import gc
import json
import sys
from collections.abc import Awaitable, Iterable
from typing import Any

from bench.programs import NAMESPACE, PROGRAMS
from pilothouse.offline import engine


def gc_work(name: str, n: int) -> dict[str, Any]:
    """Collections per generation, and the objects the full ones walked (millions), for program ``name`` with
    ``n`` apps under the mock engine: ``declaring`` (the program's synchronous part) and ``all``; and ``waits``:
    the rounds of ``asyncio.wait`` (all the SDK's, in ``wait_for_rpcs``) and the outputs they waited on, summed."""
    engine.run(PROGRAMS[name](1, NAMESPACE), stack="bench", project="bench")  # load what either program loads lazily
    collections = [0, 0, 0]
    walked = [0]
    waits = {"rounds": 0, "outputs_waited_on": 0}

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections[info["generation"]] += 1
            if info["generation"] == 2:
                walked[0] += len(gc.get_objects())

    def snapshot() -> dict[str, Any]:
        return {"young": collections[0], "middle": collections[1], "full": collections[2],
                "walked_millions": round(walked[0] / 1e6, 3)}

    wait = asyncio.wait

    def counted_wait(pending: Iterable[Awaitable[Any]], **options: Any) -> Any:
        pending = list(pending)
        waits["rounds"] += 1
        waits["outputs_waited_on"] += len(pending)
        return wait(pending, **options)

    program, declaring = PROGRAMS[name](n, NAMESPACE), {}

    def measured() -> None:
        program()
        declaring.update(snapshot())

    gc.callbacks.append(count)
    asyncio.wait = counted_wait  # type: ignore[assignment]
    try:
        engine.run(measured, stack="bench", project="bench")
    finally:
        asyncio.wait = wait
        gc.callbacks.remove(count)
    return {"program": name, "n": n, "declaring": declaring, "all": snapshot(), "waits": waits}


if __name__ == "__main__":
    print(json.dumps(gc_work(sys.argv[1], int(sys.argv[2]))))
