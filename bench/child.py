"""One measured program run: ``python -m bench.child PROGRAM N [gc-off]`` prints its figures as JSON.

The benchmark starts a fresh interpreter per run, so the parent's memory stays out of the
child's peak RSS and each run starts as cold as a ``pulumi preview`` does.
"""

from __future__ import annotations

import gc
import json
import sys
import time
from typing import Any

from bench.programs import NAMESPACE, PROGRAMS
from bench.render_compare import digest, kubernetes_objects
from pilothouse.offline import engine


def measure(name: str, n: int, *, collect_cycles: bool = True) -> dict[str, Any]:
    """Run program ``name`` with ``n`` apps under the mock engine: its time and what it rendered.

    ``collect_cycles=False`` runs it as the project's ``__main__.py`` runs a stack: without the
    cyclic garbage collector.
    """
    build = PROGRAMS[name]
    # A one-app warm-up loads the SDK modules either program touches lazily, so the timed run
    # measures declaring N apps, not importing pulumi-kubernetes.
    engine.run(build(1, NAMESPACE), stack="bench", project="bench")
    was_collecting = gc.isenabled()
    if not collect_cycles:
        gc.disable()
    try:
        started = time.perf_counter()
        render = engine.run(build(n, NAMESPACE), stack="bench", project="bench")
        elapsed = time.perf_counter() - started
    finally:
        if was_collecting:
            gc.enable()
    objects = kubernetes_objects(render)
    return {"run_s": elapsed, "registrations": len(render.resources), "objects": len(objects),
            "digest": digest(objects)}


if __name__ == "__main__":
    print(json.dumps(measure(sys.argv[1], int(sys.argv[2]), collect_cycles=sys.argv[3:] != ["gc-off"])))
