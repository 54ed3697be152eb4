"""Every set of Kubernetes objects the test session renders, kept for the API-server oracle.

``tests/conftest.py`` adds each render its fixtures make (component tests, examples, the course, every
stack); ``test_api_server.py`` runs last and sends each distinct set to the API server.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from tests.oracle.server import canonical


@dataclass(frozen=True)
class RenderedSet:
    """The objects of one render, and the first test that rendered them."""

    origin: str
    objects: tuple[dict[str, Any], ...]


_renders: dict[str, RenderedSet] = {}
#: What the oracle's tests measured, printed at the end of the session (``tests/conftest.py``).
report: list[str] = []
#: Differential cases sent to the API server in this session.
cases = [0]


def add(objects: list[dict[str, Any]], origin: str | None = None) -> None:
    """Keep ``objects`` (one render) unless an identical render was kept already."""
    if objects:
        key = canonical({"objects": objects})
        test = origin or os.environ.get("PYTEST_CURRENT_TEST", "?").rpartition(" ")[0]
        _renders.setdefault(key, RenderedSet(test, tuple(objects)))


def renders() -> list[RenderedSet]:
    """Every distinct render kept so far, in the order they were first rendered."""
    return list(_renders.values())
