"""`Schedule`: a parsed expression as plain strings, with its fire times and words.

Every method works from `aws_expression` (and `also`) alone (compiled once and cached), so a
Schedule can be compared, hashed and rebuilt from what is deployed. A Unix line restricting both
day fields runs when either matches: it is two AWS expressions, and its fires are their union.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from functools import lru_cache
from heapq import merge
from itertools import islice, pairwise
from typing import Literal

from scheduler.schedule.days import EveryDay, MonthDays
from scheduler.schedule.describe import describe
from scheduler.schedule.dst import DstEvent, dst_events
from scheduler.schedule.engine import fires_after
from scheduler.schedule.interval import min_interval
from scheduler.schedule.registry import spec_for
from scheduler.schedule.spec import CronSpec, Spec
from scheduler.schedule.zones import zone

Kind = Literal["cron", "rate", "at"]
Dialect = Literal["aws", "unix", "preset"]


@dataclass(frozen=True)
class Schedule:
    """A schedule as written (`source`) and as EventBridge takes it (`aws_expression`).

    `also` is the second expression of a Unix either-day line (its day-of-week half, while
    `aws_expression` is its day-of-month half); None for every other schedule.
    """

    source: str
    kind: Kind
    dialect: Dialect
    aws_expression: str
    also: str | None = None

    @property
    def aws_expressions(self) -> tuple[str, ...]:
        """Every AWS expression the schedule deploys as: one, or two for an either-day line."""
        return (self.aws_expression,) if self.also is None else (self.aws_expression, self.also)

    @property
    def days_of_month(self) -> tuple[int, ...] | None:
        """The days of the month the first half of an either-day schedule fires on (its second
        half skips them, so that a day both match runs once); None for any other schedule."""
        spec = self._spec
        if self.also is None or not isinstance(spec, CronSpec):
            return None
        match spec.day:
            case MonthDays():
                return tuple(sorted(spec.day.days))
            case EveryDay():
                return tuple(range(1, 32))
            case _:  # a Unix line's day-of-month is a plain list (AWS-only syntax is refused)
                return None

    def next_fire_times(
        self,
        after: datetime,
        count: int,
        tz: str = "UTC",
        anchor: datetime | None = None,
    ) -> list[datetime]:
        """Up to `count` fire instants (UTC) strictly after `after`; fewer if it stops firing.

        Cron and at() read the wall clock of `tz`; rate() counts from `anchor` (the
        deployment time, default 1970-01-01T00:00Z) and ignores `tz`.
        """
        _require_aware("after", after)
        _require_aware("anchor", anchor)
        if count < 0:
            raise ValueError(f"count must be 0 or more, not {count}")
        return list(islice(self._fires(after, zone(tz), anchor), count))

    def fire_times(
        self,
        start: datetime,
        end: datetime,
        tz: str = "UTC",
        anchor: datetime | None = None,
    ) -> Iterator[datetime]:
        """Fire instants (UTC) with start < t <= end, ascending, produced lazily."""
        _require_aware("start", start)
        _require_aware("end", end)
        _require_aware("anchor", anchor)
        return _until(self._fires(start, zone(tz), anchor), end)

    def describe(self) -> str:
        """The schedule in words, e.g. "at 02:00, only on Monday" or "every 5 minutes"."""
        if self.also is None:
            return describe(self._spec)
        return f"{describe(self._spec)}, or {_day_part(describe(spec_for(self.also)))}"

    def min_interval(self, tz: str = "UTC") -> timedelta | None:
        """The shortest gap between consecutive fires (never below the truth); None for at()."""
        if self.also is None:
            return min_interval(self._spec, tz)
        return _union_min_interval(self._spec, spec_for(self.also), tz)

    def dst_transitions(self, start: datetime, end: datetime, tz: str) -> list[DstEvent]:
        """Fires skipped (gap) or run once (repeated hour) by DST changes in [start, end)."""
        _require_aware("start", start)
        _require_aware("end", end)
        events = [e for a in self.aws_expressions for e in dst_events(spec_for(a), start, end, tz)]
        return sorted(set(events), key=lambda e: e.local_time) if self.also else events

    @property
    def _spec(self) -> Spec:
        return spec_for(self.aws_expression)

    def _fires(self, after: datetime, tz: tzinfo, anchor: datetime | None) -> Iterator[datetime]:
        if self.also is None:
            return fires_after(self._spec, after, tz, anchor)
        both = merge(
            fires_after(self._spec, after, tz, anchor),
            fires_after(spec_for(self.also), after, tz, anchor),
        )
        return _distinct(both)


def _distinct(fires: Iterator[datetime]) -> Iterator[datetime]:
    """A day both halves match fires once, as in Unix cron."""
    last: datetime | None = None
    for instant in fires:
        if instant != last:
            yield instant
        last = instant


def _day_part(words: str) -> str:
    # Both halves share their times: say them once ("at 00:00, on day 1, or only on Monday").
    _, sep, tail = words.partition(", ")
    return tail if sep else words


# The gap across the halves (Monday the 31st, then the 1st) is measured on real fires from 2000:
# 20,000 fires hold years of a daily line, so every weekday-and-date pairing. A dense line's
# shortest gap is within a day, which each half's own interval already gives.
_UNION_SAMPLE = 20_000


@lru_cache(maxsize=256)
def _union_min_interval(first: Spec, second: Spec, tz: str) -> timedelta | None:
    gaps = [g for g in (min_interval(first, tz), min_interval(second, tz)) if g is not None]
    start = datetime(2000, 1, 1, tzinfo=UTC)
    fires = islice(
        _distinct(merge(*(fires_after(s, start, zone(tz), None) for s in (first, second)))),
        _UNION_SAMPLE,
    )
    gaps.extend(b - a for a, b in pairwise(fires))
    return min(gaps, default=None)


def _until(fires: Iterator[datetime], end: datetime) -> Iterator[datetime]:
    for instant in fires:
        if instant > end:
            return
        yield instant


def _require_aware(name: str, value: datetime | None) -> None:
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        raise ValueError(f"{name} must be timezone-aware, got naive {value.isoformat()}")
