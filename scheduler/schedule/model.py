"""`Schedule`: a parsed expression as plain strings, with its fire times and words.

Every method works from `aws_expression` alone (compiled once and cached), so a Schedule
can be compared, hashed and rebuilt from what is deployed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import islice
from typing import Literal

from scheduler.schedule.describe import describe
from scheduler.schedule.dst import DstEvent, dst_events
from scheduler.schedule.engine import fires_after
from scheduler.schedule.interval import min_interval
from scheduler.schedule.registry import spec_for
from scheduler.schedule.spec import Spec
from scheduler.schedule.zones import zone

Kind = Literal["cron", "rate", "at"]
Dialect = Literal["aws", "unix", "preset"]


@dataclass(frozen=True)
class Schedule:
    """A schedule as written (`source`) and as EventBridge takes it (`aws_expression`)."""

    source: str
    kind: Kind
    dialect: Dialect
    aws_expression: str

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
        return list(islice(fires_after(self._spec, after, zone(tz), anchor), count))

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
        fires = fires_after(self._spec, start, zone(tz), anchor)
        return _until(fires, end)

    def describe(self) -> str:
        """The schedule in words, e.g. "at 02:00, only on Monday" or "every 5 minutes"."""
        return describe(self._spec)

    def min_interval(self, tz: str = "UTC") -> timedelta | None:
        """The shortest gap between consecutive fires (never below the truth); None for at()."""
        return min_interval(self._spec, tz)

    def dst_transitions(self, start: datetime, end: datetime, tz: str) -> list[DstEvent]:
        """Fires skipped (gap) or run once (repeated hour) by DST changes in [start, end)."""
        _require_aware("start", start)
        _require_aware("end", end)
        return dst_events(self._spec, start, end, tz)

    @property
    def _spec(self) -> Spec:
        return spec_for(self.aws_expression)


def _until(fires: Iterator[datetime], end: datetime) -> Iterator[datetime]:
    for instant in fires:
        if instant > end:
            return
        yield instant


def _require_aware(name: str, value: datetime | None) -> None:
    if value is not None and (value.tzinfo is None or value.utcoffset() is None):
        raise ValueError(f"{name} must be timezone-aware, got naive {value.isoformat()}")
