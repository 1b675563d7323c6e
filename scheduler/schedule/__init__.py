"""Schedule expressions: the only part of sched that knows cron.

`parse` reads AWS cron/rate/at, Unix cron and @presets into a `Schedule`, which knows its
EventBridge expression, its fire times in any IANA zone, its DST traps and its words.
"""

from __future__ import annotations

from scheduler.schedule.dst import DstEvent
from scheduler.schedule.errors import ScheduleError
from scheduler.schedule.model import Schedule
from scheduler.schedule.parser import parse
from scheduler.schedule.zones import is_known_timezone

__all__ = ["DstEvent", "Schedule", "ScheduleError", "is_known_timezone", "parse"]
