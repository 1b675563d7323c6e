"""Run jobs in this process for local mode and `sched run`: the job's handler goes through the
same runtime wrapper as in Lambda, with a Lambda-like context, and the log events a Lambda with
the JSON log format would write go to the job's log group, where history reads them back.

`due_fires` and `tick` play the schedules forward for `sched local tick`; the caller keeps the
last tick time with `read_last_tick` / `write_last_tick`. A direct run is manual (`sched run`,
`sched trigger --local`); a tick's runs stand for fires of the schedule.
"""

from __future__ import annotations

import heapq
import json
import sys
import time
import traceback
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path
from typing import Any

from scheduler import compile as compiled
from scheduler import limits, naming
from scheduler.catalogue.model import Catalogue, Compute, Job
from scheduler.files import write_atomically
from scheduler.history import LogEvent, RunStatus
from scheduler.history.source import LogSink, log_group_of
from scheduler.ops.errors import CannotRun, LocalStateError, TooManyRuns
from scheduler.ops.events import scheduled_event
from scheduler.ops.handler_import import handler_root, resolver
from scheduler.ops.lambda_logs import Invocation, invocation_events, log_stream_name
from scheduler.runtime import execute, parse_time, utc_from_ms
from scheduler.schedule import ScheduleError, parse

MAX_TICK_RUNS = 1000
# CloudWatch Logs refuses events older than this; a tick stamps no run earlier.
LOG_MAX_AGE = timedelta(seconds=limits.LOGS_EVENT_MAX_AGE_SECONDS)
# A run's events are written when it ends, up to its timeout after it starts, plus this.
WRITE_MARGIN = timedelta(minutes=1)
# moto's default account and region: the ARN a local run's context reports.
LOCAL_ACCOUNT = "123456789012"
LOCAL_REGION = "us-east-1"

Clock = Callable[[], float]
"""Monotonic seconds (time.perf_counter): how long a run took, never what time it is."""
MemoryProbe = Callable[[], int]
"""Peak memory of this process in MB, reported as the run's Max Memory Used."""

_PLATFORM_STATUS = {"succeeded": "success", "failed": "failure", "timed_out": "timeout"}


def peak_memory_mb() -> int:
    """This process's peak resident memory (Lambda reports the sandbox's); 0 where unknown."""
    try:
        import resource
    except ImportError:  # Windows
        return 0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports kilobytes, macOS bytes.
    return int(peak / (1024 * 1024 if sys.platform == "darwin" else 1024))


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


@dataclass(frozen=True)
class RunOutcome:
    """One local run: what the wrapper recorded, and the log events written for it."""

    job: str
    request_id: str
    status: RunStatus
    scheduled_time: datetime | None
    start: datetime
    end: datetime
    duration: timedelta
    error_type: str | None
    error_message: str | None
    record: dict[str, Any]
    result: Any
    log_group: str
    log_stream: str
    events: tuple[LogEvent, ...]

    @property
    def ok(self) -> bool:
        return self.status is RunStatus.SUCCEEDED


def _handler_file(catalogue: Catalogue, job: Job) -> Path:
    if job.compute is Compute.FARGATE:
        raise CannotRun(
            f'job "{job.name}" runs on Fargate: sched runs Lambda handlers only',
            "start its ECS task with `aws ecs run-task`",
        )
    if job.handler_file is None:
        raise CannotRun(
            f'job "{job.name}" uses the existing function {job.function}: its code is not here',
            "run it in AWS with `sched run --remote`, or give the job a handler",
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
    function = naming.function_name(catalogue.name, job.name)
    return {
        **dict(job.environment),
        compiled.ENV_JOB: job.name,
        compiled.ENV_CATALOGUE: catalogue.name,
        compiled.ENV_HANDLER: f"{module}.{job.handler_function}",
        compiled.ENV_EXPECTED_RUNTIME_MS: str(_ms(job.expected_runtime)),
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
    memory_probe: MemoryProbe = peak_memory_mb,
    manual: bool = True,
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
    """
    path = _handler_file(catalogue, job)
    module, function_attr = path.stem, job.handler_function or "main"
    rid = request_id or str(uuid.uuid4())
    function = naming.function_name(catalogue.name, job.name)
    group, stream = log_group_of(function), log_stream_name(rid, now)
    event = scheduled_event(
        job, scheduled_time=scheduled_time or now, trigger_id=f"local-{rid}", manual=manual
    )
    timeout_s = job.timeout.total_seconds()
    origin, base = clock(), now.timestamp()
    readings: list[float] = []

    def wall() -> float:
        readings.append(base + (clock() - origin))
        return readings[-1]

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
    with handler_root(path.parent, module, _environment(catalogue, job, module, group, stream)):
        record, result, error = execute(
            lambda: resolver(module, function_attr),
            event,
            job=job.name,
            catalogue=catalogue.name,
            expected_runtime_ms=_ms(job.expected_runtime),
            request_id=rid,
            clock=wall,
            emit=lines.append,
            lambda_context=context,
            timeout_s=timeout_s if enforce_timeout else None,
            emit_start=started.append,
        )
    call = _invocation(
        job, request_id=rid, record=record, error=error, readings=readings, memory=memory_probe
    )
    timed_out = record["status"] == "timed_out"
    events = tuple(invocation_events(call, [] if timed_out else lines, stream, started=started))
    if sink is not None:
        sink.write(group, stream, events)
    if isinstance(error, KeyboardInterrupt):
        raise error
    status = RunStatus(record["status"])
    return RunOutcome(
        job=job.name,
        request_id=rid,
        status=status,
        scheduled_time=parse_time(record["scheduled_time"]),
        start=utc_from_ms(call.start_ms),
        end=utc_from_ms(call.end_ms),
        duration=timedelta(milliseconds=call.duration_ms),
        error_type=record["error_type"],
        error_message=record["error_message"],
        record=record,
        result=result,
        log_group=group,
        log_stream=stream,
        events=events,
    )


def _platform_duration(job: Job, record: dict[str, Any]) -> timedelta:
    # Lambda stops a timed-out invocation at exactly its timeout.
    if record["status"] == "timed_out":
        return job.timeout
    return timedelta(milliseconds=float(record["duration_ms"]))


def _invocation(
    job: Job,
    *,
    request_id: str,
    record: dict[str, Any],
    error: BaseException | None,
    readings: list[float],
    memory: MemoryProbe,
) -> Invocation:
    """What Lambda's platform saw of this run."""
    timed_out = record["status"] == "timed_out"
    start_ms = int(readings[0] * 1000)
    duration = _platform_duration(job, record)
    failed = record["status"] == "failed" and error is not None
    return Invocation(
        request_id=request_id,
        start_ms=start_ms,
        end_ms=start_ms + _ms(duration) if timed_out else int(readings[-1] * 1000),
        status=_PLATFORM_STATUS[record["status"]],
        duration_ms=duration.total_seconds() * 1000,
        memory_size_mb=job.memory,
        max_memory_used_mb=max(1, min(job.memory, memory())),
        error_type=record["error_type"] if failed else None,
        error_message=str(error) if failed else None,
        stack_trace=tuple(traceback.format_tb(error.__traceback__)) if failed and error else (),
    )


def _local_jobs(catalogue: Catalogue) -> Iterator[Job]:
    """Jobs a local tick runs: enabled, on Lambda, with their code in the catalogue."""
    for job in catalogue.jobs:
        if job.enabled and job.compute is Compute.LAMBDA and job.handler is not None:
            yield job


def _fires(job: Job, since: datetime, until: datetime) -> Iterator[tuple[datetime, str, Job]]:
    try:
        schedule = parse(job.schedule)
    except ScheduleError:
        return  # `sched validate` reports it; a tick runs what it can
    # Local mode has no deployment time: rate() counts from the epoch (on the hour, ...).
    for fire in schedule.fire_times(since, until, tz=job.timezone):
        yield fire, job.name, job


def _due(
    jobs: Iterable[Job],
    *,
    since: datetime,
    until: datetime,
    limit: int,
    starts: Mapping[str, datetime] | None = None,
) -> list[tuple[datetime, Job]]:
    """Fires in (since, until], each job's from the later of `since` and its `starts` entry."""
    merged = heapq.merge(
        *(_fires(job, max(since, (starts or {}).get(job.name, since)), until) for job in jobs),
        key=lambda item: (item[0], item[1]),
    )
    due = [(fire, job) for fire, _, job in islice(merged, limit + 1)]
    if len(due) > limit:
        raise TooManyRuns(
            f"more than {limit:,} runs are due between {_utc(since)} and {_utc(until)}",
            "tick a shorter span (an earlier --until), or move the last tick time forward",
        )
    return due


def due_fires(
    catalogue: Catalogue, *, since: datetime, until: datetime, limit: int = MAX_TICK_RUNS
) -> list[tuple[datetime, Job]]:
    """Every enabled local job's fire times in (since, until], in time order (then job name).

    Raises `TooManyRuns` when there are more than `limit`.
    """
    return _due(_local_jobs(catalogue), since=since, until=until, limit=limit)


def _utc(when: datetime) -> str:
    return f"{when.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def _run_start(fire: datetime, now: datetime, timeout: timedelta) -> datetime:
    """A tick's run of `fire` starts at the fire when that is past and its events, written when
    the run ends (up to `timeout` later), are still young enough for CloudWatch Logs; else now."""
    oldest = now - LOG_MAX_AGE + timeout + WRITE_MARGIN
    return fire if oldest < fire <= now else now


@dataclass(frozen=True)
class Ticked:
    """What one tick did: its runs in time order, and the jobs it skipped (due, not deployed).

    Iterating it (and `len`) goes over the runs, as the list `tick` used to return did.
    """

    outcomes: tuple[RunOutcome, ...]
    skipped: tuple[str, ...] = ()

    def __iter__(self) -> Iterator[RunOutcome]:
        return iter(self.outcomes)

    def __len__(self) -> int:
        return len(self.outcomes)


def tick(
    catalogue: Catalogue,
    sink: LogSink,
    *,
    since: datetime,
    until: datetime,
    now_fn: Callable[[], datetime],
    deployed: Mapping[str, datetime] | None = None,
    limit: int = MAX_TICK_RUNS,
    clock: Clock = time.perf_counter,
    memory_probe: MemoryProbe = peak_memory_mb,
    request_ids: Callable[[], str] | None = None,
) -> Ticked:
    """Run every fire due in (since, until] in time order, as fires of the schedule, and write
    their logs to `sink`.

    `deployed` maps the jobs whose function is deployed in the local AWS to when
    (`ops.deployments.deployment_times`); a due job not in it is skipped, not run, and no job
    runs a fire from before its deployment, as the real scheduler would not (None: run every
    job, every fire). Each run starts at its fire time when that has passed, so a run caught up late
    reads as on time; a fire still ahead of `now_fn()` (a tick to a later --until), or one too old
    for CloudWatch Logs (`LOG_MAX_AGE` less the job's timeout), runs and is stamped at `now_fn()`.
    """
    jobs = list(_local_jobs(catalogue))
    runnable = [job for job in jobs if deployed is None or job.name in deployed]
    skipped = tuple(
        job.name
        for job in jobs
        if deployed is not None
        and job.name not in deployed
        and next(_fires(job, since, until), None) is not None
    )
    outcomes = []
    for fire, job in _due(runnable, since=since, until=until, limit=limit, starts=deployed):
        outcomes.append(
            run_locally(
                catalogue,
                job,
                now=_run_start(fire, now_fn(), job.timeout),
                scheduled_time=fire,
                sink=sink,
                request_id=request_ids() if request_ids else None,
                clock=clock,
                memory_probe=memory_probe,
                manual=False,
            )
        )
    return Ticked(tuple(outcomes), skipped)


_LAST_TICK = "last_tick"


def read_last_tick(path: Path) -> datetime | None:
    """The time the last local tick ran up to; None before the first tick."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    value = parse_time(data.get(_LAST_TICK)) if isinstance(data, dict) else None
    if value is None:
        raise LocalStateError(
            f"{path} does not hold a last tick time",
            f'delete it to start ticking from now, or write {{"{_LAST_TICK}": "<ISO time>"}}',
        )
    return value


def write_last_tick(path: Path, when: datetime) -> None:
    """Record `when` atomically: a reader sees the old time or the new one, never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({_LAST_TICK: f"{when.astimezone(UTC):%Y-%m-%dT%H:%M:%S.%fZ}"}) + "\n"
    write_atomically(path, text.encode("utf-8"))
