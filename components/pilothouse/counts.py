"""Counts: plain non-negative integers, or a number or percentage (surges, budgets)."""

from __future__ import annotations

from pilothouse.errors import InvalidValueError

CountOrPercent = int | str


def count_or_percent(field: str, value: CountOrPercent, allowed: str) -> CountOrPercent:
    """``value`` if it is a non-negative count or a percentage ``'0%'``..``'100%'``."""
    count_ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    percent_ok = isinstance(value, str) and value.endswith("%") and value[:-1].isdigit() and int(value[:-1]) <= 100
    if not (count_ok or percent_ok):
        raise InvalidValueError(field, value, allowed)
    return value


def non_negative(field: str, value: int | None) -> None:
    """``value`` is unset or a non-negative integer (limits, deadlines, history sizes)."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise InvalidValueError(field, value, "a non-negative integer")


MAX_REPLICAS = 10000


def replica_count(field: str, value: int, allowed: str) -> None:
    """``value`` is a whole number of replicas, 0 to ``MAX_REPLICAS`` (Deployments, StatefulSets)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_REPLICAS:
        raise InvalidValueError(field, value, allowed)
