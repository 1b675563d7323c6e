"""The event a job's deployed target sends its function, built for a given scheduled time.

It mirrors what compile configures (scheduler/compile.py `_rule_input`, `_scheduler_input`):
a rule fills `{"sched": {job, scheduled_time, event_id}, "input": ...}` from the EventBridge
event; Scheduler fills `{"sched": {job, scheduled_time, execution_id, attempt}, "input": ...}`,
with the attempt number as text. The runtime wrapper reads both (scheduler/runtime.py).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any, assert_never

from scheduler.catalogue.model import Backend, Job


def event_time(when: datetime) -> str:
    """EventBridge's event `time` (and Scheduler's scheduled time): whole seconds, `Z`."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def scheduled_event(job: Job, *, scheduled_time: datetime, trigger_id: str) -> dict[str, Any]:
    """The event `job`'s schedule sends for the fire at `scheduled_time`."""
    sched: dict[str, Any] = {"job": job.name, "scheduled_time": event_time(scheduled_time)}
    match job.backend:
        case Backend.RULES:
            sched["event_id"] = trigger_id
        case Backend.SCHEDULER:
            sched["execution_id"] = trigger_id
            sched["attempt"] = "1"
        case _:
            assert_never(job.backend)
    return {"sched": sched, "input": job.input or {}}


def event_payload(event: dict[str, Any]) -> str:
    """The event as the JSON text an invocation carries (keys sorted, no spaces)."""
    return json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
