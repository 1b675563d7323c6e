"""The event a job's deployed target sends its function, built for a given scheduled time.

The shape comes from scheduler/event_shape.py, the builder compile uses for the rule's input
template and the schedule's input; here it is filled with real values, as EventBridge would.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from scheduler.catalogue.model import Job
from scheduler.event_shape import job_event


def event_time(when: datetime) -> str:
    """EventBridge's event `time` (and Scheduler's scheduled time): whole seconds, `Z`."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def scheduled_event(
    job: Job, *, scheduled_time: datetime, trigger_id: str, manual: bool = False
) -> dict[str, Any]:
    """The event `job`'s schedule sends for the fire at `scheduled_time`; with `manual`, marked
    as a run started by hand (`sched run`, `sched trigger`), which is not a fire."""
    return job_event(
        job.backend,
        job=job.name,
        job_input=job.input,
        scheduled_time=event_time(scheduled_time),
        trigger_id=trigger_id,
        manual=manual,
    )
