"""Counts: plain non-negative integers, or a number or percentage (surges, budgets)."""

from __future__ import annotations

import re

from pilothouse.errors import InvalidValueError

CountOrPercent = int | str


#: The largest value of an int32 field (counts, seconds, thresholds): the API server's types are int32.
INT32_MAX = 2**31 - 1
#: The largest int64, and so the largest quantity the API server keeps ("No quantity may represent a number greater
#: than 2^63-1", ``resource.Quantity``).
INT64_MAX = 2**63 - 1
_PERCENT = re.compile(r"[0-9]+%", re.ASCII)  # IsValidPercent


def percent(value: object) -> int | None:
    """The number of a percentage text such as ``'25%'`` (ASCII digits, as ``IsValidPercent`` reads them), or
    ``None`` when ``value`` is not one."""
    if not isinstance(value, str) or not _PERCENT.fullmatch(value):
        return None
    digits = value[:-1].lstrip("0") or "0"
    return int(digits) if len(digits) <= 3 else 1000  # anything longer is far above 100


def whole(value: object, highest: int = INT32_MAX) -> bool:
    """``value`` is an integer (not a bool) from 0 to ``highest``."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= highest


def count_or_percent(field: str, value: CountOrPercent, allowed: str, *, above_100: bool = False) -> CountOrPercent:
    """``value`` if it is a count from 0 to 2^31-1 or a percentage ``'0%'``..``'100%'`` (any percentage with
    ``above_100``, as for a rolling update's surge)."""
    count_ok = whole(value)
    share = percent(value)
    if not (count_ok or (share is not None and (above_100 or share <= 100))):
        raise InvalidValueError(field, value, allowed)
    return value


def is_zero(value: CountOrPercent | None) -> bool:
    """``0``, ``'0%'``, ``'00%'``..."""
    return (value == 0 and not isinstance(value, bool)) or percent(value) == 0


def non_negative(field: str, value: int | None, highest: int = INT32_MAX) -> None:
    """``value`` is unset or a non-negative integer up to ``highest`` (limits, deadlines, history sizes: int32
    fields by default)."""
    if value is not None and not whole(value, highest):
        raise InvalidValueError(field, value, f"an integer from 0 to {highest}")


MAX_REPLICAS = 10000


def replica_count(field: str, value: int, allowed: str) -> None:
    """``value`` is a whole number of replicas, 0 to ``MAX_REPLICAS`` (Deployments, StatefulSets)."""
    if not whole(value, MAX_REPLICAS):
        raise InvalidValueError(field, value, allowed)
