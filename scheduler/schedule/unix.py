"""Unix cron (`m h dom mon dow`) and @daily-style presets, translated to AWS cron text.

Weekdays are renumbered (Unix 0-7 with 0 and 7 = SUN; AWS 1-7 = SUN-SAT) and written as
names, `?` goes where AWS needs it, steps are kept. Unix runs a job when EITHER day field
matches if both are restricted; one AWS expression cannot say that, so such a line becomes two:
its day-of-month half and its day-of-week half (`either_day`), deployed side by side.
"""

from __future__ import annotations

import re
from dataclasses import replace

from scheduler.schedule.aws_cron import DAY_OF_MONTH, HOURS, MINUTES, MONTH, Token
from scheduler.schedule.errors import INVALID, ScheduleError, quoted
from scheduler.schedule.fields import DAY_NAMES, FieldDef, FieldValue, parse_list, weekday_list

UNIX_DAY_OF_WEEK = FieldDef(
    "day-of-week",
    0,
    7,
    "Unix numbers weekdays 0-7 (0 and 7 = SUN); write names such as MON-FRI",
    DAY_NAMES,
    0,
    wrap_high=6,
    reversed_range="split",
)
# Vixie cron and cronie read no range backwards: a reversed range is refused, with the split.
_MINUTES, _HOURS, _DAY_OF_MONTH, _MONTH = (
    replace(field, reversed_range="split") for field in (MINUTES, HOURS, DAY_OF_MONTH, MONTH)
)

PRESETS = {
    "@hourly": "cron(0 * * * ? *)",
    "@daily": "cron(0 0 * * ? *)",
    "@midnight": "cron(0 0 * * ? *)",
    "@weekly": "cron(0 0 ? * SUN *)",
    "@monthly": "cron(0 0 1 * ? *)",
    "@yearly": "cron(0 0 1 1 ? *)",
    "@annually": "cron(0 0 1 1 ? *)",
}

_AWS_ONLY = re.compile(r"L|LW|[0-9]+W|L-[0-9]+|[0-9A-Z]{1,3}L|.*[#?].*")


def preset(text: str, offset: int) -> str:
    """The AWS cron text of an @preset."""
    aws = PRESETS.get(text.lower())
    if aws is not None:
        return aws
    if text.lower() == "@reboot":
        message = '"@reboot" has no meaning for a scheduled job'
    else:
        message = f"unknown preset {quoted(text)}"
    raise ScheduleError(
        INVALID,
        message,
        "presets are @hourly, @daily, @midnight, @weekly, @monthly, @yearly and @annually",
        offset,
        len(text),
    )


def unix_to_aws(fields: list[Token]) -> tuple[str, str | None]:
    """Translate five Unix fields (text, offset) to AWS cron text, and the day-of-week half
    of a line that restricts both day fields (else None)."""
    (minute_t, minute_at), (hour_t, hour_at), dom, (month_t, month_at), dow = fields
    minutes = parse_list(_plain(minute_t, minute_at, _MINUTES), minute_at, _MINUTES)
    hours = parse_list(_plain(hour_t, hour_at, _HOURS), hour_at, _HOURS)
    days = parse_list(_plain(*dom, _DAY_OF_MONTH), dom[1], _DAY_OF_MONTH)
    months = parse_list(_plain(month_t, month_at, _MONTH), month_at, _MONTH)
    weekdays = parse_list(_plain(*dow, UNIX_DAY_OF_WEEK), dow[1], UNIX_DAY_OF_WEEK)
    any_day = _unrestricted(days, _DAY_OF_MONTH)
    any_weekday = _unrestricted(weekdays, UNIX_DAY_OF_WEEK)
    head, tail = f"cron({minutes.text} {hours.text}", f"{months.text}"
    aws_weekdays = {value % 7 + 1 for value in weekdays.values}
    if not any_day and not any_weekday:
        return f"{head} {days.text} {tail} ? *)", f"{head} ? {tail} {weekday_list(aws_weekdays)} *)"
    if any_weekday or len(aws_weekdays) == 7:
        day_field, weekday_field = ("*" if any_day else days.text), "?"
    else:
        day_field, weekday_field = "?", weekday_list(aws_weekdays)
    return f"{head} {day_field} {tail} {weekday_field} *)", None


def _unrestricted(parsed: FieldValue, field: FieldDef) -> bool:
    # `*` (or `*/1`) only: Vixie cron treats a field starting with `*` as unrestricted, while a
    # full list such as 1-31 still switches on the either-day rule, so that counts as restricted.
    return parsed.star and parsed.is_full(field)


def _plain(text: str, offset: int, field: FieldDef) -> str:
    if _AWS_ONLY.fullmatch(text.upper()) and text.upper() not in field.names:
        raise ScheduleError(
            INVALID,
            f"{field.name} {quoted(text)} uses AWS-only syntax (L, W, # or ?)",
            "write the schedule as AWS cron instead, whose six fields take L, W and #, "
            "e.g. cron(0 0 L * ? *) for the last day of the month",
            offset,
            len(text),
        )
    return text
