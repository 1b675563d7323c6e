"""`sched local tick`: play the schedules forward. Every fire due since the last tick runs here
(`local/invoke.py`), in time order, as a fire of the schedule, never one from before the job was
deployed; the caller keeps the last tick time with `read_last_tick` / `write_last_tick`.
"""

from __future__ import annotations

import heapq
import json
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import islice
from pathlib import Path

from scheduler import limits
from scheduler.catalogue.model import Catalogue, Compute, Job
from scheduler.errors import TickStateInvalid, TooManyRuns
from scheduler.files import write_atomically
from scheduler.history.model import RunOutcome
from scheduler.local.enforce import AccessFor
from scheduler.local.invoke import Clock, MemoryProbe, no_memory_reading, run_locally
from scheduler.ports import LogSink
from scheduler.runtime.contract import parse_time
from scheduler.schedule import ScheduleError, parse

MAX_TICK_RUNS = 1000
# CloudWatch Logs refuses events older than this; a tick stamps no run earlier.
LOG_MAX_AGE = timedelta(seconds=limits.LOGS_EVENT_MAX_AGE_SECONDS)
# A run's events are written when it ends, up to its timeout after it starts, plus this.
WRITE_MARGIN = timedelta(minutes=1)


def _local_jobs(catalogue: Catalogue) -> Iterator[Job]:
    """Jobs a local tick runs: enabled, on Lambda, with their code in the catalogue."""
    for job in catalogue.jobs:
        if job.enabled and job.compute is Compute.LAMBDA and job.handler is not None:
            yield job


def _fires(
    job: Job, since: datetime, until: datetime, anchor: datetime | None = None
) -> Iterator[tuple[datetime, str, Job]]:
    try:
        schedule = parse(job.schedule)
    except ScheduleError:
        return  # `sched validate` reports it; a tick runs what it can
    # A rate() counts from its creation, as in AWS (history counts it the same way); with no
    # deployment time known it counts from the epoch (on the hour, ...).
    span = job.active_span(since, until)  # no run outside its start and end dates
    if span is None:
        return
    if schedule.kind == "rate" and job.start is not None:
        anchor = job.start  # counted from as from its creation: the first run is after it
        span = (max(span[0], anchor), span[1])
    for fire in schedule.fire_times(*span, tz=job.timezone, anchor=anchor):
        yield fire, job.name, job


def _due(
    jobs: Iterable[Job],
    *,
    since: datetime,
    until: datetime,
    limit: int,
    starts: Mapping[str, datetime] | None = None,
) -> list[tuple[datetime, Job]]:
    """Fires in (since, until], each job's from the later of `since` and its `starts` entry
    (its deployment, from which a rate() counts)."""
    begins = starts or {}
    merged = heapq.merge(
        *(
            _fires(job, max(since, begins.get(job.name, since)), until, begins.get(job.name))
            for job in jobs
        ),
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


def next_fire(
    catalogue: Catalogue, *, after: datetime, starts: Mapping[str, datetime]
) -> tuple[datetime, Job] | None:
    """The first fire after `after` of the enabled local jobs in `starts` (deployed, each with
    the time a rate() counts from), looking a year ahead; None when none fires in it."""
    found: list[tuple[datetime, str, Job]] = []
    for job in _local_jobs(catalogue):
        if job.name not in starts:
            continue
        for span in (timedelta(days=1), timedelta(days=366)):
            begin = max(after, starts[job.name])
            first = next(_fires(job, begin, after + span, starts[job.name]), None)
            if first is not None:
                found.append(first)
                break
    if not found:
        return None
    when, _, job = min(found, key=lambda item: (item[0], item[1]))
    return when, job


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
    memory_probe: MemoryProbe = no_memory_reading,
    request_ids: Callable[[], str] | None = None,
    access_for: AccessFor | None = None,
    deploys: Mapping[str, str] | None = None,
) -> Ticked:
    """Run every fire due in (since, until] in time order, as fires of the schedule, and write
    their logs to `sink`.

    `deployed` maps the jobs whose function is deployed in the local AWS to when
    (`history.targets.deployment_times`); a due job not in it is skipped, not run, and no job
    runs a fire from before its deployment, as the real scheduler would not (None: run every
    job, every fire). Each run starts at its fire time when that has passed, so a run caught up late
    reads as on time; a fire still ahead of `now_fn()` (a tick to a later --until), or one too old
    for CloudWatch Logs (`LOG_MAX_AGE` less the job's timeout), runs and is stamped at `now_fn()`.
    `deploys` maps jobs to their local function's SCHED_DEPLOY, which their runs' lines carry.
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
                access_for=access_for,
                deploy=(deploys or {}).get(job.name),
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
        raise TickStateInvalid(
            f"{path} does not hold a last tick time",
            f'delete it to start ticking from now, or write {{"{_LAST_TICK}": "<ISO time>"}}',
        )
    return value


def write_last_tick(path: Path, when: datetime) -> None:
    """Record `when` atomically: a reader sees the old time or the new one, never half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps({_LAST_TICK: f"{when.astimezone(UTC):%Y-%m-%dT%H:%M:%S.%fZ}"}) + "\n"
    write_atomically(path, text.encode("utf-8"))
