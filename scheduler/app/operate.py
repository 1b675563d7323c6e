"""The run wing composed: history and status read through the log ports, `sched run` and
`sched trigger` start a job, and the local tick plays the schedules forward. Arguments are
checked before anything connects; the caller passes `now`.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from scheduler import naming
from scheduler.app.alerts import Health, watch_locally, watcher_health
from scheduler.app.connect import Connection, connect, lambda_endpoint, local_dir
from scheduler.app.log_path import LogPath, log_groups, log_source
from scheduler.canonical import canonical_json
from scheduler.catalogue.model import Catalogue, Job
from scheduler.errors import CannotRun
from scheduler.history.logs import Attributor, LogLine, attribute
from scheduler.history.model import RunOutcome
from scheduler.history.read import History, history_for, parse_status_filter, select_jobs
from scheduler.history.status import DEFAULT_WINDOW, StatusRow, status_for
from scheduler.history.targets import (
    bindings,
    deployed_function,
    function_name_of,
    job_deployments,
    legacy_log_group_for,
    log_group_for,
)
from scheduler.permissions import role_mates
from scheduler.ports import FunctionTags, Invoker
from scheduler.resources import LIVE_ALIAS
from scheduler.runtime.contract import event_time, job_event

if TYPE_CHECKING:
    from scheduler.aws import AwsContext
    from scheduler.local.enforce import Access, AccessFor
    from scheduler.local.tick import Ticked
    from scheduler.watch.watcher import Pass

LAST_TICK_FILE = "last_tick.json"
# `sched logs --follow` polls FilterLogEvents this often (StartLiveTail needs a streaming
# session moto does not offer; polling works on both).
FOLLOW_INTERVAL_S = 2.0
# The first tick looks back this far (never before a job was deployed).
FIRST_TICK_LOOKBACK = timedelta(days=1)


def last_tick_path(catalogue_path: Path, environment: str | None = None) -> Path:
    """Where the local tick keeps the time it last ran fires up to."""
    return local_dir(catalogue_path, environment) / LAST_TICK_FILE


def find_job(catalogue: Catalogue, name: str) -> Job:
    """The job called `name`; `UnknownJob` (with the catalogue's job names) when none is."""
    [found] = select_jobs(catalogue, [name])
    return found


def legacy_groups(
    catalogue: Catalogue, aws: AwsContext, *, since: datetime, deployed: Mapping[str, datetime]
) -> set[str]:
    """Lambda's default groups of the catalogue's functions that exist, where their runs from
    before they had groups of their own are: listed once, by the scope's prefix, and only when
    the window reaches back before a function's last deployment (the move was one) or a
    function is not deployed (its old runs still show)."""
    functions = {j.name for j in catalogue.jobs if deployed_function(catalogue, j) is not None}
    if all(job in deployed and deployed[job] <= since for job in functions):
        return set()
    store = aws.log_groups
    assert store is not None, "every AWS context reads log groups"
    ours = {g for j in catalogue.jobs if (g := legacy_log_group_for(catalogue, j)) is not None}
    return store.names(naming.lambda_log_group_prefix(catalogue.prefix)) & ours


def history(
    catalogue: Catalogue,
    connection: Connection,
    *,
    now: datetime,
    since: datetime,
    until: datetime | None,
    jobs: Collection[str] | None,
    statuses: Collection[str] | None,
    grace: timedelta,
    logs: LogPath = LogPath.AUTO,
) -> History:
    """Each selected job's runs in (since, until], read from AWS (or the local AWS) by the
    `logs` path."""
    if statuses is not None:
        parse_status_filter(statuses)  # a bad --status is a usage error before any AWS call
    selected = select_jobs(catalogue, jobs or None)
    with connect(connection, catalogue.path) as aws:
        found = job_deployments(catalogue, aws.deployments)
        deployed = {job: d.at for job, d in found.items()}
        read = history_for(
            catalogue,
            log_source(aws, logs, catalogue, len(log_groups(catalogue, selected))),
            now=now,
            since=since,
            until=until,
            jobs=jobs or None,
            statuses=statuses,
            grace=grace,
            deployed=deployed,
            bindings=bindings(found),
            legacy=legacy_groups(catalogue, aws, since=since, deployed=deployed),
        )
        return replace(read, role_mates=role_mates(catalogue))


@dataclass(frozen=True)
class Status:
    """`sched status`: every job's row, most urgent first, and the alert watcher's own health
    (None when the catalogue has no watcher)."""

    rows: list[StatusRow]
    watcher: Health | None


def status(
    catalogue: Catalogue,
    connection: Connection,
    *,
    now: datetime,
    window: timedelta = DEFAULT_WINDOW,
    logs: LogPath = LogPath.AUTO,
) -> Status:
    """Every job's status over (now - window, now], most urgent first, read by the `logs` path,
    and the watcher's health, all through one connection. The watcher is a job of sched's own:
    one that stopped, or whose channel refuses, would otherwise tell nobody."""
    with connect(connection, catalogue.path) as aws:
        found = job_deployments(catalogue, aws.deployments)
        deployed = {job: d.at for job, d in found.items()}
        rows = status_for(
            catalogue,
            log_source(aws, logs, catalogue, len(log_groups(catalogue, catalogue.jobs))),
            now=now,
            window=window,
            deployed=deployed,
            bindings=bindings(found),
            role_mates=role_mates(catalogue),
            legacy=legacy_groups(catalogue, aws, since=now - window, deployed=deployed),
        )
        return Status(rows, watcher_health(catalogue, aws, now=now))


def run(
    catalogue: Catalogue,
    job: Job,
    connection: Connection,
    *,
    now: datetime,
    scheduled_time: datetime | None = None,
) -> RunOutcome:
    """`sched run`: on AWS, the deployed function invoked now and waited for (`run_deployed`);
    locally, the job's handler here, through the wrapper, its log lines written to the local
    AWS. Either way the run is manual, and history reads it from the job's log group."""
    from scheduler.local.invoke import run_locally

    with connect(connection, catalogue.path) as aws:
        if not aws.local:
            known = job_deployments(catalogue, aws.deployments)
            if deployed_function(catalogue, job) is not None and job.name not in known:
                env = f" --env {catalogue.environment_name}" if catalogue.environment_name else ""
                raise CannotRun(
                    f'job "{job.name}" is not deployed: it has no function to run',
                    f"deploy it with `sched apply {catalogue.path.name}{env}`,"
                    f" or run its handler locally with `sched run {job.name} --local{env}`",
                )
            refuse_unowned(catalogue, job, aws.function_tags)
            return run_deployed(catalogue, job, aws.invoker, now=now, scheduled_time=scheduled_time)
        deployed = job_deployments(catalogue, aws.deployments).get(job.name)
        return run_locally(
            catalogue,
            job,
            now=now,
            scheduled_time=scheduled_time,
            sink=aws.sink,
            access_for=_own_permissions(catalogue, aws),
            deploy=deployed.deploy if deployed else None,
        )


def refuse_unowned(catalogue: Catalogue, job: Job, deployments: FunctionTags) -> None:
    """Before sched invokes the function it deploys for `job`: a function with that name that
    sched did not create for this catalogue (its tags say whose it is) is someone else's, and
    never run with the job's input. A `function:` job names its function on purpose."""
    function = deployed_function(catalogue, job)
    if function is None:
        return
    tags = deployments.tags_of(function)
    if tags is not None and not naming.owns(
        function, tags, catalogue.name, catalogue.environment_name
    ):
        raise CannotRun(
            f"function {function} exists but was not created by sched for catalogue "
            f'"{catalogue.name}": sched does not invoke it for job "{job.name}"',
            "rename the job, or remove or rename that function; `sched plan` lists the names"
            " that are taken",
        )


def _manual_event(job: Job, when: datetime, trigger_id: str | None) -> str:
    """The event the job's schedule would send at `when`, marked manual: the wrapper logs the
    run as `manual`, and history never takes it for a fire."""
    event = job_event(
        job.backend,
        job=job.name,
        job_input=job.input,
        scheduled_time=event_time(when),
        trigger_id=trigger_id or f"sched-run-{uuid.uuid4()}",
        manual=True,
    )
    return canonical_json(event)


def _lambda_function(catalogue: Catalogue, job: Job) -> str:
    function = function_name_of(catalogue, job)
    if function is None:
        raise CannotRun(
            f'job "{job.name}" runs on Fargate: sched starts Lambda functions only',
            "start its ECS task with `aws ecs run-task`",
        )
    return function


def _invoked(job: Job, function: str) -> str:
    """What the job's schedule invokes: a versioned job's `live` alias, so that a manual run
    runs the same code under the alias's own invoke config (as compile targets it)."""
    versioned = job.versions is not None and job.function is None and job.handler is not None
    return f"{function}:{LIVE_ALIAS}" if versioned else function


def run_deployed(
    catalogue: Catalogue,
    job: Job,
    invoker: Invoker,
    *,
    now: datetime,
    scheduled_time: datetime | None = None,
) -> RunOutcome:
    """Invoke `job`'s deployed function synchronously with its manual event (scheduled at
    `scheduled_time`, default `now`) and read the outcome from Lambda's answer and log tail."""
    from scheduler.history.invocation import invocation_outcome

    function = _lambda_function(catalogue, job)
    invoked = invoker.invoke_sync(
        _invoked(job, function), _manual_event(job, scheduled_time or now, None)
    )
    group = log_group_for(catalogue, job) or naming.lambda_log_group(function)
    return invocation_outcome(invoked, job.name, function=function, log_group=group, now=now)


def _log_group(catalogue: Catalogue, job: Job) -> str:
    group = log_group_for(catalogue, job)
    if group is None:
        raise CannotRun(
            f'job "{job.name}" runs on Fargate: sched reads Lambda logs only',
            "read its task's logs where its task definition sends them",
        )
    return group


def _ms(when: datetime) -> int:
    return int(when.timestamp() * 1000)


def job_logs(
    catalogue: Catalogue, job: Job, connection: Connection, *, since: datetime, until: datetime
) -> list[LogLine]:
    """`sched logs`: the lines of `job`'s log group in [since, until], each with its run, and
    those of the group its function logged to before it had its own, when that one exists."""
    group = _log_group(catalogue, job)
    old = legacy_log_group_for(catalogue, job)
    with connect(connection, catalogue.path) as aws:
        events = list(aws.logs.events(group, _ms(since), _ms(until) + 1))
        if old is not None and aws.log_groups is not None and old in aws.log_groups.names(old):
            events += aws.logs.events(old, _ms(since), _ms(until) + 1)
            events.sort(key=lambda e: e.timestamp_ms)
        return attribute(events)


def follow_logs(
    catalogue: Catalogue,
    job: Job,
    connection: Connection,
    *,
    since: datetime,
    clock: Callable[[], datetime],
    sleep: Callable[[float], object],
    interval: float = FOLLOW_INTERVAL_S,
) -> Iterator[list[LogLine]]:
    """`sched logs --follow`: the lines since `since`, then each poll's new ones (FilterLogEvents
    every `interval` seconds, connecting afresh each time, so a local run another process
    writes is seen). Events of the last millisecond read are read again and left out if seen:
    CloudWatch Logs may deliver more events with that timestamp later."""
    group = _log_group(catalogue, job)
    attributor = Attributor()
    start, seen = _ms(since), set[tuple[str, str]]()
    while True:
        with connect(connection, catalogue.path) as aws:
            events = list(aws.logs.events(group, start, _ms(clock()) + 1))
        fresh = [
            e for e in events if e.timestamp_ms > start or (e.log_stream, e.message) not in seen
        ]
        if events:
            last = max(e.timestamp_ms for e in events)
            seen = {(e.log_stream, e.message) for e in events if e.timestamp_ms == last} | (
                seen if last == start else set()
            )
            start = last
        yield attributor.add(fresh)
        sleep(interval)


@dataclass(frozen=True)
class Triggered:
    """An asynchronous invocation sent: its function, payload and AWS request id (if told)."""

    job: str
    function: str
    payload: str
    request_id: str | None
    endpoint: str | None = None  # an emulator's, when not AWS's


def invoke_async(
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
    function = _lambda_function(catalogue, job)
    payload = _manual_event(job, now, trigger_id)
    request_id = invoker.invoke_async(_invoked(job, function), payload)
    return Triggered(job=job.name, function=function, payload=payload, request_id=request_id)


def trigger(
    catalogue: Catalogue, job: Job, connection: Connection, *, now: datetime
) -> Triggered | RunOutcome:
    """`sched trigger`: start the deployed function now, as its schedule would. In AWS an
    asynchronous invoke (`Triggered`); in the local AWS a run here (`RunOutcome`)."""
    from scheduler.local.invoke import trigger_locally

    with connect(connection, catalogue.path) as aws:
        if not aws.local:
            refuse_unowned(catalogue, job, aws.function_tags)
            sent = invoke_async(catalogue, job, aws.invoker, now=now)
            return replace(sent, endpoint=lambda_endpoint())
        deployed = job_deployments(catalogue, aws.deployments)
        return trigger_locally(
            catalogue,
            job,
            aws.sink,
            now=now,
            deployed=deployed.keys(),
            access_for=_own_permissions(catalogue, aws),
            deploy=deployed[job.name].deploy if job.name in deployed else None,
        )


def _own_permissions(catalogue: Catalogue, aws: AwsContext) -> AccessFor:
    """Each local run of a job with a role of sched's gets exactly that role's permissions."""
    from scheduler.local.enforce import own_permissions

    def access_for(job: Job) -> AbstractContextManager[Access]:
        return own_permissions(aws.session, catalogue, job, account=aws.account, region=aws.region)

    return access_for


@dataclass(frozen=True)
class TickResult:
    """One `sched local tick`: the span it covered, and what ran (None: nothing was due)."""

    since: datetime
    until: datetime
    ticked: Ticked | None
    watched: Pass | None = None  # the alert watcher's pass after the runs, when it is applied
    next_fire: tuple[datetime, Job] | None = None  # when nothing ran: what fires next


def tick(catalogue: Catalogue, *, now: datetime, until: datetime | None) -> TickResult:
    """Run, in time order, every fire of the deployed local jobs since the last tick (the first
    looks back a day), then remember `until` (default `now`, never later) as the last tick."""
    from scheduler.local import tick as local_tick

    end = until or now
    if end > now:
        raise ValueError("a tick runs only the fires whose time has come")
    marker = last_tick_path(catalogue.path, catalogue.environment_name)
    since = local_tick.read_last_tick(marker) or now - FIRST_TICK_LOOKBACK
    local = Connection(local=True, environment=catalogue.environment_name)
    if end <= since:
        with connect(local, catalogue.path) as aws:
            starts = {job: d.at for job, d in job_deployments(catalogue, aws.deployments).items()}
        upcoming = local_tick.next_fire(catalogue, after=since, starts=starts)
        return TickResult(since, end, None, next_fire=upcoming)
    with connect(local, catalogue.path) as aws:
        deployed = job_deployments(catalogue, aws.deployments)
        deployed_at = {job: d.at for job, d in deployed.items()}
        ticked = local_tick.tick(
            catalogue,
            aws.sink,
            since=since,
            until=end,
            now_fn=lambda: datetime.now(UTC),
            deployed=deployed_at,
            access_for=_own_permissions(catalogue, aws),
            deploys={job: d.deploy for job, d in deployed.items() if d.deploy},
        )
        watched = watch_locally(catalogue, aws, now=end, deployed=deployed_at)
        local_tick.write_last_tick(marker, end)
    upcoming = None
    if not ticked.outcomes:
        upcoming = local_tick.next_fire(catalogue, after=end, starts=deployed_at)
    return TickResult(since, end, ticked, watched, next_fire=upcoming)
