"""AWS cron: the six fields inside `cron(...)`, checked as EventBridge checks them.

Per https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html; where it
is silent, the strict reading with a rewrite in the hint: day-of-week takes no `/` (it lists
`, - * ? L #`), L/LW/nW/nL/n#k stand alone. Ranges wrap past the end of a field (`20-2` hours,
`FRI-MON`), as the guide's own `cron(0/30 20-2 ? * MON-FRI *)` does; years do not.
"""

from __future__ import annotations

import re

from scheduler.limits import CRON_YEAR_MAX, CRON_YEAR_MIN
from scheduler.schedule.days import (
    SATURDAY,
    DayRule,
    EveryDay,
    LastDay,
    LastOfWeekday,
    LastWeekday,
    MonthDays,
    NearestWeekday,
    NthWeekday,
    Weekdays,
)
from scheduler.schedule.errors import FIX, INVALID, TOO_FREQUENT, Fix, ScheduleError, quoted
from scheduler.schedule.fields import (
    DAY_NAMES,
    MONTH_NAMES,
    FieldDef,
    parse_list,
    value,
    weekday_list,
)
from scheduler.schedule.spec import CronSpec

MINUTES = FieldDef("minutes", 0, 59, "minutes run 0-59")
HOURS = FieldDef("hours", 0, 23, "hours run 0-23")
DAY_OF_MONTH = FieldDef("day-of-month", 1, 31, "days of the month run 1-31")
MONTH = FieldDef("month", 1, 12, "months run 1-12 or JAN-DEC", MONTH_NAMES, 1)
DAY_OF_WEEK = FieldDef(
    "day-of-week",
    1,
    7,
    "AWS numbers weekdays 1-7 = SUN-SAT; write names such as MON-FRI",
    DAY_NAMES,
    1,
)
YEAR = FieldDef(
    "year",
    CRON_YEAR_MIN,
    CRON_YEAR_MAX,
    f"AWS cron years run {CRON_YEAR_MIN}-{CRON_YEAR_MAX}",
    reversed_range="swap",
)

_NEAREST = re.compile(r"([0-9]+)W")
_NTH = re.compile(r"[1-5]")
_SHAPE = "minutes hours day-of-month month day-of-week year, e.g. cron(0 10 * * ? *)"

Token = tuple[str, int]  # text and its offset in the whole expression


def tokens(text: str, offset: int) -> list[Token]:
    return [(m.group(), offset + m.start()) for m in re.finditer(r"\S+", text)]


def parse_cron(inner: str, offset: int) -> tuple[CronSpec, str]:
    """Parse the text between `cron(` and `)`; `offset` is where `inner` starts."""
    fields = tokens(inner, offset)
    if len(fields) != 6:
        _wrong_count(inner, offset, fields)
    (minute_t, minute_at), (hour_t, hour_at), dom, (month_t, month_at), dow, year = fields
    minutes = parse_list(_no_question(minute_t, minute_at, MINUTES), minute_at, MINUTES)
    hours = parse_list(_no_question(hour_t, hour_at, HOURS), hour_at, HOURS)
    dom_rule, dom_text = _day_of_month(*dom)
    months = parse_list(_no_question(month_t, month_at, MONTH), month_at, MONTH)
    dow_rule, dow_text = _day_of_week(*dow)
    years = parse_list(_no_question(year[0], year[1], YEAR), year[1], YEAR)
    day = _one_day_rule(dom_rule, dow_rule, fields)
    spec = CronSpec(minutes.values, hours.values, day, months.values, years.values)
    spelled = (minutes.text, hours.text, dom_text, months.text, dow_text, years.text)
    return spec, f"cron({' '.join(spelled)})"


def _wrong_count(inner: str, offset: int, fields: list[Token]) -> None:
    count = len(fields)
    if count == 7:
        first, at = fields[0]
        raise ScheduleError(
            TOO_FREQUENT,
            f"cron() has 7 fields; the first, {quoted(first)}, looks like seconds",
            f"AWS cron has no seconds field and runs at most once a minute: write {FIX}",
            at,
            len(first),
            Fix(at, fields[1][1] - at, ""),
            f"AWS cron has no seconds field and runs at most once a minute: {_SHAPE}",
        )
    hint = f"AWS cron has 6 fields: {_SHAPE}"
    fix = None
    if count == 5:
        hint, fix = (
            f"AWS cron ends with a year field: write {FIX}",
            Fix(offset + len(inner), 0, " *"),
        )
    raise ScheduleError(
        INVALID,
        f"cron() has {count} fields; AWS cron has 6",
        hint,
        offset,
        len(inner),
        fix,
        f"AWS cron has 6 fields: {_SHAPE}",
    )


def _no_question(text: str, offset: int, field: FieldDef) -> str:
    if "?" in text:
        raise ScheduleError(
            INVALID,
            f'{field.name} cannot be "?"',
            '"?" belongs in day-of-month or day-of-week only',
            offset + text.index("?"),
            1,
        )
    return text


def _day_of_month(text: str, offset: int) -> tuple[DayRule | None, str]:
    upper = text.upper()
    if upper == "?":
        return None, "?"
    if upper == "L":
        return LastDay(), "L"
    if upper == "LW":
        return LastWeekday(), "LW"
    nearest = _NEAREST.fullmatch(upper)
    if nearest:
        day, spelled = value(nearest.group(1), offset, DAY_OF_MONTH)
        return NearestWeekday(day), f"{spelled}W"
    if "?" in upper:
        _alone("day-of-month", text, offset)
    if "#" in upper:
        raise ScheduleError(
            INVALID,
            'day-of-month cannot use "#"',
            "n#k picks the k-th weekday of the month: put it in day-of-week, "
            "e.g. cron(0 9 ? * 2#1 *)",
            offset + upper.index("#"),
            1,
        )
    if "L" in upper or "W" in upper:
        raise ScheduleError(
            INVALID,
            f"day-of-month {quoted(text)} is not a form AWS accepts",
            "L (last day), LW (last weekday) and nW (weekday nearest day n, e.g. 15W) "
            "must each be the whole day-of-month field",
            offset,
            len(text),
        )
    parsed = parse_list(text, offset, DAY_OF_MONTH)
    rule: DayRule = EveryDay() if parsed.is_full(DAY_OF_MONTH) else MonthDays(parsed.values)
    return rule, parsed.text


def _day_of_week(text: str, offset: int) -> tuple[DayRule | None, str]:
    upper = text.upper()
    if upper == "?":
        return None, "?"
    if upper == "L":
        # "L" alone in day-of-week is the last day of the week: Saturday (7).
        return Weekdays(frozenset({SATURDAY})), "L"
    if "?" in upper:
        _alone("day-of-week", text, offset)
    if "#" in upper:
        return _nth_weekday(text, offset)
    if upper.endswith("L"):
        if any(mark in upper for mark in ",-/*"):
            raise ScheduleError(
                INVALID,
                f"day-of-week {quoted(text)} mixes L with other values",
                "nL (the last weekday n of the month, e.g. 6L) must be the whole day-of-week "
                "field; L alone means Saturday",
                offset,
                len(text),
            )
        day, spelled = value(text[:-1], offset, DAY_OF_WEEK)
        return LastOfWeekday(_python_weekday(day)), f"{spelled}L"
    if "/" in upper:
        parsed = parse_list(text, offset, DAY_OF_WEEK)
        days = weekday_list(set(parsed.values))
        raise ScheduleError(
            INVALID,
            'AWS day-of-week does not take "/" steps',
            f"list the days instead: {FIX}",
            offset + upper.index("/"),
            len(text) - upper.index("/"),
            Fix(offset, len(text), days),
            f"list the days instead: {days}",
        )
    parsed = parse_list(text, offset, DAY_OF_WEEK)
    if parsed.is_full(DAY_OF_WEEK):
        return EveryDay(), parsed.text
    return Weekdays(frozenset(_python_weekday(d) for d in parsed.values)), parsed.text


def _nth_weekday(text: str, offset: int) -> tuple[DayRule, str]:
    if "," in text:
        # https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html:
        # "3#1,6#3" is invalid, only one # expression per day-of-week field.
        raise ScheduleError(
            INVALID,
            'day-of-week allows only one "#" expression',
            "use one schedule per n#k, e.g. cron(0 9 ? * 3#1 *) and cron(0 9 ? * 6#3 *)",
            offset,
            len(text),
        )
    day_text, _, nth_text = text.partition("#")
    day, spelled = value(day_text, offset, DAY_OF_WEEK)
    if not _NTH.fullmatch(nth_text):
        raise ScheduleError(
            INVALID,
            f'day-of-week "#{nth_text}" is outside #1-#5',
            "a month has at most five of any weekday: 2#1 is the first Monday",
            offset + len(day_text) + 1,
            len(nth_text),
        )
    return NthWeekday(_python_weekday(day), int(nth_text)), f"{spelled}#{nth_text}"


def _alone(field: str, text: str, offset: int) -> None:
    raise ScheduleError(
        INVALID,
        f'"?" must be the whole {field} field',
        f'write "?" alone in {field}, or values without "?"',
        offset + text.index("?"),
        1,
    )


def _one_day_rule(dom: DayRule | None, dow: DayRule | None, fields: list[Token]) -> DayRule:
    (dom_text, dom_at), (dow_text, dow_at) = fields[2], fields[4]
    where = (dom_at, dow_at + len(dow_text) - dom_at)
    if dom is None and dow is None:
        raise ScheduleError(
            INVALID,
            'day-of-month and day-of-week are both "?"',
            "put a value or * in one of them: cron(0 10 * * ? *) runs every day",
            *where,
        )
    if dom is not None and dow is not None:
        unfixed = "AWS cannot restrict both: keep one and write ? in the other"
        hint, fix = unfixed, None
        if dow_text == "*":
            hint, fix = f"write ? in day-of-week: {FIX}", Fix(dow_at, 1, "?")
        elif dom_text == "*":
            hint, fix = f"write ? in day-of-month: {FIX}", Fix(dom_at, 1, "?")
        raise ScheduleError(
            INVALID,
            'one of day-of-month and day-of-week must be "?"',
            hint,
            *where,
            fix,
            unfixed,
        )
    rule = dom if dom is not None else dow
    assert rule is not None
    return rule


def _python_weekday(aws_day: int) -> int:
    """AWS 1 = SUN .. 7 = SAT to Python 0 = MON .. 6 = SUN."""
    return (aws_day + 5) % 7
