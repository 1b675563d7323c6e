"""`sched peaks`: the busiest minutes of a checked catalogue and the jobs running in them.

Offline: the schedule engine's fire times and each Lambda job's expected runtime
(`scheduler.schedule.peaks`), against the threshold SCH225 warns past.
"""

from __future__ import annotations

from datetime import datetime

from scheduler.catalogue.model import Catalogue
from scheduler.rules.concurrency_rules import loads, threshold
from scheduler.schedule import Schedule, ScheduleError, parse
from scheduler.schedule.peaks import Peaks, busiest


def peaks(catalogue: Catalogue, *, start: datetime, days: int, top: int) -> Peaks:
    schedules: dict[str, Schedule | ScheduleError] = {}
    for job in catalogue.jobs:
        try:
            schedules[job.name] = parse(job.schedule)
        except ScheduleError as error:
            schedules[job.name] = error
    found = busiest(loads(catalogue, schedules), start, days=days, top=top)
    return Peaks(
        start,
        days,
        threshold(catalogue),
        catalogue.policy.max_concurrent_jobs is not None,
        tuple(found),
    )
