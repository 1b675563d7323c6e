"""`rate(value unit)` and `at(yyyy-mm-ddThh:mm:ss)`, checked as EventBridge checks them.

Rate: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rate-expressions.html
(a value of 1 takes the singular unit, larger values the plural; units minute/hour/day).
At: https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#one-time
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import cast

from scheduler.schedule.aws_cron import tokens
from scheduler.schedule.errors import INVALID, TOO_FREQUENT, ScheduleError, quoted
from scheduler.schedule.spec import AtSpec, RateSpec, RateUnit

_DIGITS = re.compile(r"[0-9]+")
_SECONDS = frozenset({"s", "sec", "secs", "second", "seconds"})
_UNITS = ("minute", "hour", "day")
_AT = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})")


def parse_rate(inner: str, offset: int) -> tuple[RateSpec, str]:
    """Parse the text between `rate(` and `)`; `offset` is where `inner` starts."""
    parts = tokens(inner, offset)
    if len(parts) != 2:
        raise ScheduleError(
            INVALID,
            "rate() takes a value and a unit",
            "write it like rate(5 minutes), rate(1 hour) or rate(7 days)",
            offset,
            len(inner),
        )
    (value_text, value_at), (unit, unit_at) = parts
    if not _DIGITS.fullmatch(value_text) or int(value_text) == 0:
        raise ScheduleError(
            INVALID,
            f"rate value {quoted(value_text)} is not a positive whole number",
            "write a whole number of at least 1, as in rate(5 minutes)",
            value_at,
            len(value_text),
        )
    count = int(value_text)
    lower = unit.lower()
    if lower in _SECONDS:
        raise ScheduleError(
            TOO_FREQUENT,
            f"rate unit {quoted(unit)} is finer than one minute",
            "EventBridge runs a schedule at most once a minute: use rate(1 minute) or slower",
            unit_at,
            len(unit),
        )
    singular = lower.removesuffix("s")
    if singular not in _UNITS:
        weeks = f"rate({7 * count} days)" if singular == "week" else "rate(7 days) for a week"
        raise ScheduleError(
            INVALID,
            f"rate unit {quoted(unit)} is not minute(s), hour(s) or day(s)",
            f"AWS rates count minutes, hours or days: write {weeks}",
            unit_at,
            len(unit),
        )
    expected = singular if count == 1 else f"{singular}s"
    if unit != expected:
        if unit != lower:
            problem = "must be lower case"
        elif count == 1:
            problem = "must be singular for a value of 1"
        else:
            problem = "must be plural for a value above 1"
        raise ScheduleError(
            INVALID,
            f"rate unit {quoted(unit)} {problem}",
            f"write rate({count} {expected})",
            unit_at,
            len(unit),
        )
    return RateSpec(count, cast(RateUnit, singular)), f"rate({count} {expected})"


def parse_at(inner: str, offset: int) -> tuple[AtSpec, str]:
    """Parse the text between `at(` and `)`; `offset` is where `inner` starts."""
    match = _AT.fullmatch(inner)
    if match is None:
        raise ScheduleError(
            INVALID,
            "at() takes a local date and time as yyyy-mm-ddThh:mm:ss",
            "write it like at(2026-01-01T09:00:00); the job's timezone says which clock",
            offset,
            len(inner),
        )
    try:
        year, month, day, hour, minute, second = (int(part) for part in match.groups())
        local = datetime(year, month, day, hour, minute, second)
    except ValueError:
        raise ScheduleError(
            INVALID,
            f"at() time {quoted(inner)} is not a real date and time",
            "check the month, the day of the month and the hour (00-23)",
            offset,
            len(inner),
        ) from None
    return AtSpec(local), f"at({inner})"
