"""Cron schedules as Kubernetes CronJobs accept them: five fields or a macro."""

from __future__ import annotations

from croniter import croniter

from pilothouse.errors import InvalidValueError

MACROS = frozenset({"@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"})
_ALLOWED = ("a cron schedule of five fields 'minute hour day-of-month month day-of-week' such as '*/1 * * * *', "
            "or one of " + ", ".join(sorted(MACROS)) + " (time zones go in time_zone, not in the schedule)")


def cron_schedule(field: str, schedule: str) -> str:
    """``schedule`` if Kubernetes' cron parser would accept it; croniter checks each field's range."""
    stripped = schedule.strip()
    if stripped in MACROS:
        return schedule
    if len(stripped.split()) != 5 or not croniter.is_valid(stripped):
        raise InvalidValueError(field, schedule, _ALLOWED)
    return schedule
