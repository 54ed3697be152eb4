"""Every object any test rendered is accepted, with no warning, by the real API server (server-side dry run)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.oracle import collected
from tests.oracle.server import Oracle, describe

pytestmark = [pytest.mark.e2e, pytest.mark.after_renders]


def test_every_rendered_object_is_accepted_by_the_api_server(oracle: Oracle, rendered: dict[str, Path]) -> None:
    renders = collected.renders()  # the stacks' renders at least: `rendered` adds them
    refused = []
    objects = 0
    for render in renders:
        verdicts = oracle.check(render.objects)
        objects += len(verdicts)
        if problems := describe(verdicts):
            refused.append(f"{render.origin}:\n{problems}")
    collected.report.append(f"rendered objects: {objects} objects of {len(renders)} distinct renders checked, "
                            f"{len(refused)} render(s) refused")
    assert not refused, "\n".join(refused)
