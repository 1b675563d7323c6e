"""The shortest real gap between two consecutive fires of a schedule in a zone.

For cron the answer comes from the field sets over a window of up to 28 years (every
weekday/leap-year combination), plus the exact gap across each DST change in that window.
Only gaps between real consecutive fires are counted, so the result is never below the
truth; it is exact unless the shortest gap happens only outside the window.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from datetime import date, timedelta, tzinfo
from functools import lru_cache
from itertools import pairwise
from typing import assert_never

from scheduler.schedule.days import days_in
from scheduler.schedule.engine import last_wall_before, walls_from
from scheduler.schedule.spec import AtSpec, CronSpec, RateSpec, Spec
from scheduler.schedule.zones import transitions_in_year, zone

_WINDOW_YEARS = 28  # the weekday-and-leap-year cycle of the Gregorian calendar (1901-2099)
_WINDOW_FROM = 2000


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
    spread = times[-1] - times[0]
    changes = [change for year in years for change in transitions_in_year(tz, year)]
    # A day with an offset change is not "clean": its gaps are measured across the change.
    unclean = sorted(
        {d.toordinal() for c in changes for d in (c.wall_before.date(), c.wall_after.date())}
    )
    best: int | None = None
    need_clean_day = within_day is not None
    found_next_day = False
    previous: int | None = None
    for ordinal in _fire_days(spec, years):
        if need_clean_day and not _touches(unclean, ordinal, ordinal):
            assert within_day is not None
            best = _least(best, within_day * 60)
            need_clean_day = False
        if previous is not None and not _touches(unclean, previous, ordinal):
            best = _least(best, ((ordinal - previous) * 1440 - spread) * 60)
            found_next_day = found_next_day or ordinal - previous == 1
        previous = ordinal
        if best == 60 or (not need_clean_day and found_next_day):
            break  # nothing later in the window can be shorter
    if best == 60:
        return best  # one minute: nothing can be shorter
    for change in changes:
        before = last_wall_before(spec, change.wall_before)
        after = next(walls_from(spec, max(change.wall_before, change.wall_after)), None)
        if before is not None and after is not None:
            real = (after - before) - (change.after - change.before)
            best = _least(best, int(real.total_seconds()))
    return best


def _fire_days(spec: CronSpec, years: tuple[int, ...]) -> Iterator[int]:
    for year in years:
        for month in spec.fire_months:
            for day in days_in(spec.day, year, month):
                yield date(year, month, day).toordinal()


def _touches(ordinals: list[int], first: int, last: int) -> bool:
    """True when some ordinal in the sorted list lies in [first, last]."""
    index = bisect_left(ordinals, first)
    return index < len(ordinals) and ordinals[index] <= last


def _least(best: int | None, candidate: int) -> int:
    return candidate if best is None else min(best, candidate)
