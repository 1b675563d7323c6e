"""Run a job's handler in this process, as Lambda would run its function: the same runtime
wrapper, a Lambda-like context and environment, and the log events a Lambda with the JSON log
format writes, sent to the job's log group where history reads them back. Used by local mode
and `sched run`. A direct run is manual (`sched run`, `sched trigger --local`); a tick's runs
(`local/tick.py`) stand for fires of the schedule.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
import traceback
import uuid
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from scheduler import naming
from scheduler.access import not_allowed, suggested_entry, whose_role
from scheduler.catalogue.model import Catalogue, Compute, Job
from scheduler.errors import CannotRun
from scheduler.history.model import RunOutcome, RunStatus
from scheduler.history.targets import deployed_function
from scheduler.local.enforce import Access, AccessFor, has_own_role
from scheduler.local.handler_import import handler_root, resolver
from scheduler.local.handler_output import LOG_LEVEL_VARIABLE, captured_output
from scheduler.local.lambda_logs import Invocation, invocation_events, log_stream_name
from scheduler.package import shared_folders
from scheduler.permissions import role_mates
from scheduler.ports import LogSink
from scheduler.runtime.contract import (
    ENV_CATALOGUE,
    ENV_EXPECTED_RUNTIME_MS,
    ENV_HANDLER,
    ENV_JOB,
    ENV_SECRETS,
    FAILED,
    TIMED_OUT,
    RunRecord,
    event_time,
    job_event,
    utc_from_ms,
)
from scheduler.runtime.wrapper import JobFunction, execute, load_secrets

# moto's default account and region: the ARN a local run's context reports.
LOCAL_ACCOUNT = "123456789012"
LOCAL_REGION = "us-east-1"

Clock = Callable[[], float]
"""Monotonic seconds (time.perf_counter): how long a run took, never what time it is."""
MemoryProbe = Callable[[], int | None]
"""The run's Max Memory Used in MB, or None where nothing can measure it."""

_PLATFORM_STATUS = {"succeeded": "success", "failed": "failure", "timed_out": "timeout"}


def no_memory_reading() -> int | None:
    """Lambda reports its sandbox's peak memory; a local run shares its process with sched, moto
    and boto3, whose peak says nothing of the handler's, so it reports none."""
    return None


@dataclass(frozen=True)
class LocalContext:
    """The attributes and method of Lambda's Python context object that handlers use."""

    function_name: str
    invoked_function_arn: str
    memory_limit_in_mb: str
    aws_request_id: str
    log_group_name: str
    log_stream_name: str
    deadline: float
    clock: Clock
    function_version: str = "$LATEST"
    identity: Any = None
    client_context: Any = None

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.deadline - self.clock()) * 1000))


def _handler_file(catalogue: Catalogue, job: Job) -> Path:
    if job.compute is Compute.FARGATE:
        raise CannotRun(
            f'job "{job.name}" runs on Fargate: sched runs Lambda handlers only',
            "start its ECS task with `aws ecs run-task`",
        )
    if job.handler_file is None:
        raise CannotRun(
            f'job "{job.name}" uses the existing function {job.function}: its code is not here',
            f"start it in AWS with `sched trigger {job.name}`, or give the job a handler",
        )
    path = catalogue.base_dir / job.handler_file
    if not path.is_file():
        raise CannotRun(
            f'job "{job.name}": handler file {job.handler_file} does not exist',
            f"create it, or fix `handler:` (relative to {catalogue.base_dir})",
        )
    return path


def _environment(
    catalogue: Catalogue, job: Job, module: str, group: str, stream: str
) -> dict[str, str]:
    function = naming.function_name(catalogue.prefix, job.name)
    return {
        **dict(job.environment),
        ENV_JOB: job.name,
        ENV_CATALOGUE: catalogue.prefix,
        ENV_HANDLER: f"{module}.{job.handler_function}",
        ENV_EXPECTED_RUNTIME_MS: str(_ms(job.expected_runtime)),
        **({ENV_SECRETS: json.dumps(dict(job.secrets))} if job.secrets else {}),
        "AWS_LAMBDA_FUNCTION_NAME": function,
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(job.memory),
        "AWS_LAMBDA_LOG_GROUP_NAME": group,
        "AWS_LAMBDA_LOG_STREAM_NAME": stream,
    }


def _ms(value: timedelta) -> int:
    return round(value.total_seconds() * 1000)


def run_locally(
    catalogue: Catalogue,
    job: Job,
    *,
    now: datetime,
    scheduled_time: datetime | None = None,
    sink: LogSink | None = None,
    request_id: str | None = None,
    enforce_timeout: bool = True,
    clock: Clock = time.perf_counter,
    output_clock: Clock = time.perf_counter,
    memory_probe: MemoryProbe = no_memory_reading,
    manual: bool = True,
    access_for: AccessFor | None = None,
    deploy: str | None = None,
) -> RunOutcome:
    """Run `job` once, starting at `now` (its start and log times count from it), with the event
    its schedule sends for `scheduled_time` (default `now`); with `sink`, write the log events a
    Lambda would. Never raises for the job's own failure; raises `CannotRun` when the job has no
    handler here.

    A run is `manual` (logged as such, never taken for a fire) unless it stands for a fire of the
    schedule, as a tick's runs do (`manual=False`).

    With `enforce_timeout` the run stops being waited for at the job's timeout (the thread may
    go on, Python cannot stop it) and, as in Lambda, the wrapper's run line is not logged (its
    start line is).

    `deploy` is the SCHED_DEPLOY of the job's function in the local AWS: the wrapper writes it
    into its lines as the deployed function's would, and history believes only such lines.

    What the handler prints and logs goes to the run's log stream, as in Lambda, never to
    sched's own output; `output_clock` (the same clock as `clock`, but for its own readings)
    says when each line was written.
    """
    path = _handler_file(catalogue, job)
    module, function_attr = path.stem, job.handler_function or "main"
    rid = request_id or str(uuid.uuid4())
    function = naming.function_name(catalogue.prefix, job.name)
    group = naming.log_group_name(catalogue.prefix, job.name)
    stream = log_stream_name(rid, now, function)
    event = job_event(
        job.backend,
        job=job.name,
        job_input=job.input,
        scheduled_time=event_time(scheduled_time or now),
        trigger_id=f"local-{rid}",
        manual=manual,
    )
    timeout_s = job.timeout.total_seconds()
    origin, base = clock(), now.timestamp()
    readings: list[float] = []

    def wall() -> float:
        readings.append(base + (clock() - origin))
        return readings[-1]

    def written() -> float:
        return base + (output_clock() - origin)

    context = LocalContext(
        function_name=function,
        invoked_function_arn=naming.function_arn(LOCAL_REGION, LOCAL_ACCOUNT, function),
        memory_limit_in_mb=str(job.memory),
        aws_request_id=rid,
        log_group_name=group,
        log_stream_name=stream,
        deadline=origin + timeout_s,
        clock=clock,
    )
    started: list[str] = []
    lines: list[str] = []
    with contextlib.ExitStack() as stack:
        environment = _environment(catalogue, job, module, group, stream)
        access = None
        if access_for is not None and has_own_role(job):
            # The job's own permissions, enforced: a run that works here works on AWS.
            access = stack.enter_context(access_for(job))
            environment.update(access.environment)
        shared = shared_folders(job, catalogue.base_dir)
        stack.enter_context(handler_root(path.parent, module, environment, shared))
        if access is not None:
            stack.enter_context(access.enforced())
        output = stack.enter_context(
            captured_output(
                request_id=rid, log_level=environment.get(LOG_LEVEL_VARIABLE), wall=written
            )
        )
        executed = execute(
            lambda: _with_secrets(lambda: resolver(module, function_attr)),
            event,
            job=job.name,
            catalogue=catalogue.prefix,
            expected_runtime_ms=_ms(job.expected_runtime),
            request_id=rid,
            clock=wall,
            emit=lines.append,
            lambda_context=context,
            timeout_s=timeout_s if enforce_timeout else None,
            emit_start=started.append,
            deploy=deploy,
        )
    record, error = executed.record, executed.error
    call = _invocation(
        job, request_id=rid, record=record, error=error, readings=readings, memory=memory_probe
    )
    timed_out = record.status == TIMED_OUT
    printed = [(line.timestamp_ms, line.text) for line in output.lines]
    events = tuple(
        invocation_events(
            call, [] if timed_out else lines, stream, started=started, printed=printed
        )
    )
    if sink is not None:
        sink.write(group, stream, events)
    if isinstance(error, KeyboardInterrupt):
        raise error
    line = record.line()
    return RunOutcome(
        job=job.name,
        request_id=rid,
        status=RunStatus(record.status),
        scheduled_time=record.scheduled_time,
        start=utc_from_ms(call.start_ms),
        end=utc_from_ms(call.end_ms),
        duration=timedelta(milliseconds=call.duration_ms),
        error_type=record.error_type,
        error_message=line["error_message"],
        record=line,
        result=executed.result,
        log_group=group,
        log_stream=stream,
        events=events,
        hint=_permission_hint(catalogue, job, access) if record.status == FAILED else None,
        traceback=(
            handler_traceback(error, catalogue.base_dir, path.parent, *shared.values())
            if record.status == FAILED
            else None
        ),
    )


def handler_traceback(
    error: BaseException | None, base: Path, folder: Path, *shared: Path
) -> str | None:
    """The frames of `error` in the job's own code (files under its handler `folder` and its
    `shared` code folders, what its package ships, named relative to the catalogue's `base`),
    in Python's layout without its column markers; None when none of them is the job's."""
    if error is None:
        return None
    root, own = base.resolve(), [f.resolve() for f in (folder, *shared)]
    lines = []
    for frame in traceback.extract_tb(error.__traceback__):
        file = Path(frame.filename).resolve()
        if not any(file.is_relative_to(o) for o in own):
            # sched's wrapper, the standard library, an installed package: also when they
            # live under the catalogue's folder (the README puts .venv there).
            continue
        where = file.relative_to(root) if file.is_relative_to(root) else file
        lines.append(f'  File "{where.as_posix()}", line {frame.lineno}, in {frame.name}\n')
        if frame.line:
            lines.append(f"    {frame.line.strip()}\n")
    return "".join(["Traceback (most recent call last):\n", *lines]) if lines else None


def _with_secrets(resolve: Callable[[], JobFunction]) -> JobFunction:
    """As in Lambda: the job's secrets are read into the environment before its module is
    imported (each local run reads them afresh)."""
    load_secrets(os.environ, cache={})
    return resolve()


def _permission_hint(catalogue: Catalogue, job: Job, access: Access | None) -> str | None:
    """What to add to the job's `permissions:` for the first call its role refused."""
    if access is None or not access.refusals:
        return None
    refusal = access.refusals[0]
    role, after = whose_role(role_mates(catalogue).get(job.name, ()))
    return (
        f"{role} does not allow {' and '.join(not_allowed(refusal, access.statements))}; add to job"
        f' "{job.name}" in {catalogue.path.name}, under permissions: {suggested_entry(refusal)}'
        f"{after}"
    )


def _platform_duration(job: Job, record: RunRecord) -> timedelta:
    # Lambda stops a timed-out invocation at exactly its timeout.
    if record.status == TIMED_OUT:
        return job.timeout
    return timedelta(milliseconds=record.duration_ms)


def _invocation(
    job: Job,
    *,
    request_id: str,
    record: RunRecord,
    error: BaseException | None,
    readings: list[float],
    memory: MemoryProbe,
) -> Invocation:
    """What Lambda's platform saw of this run."""
    timed_out = record.status == TIMED_OUT
    start_ms = int(readings[0] * 1000)
    duration = _platform_duration(job, record)
    failed = record.status == FAILED and error is not None
    return Invocation(
        request_id=request_id,
        start_ms=start_ms,
        end_ms=start_ms + _ms(duration) if timed_out else int(readings[-1] * 1000),
        status=_PLATFORM_STATUS[record.status],
        duration_ms=duration.total_seconds() * 1000,
        memory_size_mb=job.memory,
        max_memory_used_mb=None if (used := memory()) is None else max(1, min(job.memory, used)),
        error_type=record.error_type if failed else None,
        error_message=str(error) if failed else None,
        stack_trace=tuple(traceback.format_tb(error.__traceback__)) if failed and error else (),
    )


def trigger_locally(
    catalogue: Catalogue,
    job: Job,
    sink: LogSink,
    *,
    now: datetime,
    deployed: Collection[str],
    request_id: str | None = None,
    access_for: AccessFor | None = None,
    deploy: str | None = None,
) -> RunOutcome:
    """`sched trigger --local`: run `job` here as a manual start of its function in the local
    AWS, its logs written to `sink`. `deployed` names the jobs whose function is deployed there
    (the keys of `history.targets.deployment_times`); `deploy` is as in `run_locally`.

    Raises `CannotRun` when sched deploys the job's function but it is not deployed (nothing to
    trigger), and as `run_locally` does when the job has no handler here.
    """
    if deployed_function(catalogue, job) is not None and job.name not in deployed:
        # The commands run as printed: in an environment's local AWS, with its --env.
        env = f" --env {catalogue.environment_name}" if catalogue.environment_name else ""
        raise CannotRun(
            f'job "{job.name}" is not deployed to the local AWS: it has no function to trigger',
            f"deploy it with `sched apply --local{env}`, or run its handler with "
            f"`sched run {job.name} --local{env}`",
        )
    return run_locally(
        catalogue,
        job,
        now=now,
        sink=sink,
        request_id=request_id,
        manual=True,
        access_for=access_for,
        deploy=deploy,
    )
