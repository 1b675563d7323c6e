"""Schedules in plain words: "at 02:00, only on Monday", "every 5 minutes".

Built from the compiled field sets, so an AWS expression and its Unix or preset spelling
read the same. Times are the schedule's wall clock (UTC unless the job sets a zone).
"""

from __future__ import annotations

from typing import assert_never

from scheduler.limits import CRON_YEAR_MAX, CRON_YEAR_MIN
from scheduler.schedule.days import (
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
from scheduler.schedule.spec import AtSpec, CronSpec, RateSpec, Spec

_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_NTH = ("", "first", "second", "third", "fourth", "fifth")
_ALL_YEARS = CRON_YEAR_MAX - CRON_YEAR_MIN + 1
_LIST_AT_MOST = 6  # more exact times than this read better as a pattern


def describe(spec: Spec) -> str:
    match spec:
        case RateSpec():
            return f"every {spec.unit}" if spec.value == 1 else f"every {spec.value} {spec.unit}s"
        case AtSpec():
            when = spec.local.strftime("%Y-%m-%d %H:%M")
            return f"once, at {when}" + (f":{spec.local.second:02d}" if spec.local.second else "")
        case CronSpec():
            return _cron(spec)
        case _:
            assert_never(spec)


def _cron(spec: CronSpec) -> str:
    text = _time(spec.minutes, spec.hours)
    day = _day(spec.day)
    months = spec.months
    if isinstance(spec.day, MonthDays) and len(months) == 1:
        day, months = f"on {_MONTHS[months[0] - 1]} {_numbers(spec.day.days)}", ()
    if day is None:
        if text.startswith("at ") and text[3].isdigit():
            text += " every day"
    elif day.startswith("only"):
        text += f", {day}"
    else:
        text += f" {day}"
    if 0 < len(months) < 12:
        text += ", only in " + _words([_MONTHS[m - 1] for m in months], months)
    if len(spec.years) < _ALL_YEARS:
        text += ", only in " + _words([str(y) for y in spec.years], spec.years)
    return text


def _time(minutes: tuple[int, ...], hours: tuple[int, ...]) -> str:
    every_hour = len(hours) == 24
    minute_step = _progression(minutes, 2)
    hour_step = _progression(hours, 1)
    if not every_hour and len(minutes) * len(hours) <= _LIST_AT_MOST:
        return "at " + _join([_clock(h, m) for h in hours for m in minutes])
    if len(minutes) == 60:
        pattern = "every minute"
    elif minute_step and minutes[0] < minute_step and minutes[-1] + minute_step >= 60:
        pattern = f"every {minute_step} minutes"
        if minutes[0]:
            pattern += f" starting at minute {minutes[0]}"
    elif len(minutes) == 1 and hour_step:
        every = "every hour" if hour_step == 1 else f"every {hour_step} hours"
        if every_hour:
            return f"{every} at minute {minutes[0]}"
        return f"{every} from {_clock(hours[0], minutes[0])} to {_clock(hours[-1], minutes[0])}"
    elif every_hour:
        return f"every hour at {_plural('minute', minutes)} {_numbers(minutes)}"
    else:
        return f"at {_plural('minute', minutes)} {_numbers(minutes)} past hours {_numbers(hours)}"
    if every_hour:
        return pattern
    if len(hours) == 1 or hour_step == 1:
        return f"{pattern} from {_clock(hours[0], minutes[0])} to {_clock(hours[-1], minutes[-1])}"
    return f"{pattern} during hours {_numbers(hours)}"


def _day(rule: DayRule) -> str | None:
    match rule:
        case EveryDay():
            return None
        case MonthDays(days=days):
            step = _progression(days, 2)
            if step and len(days) > _LIST_AT_MOST:
                return (
                    f"on every {_ordinal(step)} day of the month "
                    f"from day {days[0]} through {days[-1]}"
                )
            return f"on {_plural('day', days)} {_numbers(days)} of the month"
        case LastDay():
            return "on the last day of the month"
        case LastWeekday():
            return "on the last weekday of the month"
        case NearestWeekday(day=day):
            return f"on the weekday nearest day {day} of the month"
        case Weekdays(weekdays=weekdays):
            ordered = tuple(sorted(weekdays))
            return "only on " + _words([_WEEKDAYS[d] for d in ordered], ordered)
        case LastOfWeekday(weekday=weekday):
            return f"on the last {_WEEKDAYS[weekday]} of the month"
        case NthWeekday(weekday=weekday, nth=nth):
            return f"on the {_NTH[nth]} {_WEEKDAYS[weekday]} of the month"
        case _:
            assert_never(rule)


def _progression(values: tuple[int, ...], least: int) -> int | None:
    """The step s >= `least` when `values` is first, first+s, first+2s, ... (two or more)."""
    if len(values) < 2:
        return None
    step = values[1] - values[0]
    if step < least or values != tuple(range(values[0], values[-1] + 1, step)):
        return None
    return step


def _numbers(values: tuple[int, ...]) -> str:
    return _words([str(v) for v in values], values)


def _words(words: list[str], values: tuple[int, ...]) -> str:
    """Join words; runs of three or more consecutive values become "a through b"."""
    parts: list[str] = []
    start = 0
    for index in range(1, len(values) + 1):
        if index == len(values) or values[index] != values[index - 1] + 1:
            if index - start >= 3:
                parts.append(f"{words[start]} through {words[index - 1]}")
            else:
                parts.extend(words[start:index])
            start = index
    return _join(parts)


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _plural(word: str, values: tuple[int, ...]) -> str:
    return word if len(values) == 1 else f"{word}s"


def _clock(hour: int, minute: int) -> str:
    return f"{hour:02d}:{minute:02d}"


def _ordinal(number: int) -> str:
    suffixes = {1: "st", 2: "nd", 3: "rd"}
    suffix = "th" if 10 <= number % 100 <= 20 else suffixes.get(number % 10, "th")
    return f"{number}{suffix}"
