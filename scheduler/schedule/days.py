"""Which days of a month a cron day rule selects: plain days, L, LW, nW, weekdays, nL, n#k.

Weekdays are Python's numbering here (0 = Monday .. 6 = Sunday); the parsers convert.
Results are cached per (rule, year, month) because every fire-time search asks again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import assert_never

# The longest each month can be (February in a leap year): used to drop impossible months.
_LONGEST = (0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_ALL_DAYS = tuple(range(1, 32))
SATURDAY = 5
SUNDAY = 6


def month_length(year: int, month: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return _LONGEST[month]


@dataclass(frozen=True)
class EveryDay:
    """`*` in one day field with `?` in the other."""


@dataclass(frozen=True)
class MonthDays:
    """Day-of-month values (1-31); a day the month lacks does not fire."""

    days: tuple[int, ...]


@dataclass(frozen=True)
class LastDay:
    """Day-of-month `L`."""


@dataclass(frozen=True)
class LastWeekday:
    """Day-of-month `LW`: the last Monday-Friday of the month."""


@dataclass(frozen=True)
class NearestWeekday:
    """Day-of-month `nW`: the Monday-Friday nearest day n, never leaving the month."""

    day: int


@dataclass(frozen=True)
class Weekdays:
    """Day-of-week values (and day-of-week `L` alone, which is Saturday)."""

    weekdays: frozenset[int]


@dataclass(frozen=True)
class LastOfWeekday:
    """Day-of-week `nL`: the last such weekday of the month."""

    weekday: int


@dataclass(frozen=True)
class NthWeekday:
    """Day-of-week `n#k`: the k-th such weekday of the month (k = 1..5)."""

    weekday: int
    nth: int


DayRule = (
    EveryDay
    | MonthDays
    | LastDay
    | LastWeekday
    | NearestWeekday
    | Weekdays
    | LastOfWeekday
    | NthWeekday
)


def possible_in(rule: DayRule, month: int) -> bool:
    """False when `rule` can never select a day of `month` in any year."""
    match rule:
        case MonthDays(days=days):
            return days[0] <= _LONGEST[month]
        case NearestWeekday(day=day):
            return day <= _LONGEST[month]
        case _:
            return True


@lru_cache(maxsize=16384)
def days_in(rule: DayRule, year: int, month: int) -> tuple[int, ...]:
    """The days of `year`-`month` that `rule` selects, ascending."""
    length = month_length(year, month)
    match rule:
        case EveryDay():
            return _ALL_DAYS[:length]
        case MonthDays(days=days):
            return tuple(day for day in days if day <= length)
        case LastDay():
            return (length,)
        case LastWeekday():
            weekday = date(year, month, length).weekday()
            return (length - max(0, weekday - 4),)
        case NearestWeekday(day=day):
            return _nearest_weekday(year, month, day, length)
        case Weekdays(weekdays=weekdays):
            first = date(year, month, 1).weekday()
            return tuple(d for d in _ALL_DAYS[:length] if (first + d - 1) % 7 in weekdays)
        case LastOfWeekday(weekday=weekday):
            last = date(year, month, length).weekday()
            return (length - (last - weekday) % 7,)
        case NthWeekday(weekday=weekday, nth=nth):
            day = 1 + (weekday - date(year, month, 1).weekday()) % 7 + 7 * (nth - 1)
            return (day,) if day <= length else ()
        case _:
            assert_never(rule)


def _nearest_weekday(year: int, month: int, day: int, length: int) -> tuple[int, ...]:
    # Quartz semantics, which EventBridge follows: the nearest weekday stays inside the month
    # (1W on a Saturday moves to Monday the 3rd; 31W on a Sunday moves back to Friday the 29th).
    # https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html
    if day > length:
        return ()
    weekday = date(year, month, day).weekday()
    if weekday == SATURDAY:
        return (day - 1,) if day > 1 else (day + 2,)
    if weekday == SUNDAY:
        return (day + 1,) if day < length else (day - 2,)
    return (day,)
