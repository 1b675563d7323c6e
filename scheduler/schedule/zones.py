"""IANA time zones: lookup (cached), wall clock to UTC, and the zone's offset transitions.

Wall-clock rules follow EventBridge Scheduler: a local time inside a spring-forward gap
does not exist (no instant), a repeated local time maps to its first occurrence.
https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#daylist-savings-time
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+\-]*(?:/[A-Za-z0-9_+\-]+)*")
# Files in the zoneinfo directory that are not zones a user can choose.
_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})
_SAMPLE = timedelta(days=7)


def closest_timezones(name: str, n: int = 1) -> list[str]:
    """The IANA names nearest `name` (a typo such as "Europe/Pariss"), best first.

    Only Area/Location names (and UTC) are offered: an abbreviation such as "CEST" is not a typo
    of the legacy zone "EST", which is a different offset.
    """
    choices = [*sorted(z for z in available_timezones() if "/" in z), "UTC"]
    return difflib.get_close_matches(name, choices, n=n, cutoff=0.8)


@lru_cache(maxsize=1024)
def is_known_timezone(name: str) -> bool:
    """True when `name` is an IANA zone name such as "Europe/London" or "UTC"."""
    return isinstance(name, str) and _known(name)


@lru_cache(maxsize=512)  # every job's zone is checked by several rules
def _known(name: str) -> bool:
    if not _NAME.fullmatch(name) or name in _NOT_ZONES:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


@lru_cache(maxsize=512)
def zone(name: str) -> tzinfo:
    """The tzinfo for `name`; ValueError for a name that is not an IANA zone."""
    if name == "UTC":
        return UTC
    if not is_known_timezone(name):
        raise ValueError(f"unknown time zone {name!r}; use an IANA name such as Europe/London")
    return ZoneInfo(name)


def to_utc(wall: datetime, tz: tzinfo) -> datetime | None:
    """The instant a naive wall time names in `tz` (first if repeated); None in a gap."""
    if tz is UTC:
        return wall.replace(tzinfo=UTC)
    try:
        instant = wall.replace(tzinfo=tz).astimezone(UTC)
        if instant.astimezone(tz).replace(tzinfo=None) != wall:
            return None
    except OverflowError:  # within hours of datetime.min/max: no such instant
        return None
    return instant


@dataclass(frozen=True)
class Transition:
    """The zone's UTC offset changes from `before` to `after` at instant `at` (UTC)."""

    at: datetime
    before: timedelta
    after: timedelta

    @property
    def wall_before(self) -> datetime:
        """The naive wall time the clock would show at `at` under the old offset."""
        return (self.at + self.before).replace(tzinfo=None)

    @property
    def wall_after(self) -> datetime:
        return (self.at + self.after).replace(tzinfo=None)


@lru_cache(maxsize=8192)
def transitions_in_year(tz: tzinfo, year: int) -> tuple[Transition, ...]:
    """Offset changes whose instant falls in UTC calendar year `year`, ascending.

    Offsets are sampled weekly and each change is bisected to the second, so two changes
    less than a week apart (none since 1970 outside wartime-style edits) would be missed.
    """
    if tz is UTC or not 1 <= year <= 9998:
        return ()
    start = datetime(year, 1, 1, tzinfo=UTC)
    end = datetime(year + 1, 1, 1, tzinfo=UTC)
    found: list[Transition] = []
    previous = start - timedelta(days=1)
    previous_offset = _offset(tz, previous)
    while previous < end:
        point = min(previous + _SAMPLE, end)
        offset = _offset(tz, point)
        if offset != previous_offset:
            at = _bisect(tz, previous, point, previous_offset)
            if start <= at < end:
                found.append(Transition(at, previous_offset, offset))
        previous, previous_offset = point, offset
    return tuple(found)


def transitions(tz: tzinfo, start: datetime, end: datetime) -> list[Transition]:
    """Offset changes with `start <= at < end` (aware datetimes)."""
    first, last = start.astimezone(UTC).year, end.astimezone(UTC).year
    return [
        t
        for year in range(first, last + 1)
        for t in transitions_in_year(tz, year)
        if start <= t.at < end
    ]


def _offset(tz: tzinfo, instant: datetime) -> timedelta:
    offset = instant.astimezone(tz).utcoffset()
    assert offset is not None
    return offset


def _bisect(tz: tzinfo, low: datetime, high: datetime, low_offset: timedelta) -> datetime:
    """The first second in (low, high] whose offset differs from `low_offset`."""
    lo, hi = 0, int((high - low).total_seconds())
    while hi - lo > 1:
        middle = (lo + hi) // 2
        if _offset(tz, low + timedelta(seconds=middle)) == low_offset:
            lo = middle
        else:
            hi = middle
    return low + timedelta(seconds=hi)
