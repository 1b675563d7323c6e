"""`sched run --remote`: invoke a deployed job now, with the event its schedule would send."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from scheduler.catalogue.model import Catalogue, Job
from scheduler.history.source import Invoker
from scheduler.ops.errors import CannotRun
from scheduler.ops.events import event_payload, scheduled_event
from scheduler.ops.targets import function_name_of


@dataclass(frozen=True)
class Triggered:
    """An asynchronous invocation sent: its function, payload and AWS request id (if told)."""

    job: str
    function: str
    payload: str
    request_id: str | None


def trigger(
    catalogue: Catalogue,
    job: Job,
    invoker: Invoker,
    *,
    now: datetime,
    trigger_id: str | None = None,
) -> Triggered:
    """Invoke `job`'s function asynchronously as if its schedule fired at `now`.

    The event id is `sched-run-<uuid>` so that a manual start can be told apart in the logs.
    """
    function = function_name_of(catalogue, job)
    if function is None:
        raise CannotRun(
            f'job "{job.name}" runs on Fargate: sched triggers Lambda functions only',
            "start its ECS task with `aws ecs run-task`",
        )
    event_id = trigger_id or f"sched-run-{uuid.uuid4()}"
    payload = event_payload(scheduled_event(job, scheduled_time=now, trigger_id=event_id))
    request_id = invoker.invoke_async(function, payload)
    return Triggered(job=job.name, function=function, payload=payload, request_id=request_id)
