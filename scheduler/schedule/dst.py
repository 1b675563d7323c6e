"""Fires that daylight-saving changes skip (spring-forward gap) or collapse (repeated hour).

EventBridge Scheduler skips a local time that does not exist and runs a repeated one once:
https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#daylist-savings-time
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from itertools import takewhile
from typing import Literal, assert_never

from scheduler.schedule.engine import walls_from
from scheduler.schedule.spec import AtSpec, CronSpec, RateSpec, Spec
from scheduler.schedule.zones import transitions, zone


@dataclass(frozen=True)
class DstEvent:
    """A wall-clock fire time (naive, in the schedule's zone) that DST skips or repeats."""

    local_time: datetime
    kind: Literal["skipped", "repeated"]


def dst_events(spec: Spec, start: datetime, end: datetime, tz: str) -> list[DstEvent]:
    """Events of the zone's offset changes whose instant lies in [start, end)."""
    tzinfo = zone(tz)
    if isinstance(spec, RateSpec):  # rate() counts real time; DST does not touch it
        return []
    events: list[DstEvent] = []
    for change in transitions(tzinfo, start, end):
        low, high = sorted((change.wall_before, change.wall_after))
        kind: Literal["skipped", "repeated"] = (
            "skipped" if change.after > change.before else "repeated"
        )
        events.extend(DstEvent(wall, kind) for wall in _walls(spec, low, high))
    return events


def _walls(spec: CronSpec | AtSpec, low: datetime, high: datetime) -> list[datetime]:
    match spec:
        case CronSpec():
            return list(takewhile(lambda wall: wall < high, walls_from(spec, low)))
        case AtSpec():
            return [spec.local] if low <= spec.local < high else []
        case _:
            assert_never(spec)
