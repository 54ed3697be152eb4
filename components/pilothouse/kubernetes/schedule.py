"""CronJob schedules and time zones, read as the API server reads them.

Kubernetes validates ``spec.schedule`` with ``cron.ParseStandard`` of ``github.com/robfig/cron/v3`` (v3.0.1)
and ``spec.timeZone`` with ``validateTimeZone`` of ``pkg/apis/batch/validation``. This module is the Python
form of both; no Python cron library reads schedules the same way (croniter takes ``L``, ``W``, ``#``, a
day of week 7 and seconds, which the API server refuses). ``tests/oracle`` checks it against a real API
server.
"""

from __future__ import annotations

import re
import zoneinfo
from fractions import Fraction

from pilothouse.api_validation import go_lower
from pilothouse.errors import InvalidValueError

MACROS = frozenset({"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"})
_ALLOWED = ("a schedule the API server's cron parser reads: five fields 'minute hour day-of-month month "
            "day-of-week' (day of week 0-6 or sun-sat; no L, W, # or seconds), a macro such as @daily, or "
            "'@every <duration>'; a time zone goes in time_zone")
_MONTHS = {name: number for number, name in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_DAYS = {name: number for number, name in enumerate(("sun", "mon", "tue", "wed", "thu", "fri", "sat"))}
#: (minimum, maximum, names) of minute, hour, day of month, month, day of week.
_FIELDS: tuple[tuple[int, int, dict[str, int]], ...] = (
    (0, 59, {}), (0, 23, {}), (1, 31, {}), (1, 12, _MONTHS), (0, 6, _DAYS))
#: Go's ``unicode.IsSpace``, which ``strings.Fields`` splits on (Python's ``str.split`` also splits on
#: U+001C-U+001F, which Go does not).
_GO_SPACE = frozenset("\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
                      "\u200a\u2028\u2029\u202f\u205f\u3000")
#: Go's ``time.ParseDuration``: an optional sign, then one or more decimal numbers, each with a unit.
_DURATION = re.compile(r"[-+]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|\u00b5s|\u03bcs|ms|s|m|h))+|[-+]?0",
                       re.ASCII)
_NANOSECONDS = {"ns": 1, "us": 10**3, "\u00b5s": 10**3, "\u03bcs": 10**3, "ms": 10**6, "s": 10**9, "m": 60 * 10**9,
                "h": 3600 * 10**9}
_DURATION_PART = re.compile(r"([0-9]*(?:\.[0-9]*)?)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)", re.ASCII)
_INT64_MAX = 2**63 - 1


def _go_fields(text: str) -> list[str]:
    fields, current = [], ""
    for char in text:
        if char in _GO_SPACE:
            if current:
                fields.append(current)
            current = ""
        else:
            current += char
    return [*fields, current] if current else fields


def _atoi(text: str) -> int | None:
    """``strconv.Atoi`` then robfig's check for a negative number: a non-negative int64, or ``None``."""
    digits = text[1:] if text[:1] in ("+", "-") else text
    if not digits or not all("0" <= char <= "9" for char in digits):
        return None
    significant = digits.lstrip("0") or "0"
    if len(significant) > 19:  # beyond int64: Atoi refuses it (and Python's int() would refuse to read it)
        return None
    number = int(significant) * (-1 if text[0] == "-" else 1)
    return number if 0 <= number <= _INT64_MAX else None


def _value(text: str, names: dict[str, int]) -> int | None:
    named = names.get(go_lower(text)) if names else None
    return named if named is not None else _atoi(text)


def _range_ok(expression: str, minimum: int, maximum: int, names: dict[str, int]) -> bool:
    """``getRange``: ``*``, ``?``, ``a`` or ``a-b``, optionally ``/step``, within the field's bounds."""
    range_and_step = expression.split("/")
    if len(range_and_step) > 2:
        return False
    low_and_high = range_and_step[0].split("-")
    if low_and_high[0] in ("*", "?"):
        start, end = minimum, maximum
    else:
        if len(low_and_high) > 2:
            return False
        start_value = _value(low_and_high[0], names)
        end_value = _value(low_and_high[1], names) if len(low_and_high) == 2 else start_value
        if start_value is None or end_value is None:
            return False
        start, end = start_value, end_value
    step = 1
    if len(range_and_step) == 2:
        step_value = _atoi(range_and_step[1])
        if step_value is None:
            return False
        step = step_value
        if len(low_and_high) == 1:
            end = maximum
    return minimum <= start <= end <= maximum and step > 0


def _duration_ok(text: str) -> bool:
    """``time.ParseDuration``: the grammar, and a total within int64 nanoseconds."""
    if not _DURATION.fullmatch(text):
        return False
    total = Fraction(0)
    for number, unit in _DURATION_PART.findall(text):
        if number in ("", ".") or len(number) > 40:
            return False
        total += Fraction(number) * _NANOSECONDS[unit]
    return total <= (_INT64_MAX + 1 if text.startswith("-") else _INT64_MAX)


def schedule_errors(schedule: str) -> list[str]:
    """What ``schedule`` lacks to be accepted by the API server (empty when it is accepted)."""
    if "TZ" in schedule:
        return ["no TZ or CRON_TZ in the schedule (the API server refuses it; use time_zone)"]
    if not schedule:
        return ["a non-empty schedule"]
    if schedule.startswith("@"):
        if schedule in MACROS:
            return []
        if schedule.startswith("@every ") and _duration_ok(schedule[len("@every "):]):
            return []
        return [f"a known macro ({schedule!r} is not one)"]
    fields = _go_fields(schedule)
    if len(fields) != len(_FIELDS):
        return [f"exactly {len(_FIELDS)} fields (found {len(fields)})"]
    for field, (minimum, maximum, names) in zip(fields, _FIELDS, strict=True):
        for expression in (part for part in field.split(",") if part):  # strings.FieldsFunc drops empty parts
            if not _range_ok(expression, minimum, maximum, names):
                return [f"each field within its range ({expression!r} is not within {minimum}-{maximum})"]
    return []


def cron_schedule(field: str, schedule: str) -> str:
    """``schedule`` when the API server accepts it as a CronJob's ``spec.schedule``.

    Raises:
        InvalidValueError: naming ``field``, with what the API server would say.
    """
    if not isinstance(schedule, str):
        raise InvalidValueError(field, schedule, _ALLOWED)
    if errors := schedule_errors(schedule):
        raise InvalidValueError(field, schedule, f"{errors[0]}; {_ALLOWED}")
    return schedule


#: ``validTimeZoneCharacters``: each '/'-separated part of a time zone name.
_TIME_ZONE_PART = re.compile(r"[A-Za-z.\-_0-9+]{1,14}", re.ASCII)


def time_zone(field: str, name: str) -> str:
    """``name`` when the API server accepts it as a CronJob's ``spec.timeZone``: an IANA time zone name
    such as ``Asia/Seoul`` or ``Etc/UTC`` (not ``Local``), known to the time zone database.

    Raises:
        InvalidValueError: naming ``field``.
    """
    allowed = "an IANA time zone name such as 'Asia/Seoul' or 'Etc/UTC'"
    if not isinstance(name, str) or not name:
        raise InvalidValueError(field, name, allowed)
    for part in name.split("/"):
        if part in (".", "..") or part.startswith("-") or not _TIME_ZONE_PART.fullmatch(part):
            raise InvalidValueError(field, name, allowed)
    if name.lower() == "local":
        raise InvalidValueError(field, name, f"{allowed}: an explicit zone, not the node's 'Local'")
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # OSError: a folder such as 'America'
        raise InvalidValueError(field, name, f"{allowed} (no such zone in the time zone database)") from None
    return name
