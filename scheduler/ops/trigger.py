"""`sched trigger`: start a job's function now, with the event its schedule would send, marked
manual (in AWS: an asynchronous invoke; in local mode: a run here, of a deployed job only).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from scheduler.catalogue.model import Catalogue, Job
from scheduler.history.source import Invoker, LogSink
from scheduler.ops.deployments import deployed_function
from scheduler.ops.errors import CannotRun
from scheduler.ops.events import scheduled_event
from scheduler.ops.local_runs import RunOutcome, run_locally
from scheduler.ops.targets import function_name_of
from scheduler.resources import canonical_json


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
    """Invoke `job`'s function asynchronously with the event its schedule would send at `now`,
    marked manual: the wrapper logs the run as `manual`, and history never takes it for a fire.
    The event id is `sched-run-<uuid>` unless `trigger_id` is given.
    """
    function = function_name_of(catalogue, job)
    if function is None:
        raise CannotRun(
            f'job "{job.name}" runs on Fargate: sched triggers Lambda functions only',
            "start its ECS task with `aws ecs run-task`",
        )
    event_id = trigger_id or f"sched-run-{uuid.uuid4()}"
    event = scheduled_event(job, scheduled_time=now, trigger_id=event_id, manual=True)
    payload = canonical_json(event)
    request_id = invoker.invoke_async(function, payload)
    return Triggered(job=job.name, function=function, payload=payload, request_id=request_id)


def trigger_locally(
    catalogue: Catalogue,
    job: Job,
    sink: LogSink,
    *,
    now: datetime,
    deployed: Collection[str],
    request_id: str | None = None,
) -> RunOutcome:
    """`sched trigger --local`: run `job` here as a manual start of its function in the local
    AWS, its logs written to `sink`. `deployed` names the jobs whose function is deployed there
    (the keys of `ops.deployments.deployment_times`).

    Raises `CannotRun` when sched deploys the job's function but it is not deployed (nothing to
    trigger), and as `run_locally` does when the job has no handler here.
    """
    if deployed_function(catalogue, job) is not None and job.name not in deployed:
        raise CannotRun(
            f'job "{job.name}" is not deployed to the local AWS: it has no function to trigger',
            "deploy it with `sched apply --local`, or run its handler with `sched run --local`",
        )
    return run_locally(catalogue, job, now=now, sink=sink, request_id=request_id, manual=True)
