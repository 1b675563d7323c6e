"""Fire-time collisions: how many jobs run at once, minute by minute, over the coming weeks.

Each job runs from its fire for its expected runtime, in whole minutes (fires fall on minute
starts, so a run of 61 s still overlaps the next minute's). Jobs sharing a schedule, zone,
anchor and runtime are counted once with a weight, and rate() fires are laid out
arithmetically, so a catalogue of thousands of rate(1 minute) jobs costs one pass per distinct
phase rather than one per fire.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate

from scheduler.schedule.model import Schedule
from scheduler.schedule.registry import spec_for
from scheduler.schedule.spec import RateSpec

MINUTE = timedelta(minutes=1)
DEFAULT_DAYS = 28


@dataclass(frozen=True)
class Load:
    """One job as the collision count sees it: its schedule, zone, rate anchor and runtime."""

    name: str
    schedule: Schedule
    timezone: str
    runtime: timedelta
    anchor: datetime | None = None


@dataclass(frozen=True)
class Peak:
    """A minute (UTC), how many runs are going on in it, and the jobs they are of (each once,
    in the order they were given; a job slower than its period has several runs at once)."""

    minute: datetime
    running: int
    jobs: tuple[str, ...]


@dataclass(frozen=True)
class Peaks:
    """The busiest minutes from `start` over `days`, and the threshold they are measured by."""

    start: datetime
    days: int
    threshold: int
    from_policy: bool
    minutes: tuple[Peak, ...]


@dataclass
class _Group:
    names: list[str]
    starts: list[int]  # cron/at: the minute index of each fire; empty for rate
    step: int = 0  # rate: minutes between fires
    first: int = 0  # rate: the minute index of its first fire counted
    length: int = 1  # minutes each run occupies

    def running_at(self, minute: int) -> bool:
        if self.step:
            since = minute - self.first
            # the latest fire at or before the minute, first + k*step, started under length ago
            return since >= 0 and since % self.step < self.length
        index = bisect_right(self.starts, minute)
        return index > 0 and self.starts[index - 1] > minute - self.length


def busiest(
    loads: Iterable[Load], start: datetime, *, days: int = DEFAULT_DAYS, top: int = 1
) -> list[Peak]:
    """The `top` busiest minutes from `start` over `days`, most jobs first, then earliest."""
    origin = start.astimezone(UTC).replace(second=0, microsecond=0)
    width = days * 24 * 60
    groups = _groups(loads, origin, width)
    delta = [0] * (width + 1)
    started = {0}  # runs begun before the window are going on at its first minute
    for group in groups:
        weight, length = len(group.names), group.length
        fires = range(group.first, width, group.step) if group.step else group.starts
        for at in fires:
            end = at + length
            if end <= 0:
                continue
            begin = at if at > 0 else 0
            delta[begin] += weight
            started.add(begin)
            delta[end if end < width else width] -= weight
    counts = list(accumulate(delta[:width]))
    # The count rises only where runs start, so the busiest minutes are among those.
    candidates = [m for m in started if counts[m] > 0]
    candidates.sort(key=lambda m: (-counts[m], m))
    return [_peak(groups, origin, m, counts[m]) for m in candidates[:top]]


def _peak(groups: list[_Group], origin: datetime, minute: int, running: int) -> Peak:
    names = [n for g in groups if g.running_at(minute) for n in g.names]
    return Peak(origin + minute * MINUTE, running, tuple(names))


def _groups(loads: Iterable[Load], origin: datetime, width: int) -> list[_Group]:
    by_key: dict[tuple[Schedule, str, datetime | None, int], list[str]] = {}
    for load in loads:
        length = max(1, -(-int(load.runtime.total_seconds()) // 60))
        key = (load.schedule, load.timezone, load.anchor, length)
        by_key.setdefault(key, []).append(load.name)
    groups: list[_Group] = []
    for (schedule, tz, anchor, length), names in by_key.items():
        begin = origin - length * MINUTE  # fires after it may still run at the first minute
        spec = spec_for(schedule.aws_expression)
        if isinstance(spec, RateSpec) and schedule.also is None:
            fire = schedule.next_fire_times(begin, 1, tz, anchor)
            first = _index(fire[0], origin) if fire else width
            groups.append(_Group(names, [], max(1, spec.seconds // 60), first, length))
        else:
            end = origin + (width - 1) * MINUTE
            starts = [_index(f, origin) for f in schedule.fire_times(begin, end, tz, anchor)]
            groups.append(_Group(names, starts, 0, 0, length))
    return groups


def _index(instant: datetime, origin: datetime) -> int:
    return (instant - origin) // MINUTE
