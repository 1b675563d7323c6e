"""The shortest real gap between two consecutive fires of a schedule in a zone.

Cron is measured over its first 28 fire years from 2000: field-set gaps on days without an
offset change, exact conversion either side of each change. Only real consecutive fires are
compared, so the result is never below the truth (exact unless the minimum is outside).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from datetime import date, datetime, timedelta, tzinfo
from functools import lru_cache
from itertools import pairwise
from typing import assert_never

from scheduler.schedule.days import days_in
from scheduler.schedule.engine import last_wall_before, walls_from
from scheduler.schedule.spec import AtSpec, CronSpec, RateSpec, Spec
from scheduler.schedule.zones import Transition, to_utc, transitions_in_year, zone

_WINDOW_YEARS = 28  # the weekday-and-leap-year cycle of the Gregorian calendar (1901-2099)
_WINDOW_FROM = 2000
_ONE_DAY = timedelta(days=1)


@lru_cache(maxsize=1024)
def min_interval(spec: Spec, tz: str) -> timedelta | None:
    match spec:
        case RateSpec():
            return timedelta(seconds=spec.seconds)
        case AtSpec():
            return None
        case CronSpec():
            seconds = _cron_min_seconds(spec, zone(tz))
            return None if seconds is None else timedelta(seconds=seconds)
        case _:
            assert_never(spec)


def _window(years: tuple[int, ...]) -> tuple[int, ...]:
    later = years[bisect_left(years, _WINDOW_FROM) :]
    return later[:_WINDOW_YEARS] if later else years[-_WINDOW_YEARS:]


def _cron_min_seconds(spec: CronSpec, tz: tzinfo) -> int | None:
    times = spec.times
    years = _window(spec.years)
    if not spec.fire_months or not years:
        return None
    within_day = min((b - a for a, b in pairwise(times)), default=None)
    changes = [change for year in years for change in transitions_in_year(tz, year)]
    if not changes:
        return _without_changes(spec, years, within_day)
    clean = _Clean(changes)
    best: int | None = None
    need_within_day = within_day is not None
    found_next_day = False
    previous: date | None = None
    previous_last = datetime.min
    for day in _fire_days(spec, years):
        first, last = _wall(day, times[0]), _wall(day, times[-1])
        if need_within_day and clean(first, last):
            assert within_day is not None
            best = _least(best, within_day * 60)
            need_within_day = False
        elif need_within_day:  # a day with an offset change: only its unaffected pairs
            for a, b in pairwise(times):
                if clean(_wall(day, a), _wall(day, b)):
                    best = _least(best, (b - a) * 60)
        if previous is not None and clean(previous_last, first):
            best = _least(best, int((first - previous_last).total_seconds()))
            found_next_day = found_next_day or day - previous == _ONE_DAY
        previous, previous_last = day, last
        if best == 60 or (not need_within_day and found_next_day):
            break  # nothing later in the window can be shorter
    if best == 60:
        return best  # one minute: nothing can be shorter
    for change in changes:
        # The real fires on either side of the change, converted exactly: the one before may
        # sit behind further changes (a yearly job), and either may fall in a gap.
        before = last_wall_before(spec, change.wall_before)
        while before is not None and to_utc(before, tz) is None:
            before = last_wall_before(spec, before)
        after = max(change.wall_before, change.wall_after)
        instants = (to_utc(wall, tz) for wall in walls_from(spec, after))
        first_after = next((instant for instant in instants if instant is not None), None)
        last_before = None if before is None else to_utc(before, tz)
        if last_before is not None and first_after is not None:
            best = _least(best, int((first_after - last_before).total_seconds()))
    return best


def _without_changes(spec: CronSpec, years: tuple[int, ...], within_day: int | None) -> int | None:
    """What the loop above finds when the offset never changes (UTC, most zones' years): every
    pair is clean, so gaps are whole days plus minutes, counted without building datetimes."""
    times = spec.times
    overnight = (times[0] - times[-1]) * 60
    best: int | None = None
    previous: int | None = None
    for year in years:
        for month in spec.fire_months:
            first_of_month = date(year, month, 1).toordinal() - 1
            for day in days_in(spec.day, year, month):
                ordinal = first_of_month + day
                if previous is None:
                    best = None if within_day is None else within_day * 60
                else:
                    best = _least(best, (ordinal - previous) * 86_400 + overnight)
                    if best == 60 or ordinal - previous == 1:
                        return best  # nothing later in the window can be shorter
                previous = ordinal
    return best


class _Clean:
    """Whether two wall times lie on the same side of every offset change (same real gap)."""

    def __init__(self, changes: list[Transition]) -> None:
        # Walls before `wall_before` are on the old offset; walls from the later of the two
        # walls on are on the new one; walls between are skipped (gap) or run once (repeat).
        self._starts = [change.wall_before for change in changes]
        self._ends = [max(change.wall_before, change.wall_after) for change in changes]

    def __call__(self, first: datetime, last: datetime) -> bool:
        index = bisect_right(self._starts, last) - 1
        return index < 0 or first >= self._ends[index]


def _fire_days(spec: CronSpec, years: tuple[int, ...]) -> Iterator[date]:
    for year in years:
        for month in spec.fire_months:
            for day in days_in(spec.day, year, month):
                yield date(year, month, day)


def _wall(day: date, minute: int) -> datetime:
    return datetime(day.year, day.month, day.day, minute // 60, minute % 60)


def _least(best: int | None, candidate: int) -> int:
    return candidate if best is None else min(best, candidate)
