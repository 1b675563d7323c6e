"""The compiled form of a schedule: what the fire-time engine, describe and min_interval read.

A spec is derived from the AWS expression alone, so two schedules with the same
`aws_expression` behave identically whatever dialect they were written in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from scheduler.schedule.days import DayRule, possible_in

RateUnit = Literal["minute", "hour", "day"]
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


@dataclass(frozen=True)
class CronSpec:
    """Field sets of an AWS cron expression, evaluated on a wall clock."""

    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    day: DayRule
    months: tuple[int, ...]  # as written (for describe)
    years: tuple[int, ...]  # ascending, within 1970-2199
    fire_months: tuple[int, ...] = field(init=False)  # months in which `day` can select a day
    times: tuple[int, ...] = field(init=False)  # minutes since midnight, ascending

    def __post_init__(self) -> None:
        fire = tuple(m for m in self.months if possible_in(self.day, m))
        object.__setattr__(self, "fire_months", fire)
        times = tuple(h * 60 + m for h in self.hours for m in self.minutes)
        object.__setattr__(self, "times", times)


@dataclass(frozen=True)
class RateSpec:
    """`rate(value unit)`: a fixed interval from the anchor (the deployment time)."""

    value: int
    unit: RateUnit

    @property
    def seconds(self) -> int:
        return self.value * _UNIT_SECONDS[self.unit]


@dataclass(frozen=True)
class AtSpec:
    """`at(yyyy-mm-ddThh:mm:ss)`: one wall-clock time in the schedule's zone."""

    local: datetime  # naive


Spec = CronSpec | RateSpec | AtSpec
