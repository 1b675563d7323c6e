"""`parse`: any schedule a user may write (AWS cron/rate/at, Unix cron, @preset) to a Schedule.

Bare field lists are Unix cron when there are five; six or seven fields are refused with the
likely fix: AWS fields missing their `cron(...)` (a `?` or a year gives them away, SCH101),
or a leading seconds field (SCH103), since nothing in AWS runs more than once a minute.
"""

from __future__ import annotations

import re

from scheduler.schedule.aws_cron import tokens
from scheduler.schedule.errors import FIX, INVALID, TOO_FREQUENT, Fix, ScheduleError, quoted
from scheduler.schedule.forms import HEAD, blank_words, parse_aws
from scheduler.schedule.model import Dialect, Schedule
from scheduler.schedule.registry import remember, spec_for
from scheduler.schedule.unix import preset, unix_to_aws

_FORMS = (
    "write cron(0 10 * * ? *), rate(5 minutes), at(2026-01-01T09:00:00), "
    'a 5-field Unix cron such as "0 10 * * *", or a preset such as @daily'
)
_YEAR = re.compile(r"(?:19[7-9][0-9]|2[01][0-9][0-9])\b")


def parse(expression: str) -> Schedule:
    """Parse a schedule expression; raise ScheduleError (code, message, hint, offset).

    A hint that suggests a rewrite names it only when the rewrite parses.
    """
    try:
        return _parse(expression)
    except ScheduleError as error:
        raise error.settled(expression, _parse) from None


def _parse(expression: str) -> Schedule:
    text = expression.strip()
    start = len(expression) - len(expression.lstrip())
    if not text:
        raise ScheduleError(INVALID, "the schedule is empty", _FORMS, 0, 0)
    if HEAD.match(text):
        _no_space_around(expression, text, start)
        kind, spec, aws = parse_aws(text, start)
        remember(aws, spec)
        return Schedule(expression, kind, "aws", aws)
    dialect: Dialect
    also: str | None = None
    if text.startswith("@"):
        aws, dialect = preset(text, start), "preset"
    else:
        (aws, also), dialect = _bare_fields(text, expression), "unix"
    spec_for(aws)
    if also is not None:
        spec_for(also)
    return Schedule(expression, "cron", dialect, aws, also)


def _no_space_around(expression: str, text: str, start: int) -> None:
    # EventBridge takes the expression exactly: PutRule/CreateSchedule refuse "rate(5 minutes) "
    # as an invalid ScheduleExpression. https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html
    end = start + len(text)
    if start:
        where, length = 0, start
    elif end < len(expression):
        where, length = end, len(expression) - end
    else:
        return
    raise ScheduleError(
        INVALID,
        f"the expression has {blank_words(expression[where : where + length])} "
        f"{'before' if where == 0 else 'after'} it, which AWS refuses",
        f"remove it: {FIX}",
        where,
        length,
        Fix(where, length, ""),
        "remove the space around the expression",
    )


def _bare_fields(text: str, expression: str) -> tuple[str, str | None]:
    fields = tokens(expression, 0)
    count = len(fields)
    if count == 5:
        return unix_to_aws(fields)
    if count == 6 and ("?" in fields[2][0] + fields[4][0] or _YEAR.match(fields[5][0])):
        wrapped = f"cron({' '.join(t for t, _ in fields)})"
        raise ScheduleError(
            INVALID,
            'AWS cron fields must be wrapped in "cron(...)"',
            f"write {FIX}",
            fields[0][1],
            len(text),
            Fix(fields[0][1], len(text), wrapped),
            "write cron, then the six AWS fields in parentheses",
        )
    if count in (6, 7):
        first, at = fields[0]
        rest = " ".join(t for t, _ in fields[1:])
        fixed = rest if count == 6 else f"cron({rest})"
        raise ScheduleError(
            TOO_FREQUENT,
            f"{count} fields: the first, {quoted(first)}, looks like seconds",
            f"AWS runs schedules at most once a minute: drop the seconds field, {FIX}",
            at,
            len(first),
            Fix(at, len(text), fixed),
            "AWS runs schedules at most once a minute: drop the seconds field",
        )
    raise ScheduleError(
        INVALID, f"{quoted(text)} is not a schedule", _FORMS, fields[0][1], len(text)
    )
