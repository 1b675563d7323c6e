"""Fire times: cron on the wall clock of a zone, rate from its anchor, at() once.

Cron candidates are generated year, month, day, then time of day from the precomputed
field sets, so "never fires again" is answered by skipping whole years and months.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, tzinfo
from typing import assert_never

from scheduler.limits import CRON_YEAR_MAX
from scheduler.schedule.days import days_in
from scheduler.schedule.spec import AtSpec, CronSpec, RateSpec, Spec
from scheduler.schedule.zones import to_utc

# rate() schedules are anchored at the deployment time; without one, at the Unix epoch, so
# that rate(1 hour) fires on the hour. EventBridge Scheduler fires a rate schedule at its
# start date first. https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def fires_after(
    spec: Spec, after: datetime, tz: tzinfo, anchor: datetime | None
) -> Iterator[datetime]:
    """Fire instants (aware, UTC) strictly after `after`, ascending."""
    match spec:
        case CronSpec():
            return _cron_after(spec, after, tz)
        case RateSpec():
            return _rate_after(spec, after, anchor or EPOCH)
        case AtSpec():
            instant = to_utc(spec.local, tz)
            return iter([instant] if instant is not None and instant > after else [])
        case _:
            assert_never(spec)


def _cron_after(spec: CronSpec, after: datetime, tz: tzinfo) -> Iterator[datetime]:
    if after.astimezone(UTC).year > CRON_YEAR_MAX:
        return
    # Wall times map to instants monotonically (gaps dropped, repeats taken first), so
    # scanning walls from the local time of `after` and dropping earlier instants is exact.
    for wall in walls_from(spec, after.astimezone(tz).replace(tzinfo=None)):
        instant = to_utc(wall, tz)
        if instant is not None and instant > after:
            yield instant


def _rate_after(spec: RateSpec, after: datetime, anchor: datetime) -> Iterator[datetime]:
    step = timedelta(seconds=spec.seconds)
    index = 0 if after < anchor else (after - anchor) // step + 1
    while True:
        try:
            instant = (anchor + index * step).astimezone(UTC)
        except OverflowError:
            return
        yield instant
        index += 1


def walls_from(spec: CronSpec, start: datetime) -> Iterator[datetime]:
    """Naive wall times selected by `spec` at or after naive `start`, ascending."""
    times = spec.times
    first_year, first_month, first_day = start.year, start.month, start.day
    first_time = start.hour * 60 + start.minute + (1 if start.second or start.microsecond else 0)
    years = spec.years
    for year in years[bisect_left(years, first_year) :]:
        in_first_year = year == first_year
        for month in spec.fire_months:
            if in_first_year and month < first_month:
                continue
            in_first_month = in_first_year and month == first_month
            for day in days_in(spec.day, year, month):
                if in_first_month and day <= first_day:
                    if day < first_day:
                        continue
                    begin = bisect_left(times, first_time)
                else:
                    begin = 0
                for minute in times[begin:]:
                    yield datetime(year, month, day, minute // 60, minute % 60)


def last_wall_before(spec: CronSpec, end: datetime) -> datetime | None:
    """The latest naive wall time selected by `spec` strictly before naive `end`."""
    times = spec.times
    last_year, last_month, last_day = end.year, end.month, end.day
    end_time = end.hour * 60 + end.minute + (1 if end.second or end.microsecond else 0)
    years = spec.years
    for year in reversed(years[: bisect_right(years, last_year)]):
        for month in reversed(spec.fire_months):
            if year == last_year and month > last_month:
                continue
            in_last_month = year == last_year and month == last_month
            for day in reversed(days_in(spec.day, year, month)):
                if in_last_month and day >= last_day:
                    if day > last_day:
                        continue
                    index = bisect_left(times, end_time) - 1
                    if index < 0:
                        continue
                    minute = times[index]
                else:
                    minute = times[-1]
                return datetime(year, month, day, minute // 60, minute % 60)
    return None
