"""`sched history`: each job's runs in a window, read from its log group and matched against the
fire times its schedule predicted (missed and late runs included). A job sched deployed after the
window began expects no fire from before its deployment (the caller passes deployment times).

Every job's log group is read first, in one hand-over (`fetch`: a `LogBatchSource` such as Logs
Insights takes all the reads at once; a `LogSource` is read group by group, concurrently, as it
is I/O); everything after the read is pure and does not know which path read. `now` is passed in.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from itertools import islice

from scheduler.catalogue.model import Catalogue, Job
from scheduler.errors import UnknownJob, UsageError
from scheduler.history.collect import Binding
from scheduler.history.expected import expected_fires, logged_fires
from scheduler.history.match import EARLY_TOLERANCE, expected_vs_observed
from scheduler.history.model import Run, RunStatus, Skipped, timeline_key
from scheduler.history.reconstruct import reconstruct
from scheduler.history.targets import (
    deployed_function,
    legacy_log_group_for,
    log_group_for,
    untracked_reason,
)
from scheduler.ports import LogBatchSource, LogEvent, LogRead, LogSource
from scheduler.schedule import Schedule, ScheduleError, parse

DEFAULT_GRACE = timedelta(minutes=5)
# EventBridge delivers a scheduled event within seconds of its time; a first attempt that starts
# over a minute after it was held up (throttling, a cold start stuck behind others, an outage).
DEFAULT_LATE_AFTER = timedelta(minutes=1)
DEFAULT_WORKERS = 8
# A run that belongs to the window may log its START a little before its fire time.
EARLY_READ = 2 * EARLY_TOLERANCE
# How long after its last possible start a run can still log its end (Lambda's delivery lag).
LOG_DELIVERY = timedelta(minutes=1)
# A rate() job is read one interval before the window (to find the run that anchors its grid),
# but never more than this.
MAX_RATE_LOOKBACK = timedelta(days=1)

# `--status` values: every run status, and `late` (a flag on a run, not a status).
LATE = "late"
STATUS_FILTERS = (*(s.value for s in RunStatus), LATE)


@dataclass(frozen=True)
class JobHistory:
    """One job over the window: its runs (missed fires included), or why there are none."""

    job: Job
    runs: tuple[Run, ...]
    tracked: bool
    note: str | None
    schedule: Schedule | None
    logged_fires: tuple[datetime, ...] = ()
    skipped: Skipped = field(default_factory=Skipped)
    deployed: bool = True
    anchor: datetime | None = None


@dataclass(frozen=True)
class History:
    """The window read, and each job's runs in it (after the status filter)."""

    since: datetime
    until: datetime
    now: datetime
    jobs: tuple[JobHistory, ...]
    # A `--status` filter was applied: a job none of whose runs is left is not shown.
    filtered: bool = False
    # Job → the other jobs its shared role serves (`permissions.role_mates`), for the hints.
    role_mates: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def runs(self) -> list[Run]:
        """Every job's runs together, oldest first."""
        return sorted((run for jh in self.jobs for run in jh.runs), key=timeline_key)

    @property
    def timezones(self) -> dict[str, str]:
        return {jh.job.name: jh.job.timezone for jh in self.jobs}

    @property
    def shown(self) -> list[JobHistory]:
        """The jobs the listing is about: all of them, or with a status filter those with runs."""
        return [jh for jh in self.jobs if jh.runs or not self.filtered]

    @property
    def notes(self) -> list[tuple[str, str]]:
        return [(jh.job.name, jh.note) for jh in self.shown if jh.note]

    @property
    def grouped_notes(self) -> list[tuple[tuple[str, ...], str]]:
        """Each distinct note once, with the jobs it is about, in the order first seen."""
        grouped: dict[str, list[str]] = {}
        for job, note in self.notes:
            grouped.setdefault(note, []).append(job)
        return [(tuple(jobs), note) for note, jobs in grouped.items()]

    @property
    def skipped(self) -> Skipped:
        """The log lines left out, over every job (see `Skipped`)."""
        return sum((jh.skipped for jh in self.jobs), Skipped())


def parse_status_filter(names: Iterable[str]) -> frozenset[str]:
    """`--status failed,missed` → the names, checked; an unknown name is a usage error."""
    chosen = frozenset(n.strip().lower().replace(" ", "_") for n in names if n.strip())
    unknown = sorted(chosen - set(STATUS_FILTERS))
    if unknown:
        raise UsageError(
            f"unknown run status {', '.join(unknown)}",
            f"choose from {', '.join(STATUS_FILTERS)}",
        )
    return chosen


def _matches(run: Run, statuses: frozenset[str]) -> bool:
    return run.status.value in statuses or (LATE in statuses and run.late)


def select_jobs(catalogue: Catalogue, names: Collection[str] | None) -> list[Job]:
    """The catalogue's jobs, or the named ones in catalogue order; unknown names are an error."""
    if names is None:
        return list(catalogue.jobs)
    known = {job.name for job in catalogue.jobs}
    unknown = sorted(set(names) - known)
    if unknown:
        raise UnknownJob(
            f"no job named {', '.join(repr(n) for n in unknown)} in catalogue {catalogue.name!r}",
            f"jobs: {', '.join(sorted(known)) or '(none)'}",
        )
    return [job for job in catalogue.jobs if job.name in names]


def _to_ms(when: datetime) -> int:
    return int(when.timestamp() * 1000)


def _lookback(schedule: Schedule | None) -> timedelta:
    if schedule is None or schedule.kind != "rate":
        return EARLY_READ
    interval = schedule.min_interval() or timedelta(0)
    return EARLY_READ + min(interval, MAX_RATE_LOOKBACK)


def _span(
    job: Job, schedule: Schedule | None, *, now: datetime, since: datetime, until: datetime,
    grace: timedelta,
) -> tuple[datetime, datetime]:  # fmt: skip
    """The instants a job's log group is read between, for its runs in (since, until]."""
    # A fire at `until` may start up to `grace` late and run for its whole timeout.
    return since - _lookback(schedule), min(now, until + grace + job.timeout + LOG_DELIVERY)


def _log_read(group: str, start: datetime, end: datetime) -> LogRead:
    return LogRead(group, _to_ms(start), _to_ms(end) + 1)


# A read lists at most this many fire instants for the reader to plan its pages by; a job
# firing more often in the span is described by its mean interval.
PLANNED_FIRES = 64


def _planned(read: LogRead, job: Job, schedule: Schedule | None) -> LogRead:
    """`read` with what `job` is expected to have logged in it (a hint: see `LogRead`)."""
    if schedule is None or not job.enabled:
        return read
    start = datetime.fromtimestamp(read.start_ms / 1000, UTC)
    end = datetime.fromtimestamp(read.end_ms / 1000, UTC)
    if schedule.kind == "rate":
        every = schedule.min_interval()
        return replace(read, every_ms=int(every.total_seconds() * 1000)) if every else read
    fired = schedule.fire_times(start, end, tz=job.timezone)
    fires = [_to_ms(f) for f in islice(fired, PLANNED_FIRES + 1)]
    if len(fires) <= PLANNED_FIRES:
        return replace(read, fires_ms=tuple(fires))
    return replace(read, every_ms=max(1, (fires[-1] - fires[0]) // (len(fires) - 1)))


def job_read(
    catalogue: Catalogue,
    job: Job,
    *,
    now: datetime,
    since: datetime,
    until: datetime | None = None,
    grace: timedelta = DEFAULT_GRACE,
) -> LogRead | None:
    """What `job_histories` reads of `job`'s log group for its runs in (since, until], or
    None when it reads nothing (the job is not tracked, or the span is empty)."""
    group = log_group_for(catalogue, job)
    if untracked_reason(job) is not None or group is None:
        return None
    schedule, _ = _schedule(job)
    start, end = _span(job, schedule, now=now, since=since, until=until or now, grace=grace)
    return _planned(_log_read(group, start, end), job, schedule) if end > start else None


def job_reads(
    catalogue: Catalogue,
    job: Job,
    *,
    now: datetime,
    since: datetime,
    until: datetime | None = None,
    grace: timedelta = DEFAULT_GRACE,
    legacy: Collection[str] = (),
    deployed: datetime | None = None,
) -> list[LogRead]:
    """`job_read`, and the same span of the group its function logged to before it had its
    own, when that group is among the `legacy` groups that exist and the span reaches back
    before the function's last deployment (`deployed`; the move was a deployment)."""
    read = job_read(catalogue, job, now=now, since=since, until=until, grace=grace)
    if read is None:
        return []
    groups = _groups_of(catalogue, job, read.log_group, legacy)
    if len(groups) == 1 or (deployed is not None and _to_ms(deployed) <= read.start_ms):
        return [read]
    return [replace(read, log_group=g) for g in groups]


def _groups_of(catalogue: Catalogue, job: Job, group: str, legacy: Collection[str]) -> list[str]:
    """`job`'s log group, and the one its function logged to before it had its own when that
    one is among the `legacy` groups that exist."""
    old = legacy_log_group_for(catalogue, job)
    return [group, old] if old is not None and old in legacy and old != group else [group]


class Prefetched:
    """The events of reads done already, as a `LogBatchSource` (and a `LogSource` for exactly
    those reads): a caller that reads for many histories at once hands them over this way."""

    def __init__(self, fetched: Mapping[LogRead, Sequence[LogEvent]]) -> None:
        self.fetched = fetched

    def read_all(self, reads: Sequence[LogRead]) -> dict[LogRead, list[LogEvent]]:
        return {read: list(self.fetched.get(read, ())) for read in reads}

    def events(self, log_group: str, start_ms: int, end_ms: int) -> Iterator[LogEvent]:
        return iter(self.fetched.get(LogRead(log_group, start_ms, end_ms), ()))


def fetch(
    source: LogSource | LogBatchSource, reads: Iterable[LogRead | None], *, workers: int
) -> dict[LogRead, list[LogEvent]]:
    """Every read's events: in one call of a `LogBatchSource`, else group by group (I/O, so
    `workers` at a time)."""
    wanted = list(dict.fromkeys(r for r in reads if r is not None))
    if isinstance(source, LogBatchSource):
        return source.read_all(wanted)

    def one(read: LogRead) -> list[LogEvent]:
        return list(source.events(read.log_group, read.start_ms, read.end_ms))

    if len(wanted) <= 1 or workers <= 1:
        return {read: one(read) for read in wanted}
    with ThreadPoolExecutor(max_workers=min(workers, len(wanted))) as pool:
        return dict(zip(wanted, pool.map(one, wanted), strict=True))


def _read(
    fetched: Mapping[LogRead, Sequence[LogEvent]],
    groups: Sequence[str],
    job: Job,
    *,
    start: datetime,
    end: datetime,
    now: datetime,
    shared: bool,
    binding: Binding | None,
) -> tuple[list[Run], Skipped]:
    if end <= start:
        return [], Skipped()
    found_in = [e for g in groups if (e := fetched.get(_log_read(g, start, end)))]
    # Each event is in one group (a run logs where its function's configuration said when it
    # started), so the groups' events together are each run's once, in time order.
    events: Sequence[LogEvent] = (
        sorted((e for es in found_in for e in es), key=lambda e: e.timestamp_ms)
        if len(found_in) > 1
        else (found_in[0] if found_in else ())
    )
    found = reconstruct(
        events, job.name, now=now, shared=shared, binding=binding, window=(start, end)
    )
    return found.runs, found.skipped


# A history reads each job's schedule twice (its read's span, then its expected fires), and many
# jobs share one expression; a Schedule is frozen, so one parse serves them all.
_parsed = lru_cache(maxsize=4096)(parse)


def _schedule(job: Job) -> tuple[Schedule | None, str | None]:
    try:
        return _parsed(job.schedule), None
    except ScheduleError as error:
        return None, f"schedule {job.schedule!r} cannot be read ({error}): no runs expected"


def _deployed_within(
    catalogue: Catalogue, job: Job, deployed: datetime | None, since: datetime
) -> datetime | None:
    """The job's deployment time when sched deployed it after `since`, else None."""
    if deployed is None or deployed <= since or deployed_function(catalogue, job) is None:
        return None
    return deployed


def not_deployed_note(function: str) -> str:
    return f"not deployed: no function {function}; `sched apply` schedules it"


def _deployment_note(deployed: datetime) -> str:
    return f"deployed {deployed.astimezone(UTC):%Y-%m-%d %H:%M} UTC; earlier fires are not expected"


def _joined(*notes: str | None) -> str | None:
    return "; ".join(n for n in notes if n) or None


def _job_history(
    catalogue: Catalogue,
    job: Job,
    fetched: Mapping[LogRead, Sequence[LogEvent]],
    *,
    now: datetime,
    since: datetime,
    until: datetime,
    grace: timedelta,
    late_after: timedelta,
    deployed: datetime | None,
    shared: bool = False,
    binding: Binding | None = None,
    absent: bool = False,
    legacy: Collection[str] = (),
) -> JobHistory:
    schedule, problem = _schedule(job)
    reason = untracked_reason(job)
    group = log_group_for(catalogue, job)
    if reason is not None or group is None:
        return JobHistory(job, (), False, reason, schedule)
    start, end = _span(job, schedule, now=now, since=since, until=until, grace=grace)
    observed, skipped = _read(
        fetched,
        _groups_of(catalogue, job, group, legacy),
        job,
        start=start,
        end=end,
        now=now,
        shared=shared,
        binding=binding,
    )

    def match(fires: Iterable[datetime]) -> list[Run]:
        return expected_vs_observed(
            observed, fires, job=job.name, now=now, grace=grace, late_after=late_after
        )

    function = deployed_function(catalogue, job)
    if absent and function is not None:
        # Nothing in AWS can fire it: its fires are not missed, its old runs still show.
        absent_runs = _within(match(()), since, until)
        return JobHistory(
            job,
            absent_runs,
            True,
            not_deployed_note(function),
            schedule,
            tuple(logged_fires(observed)),
            skipped,
            deployed=False,
        )
    if schedule is None:
        matched = match(())
        return JobHistory(
            job, _within(matched, since, until), True, problem, schedule, skipped=skipped
        )
    recent = _deployed_within(catalogue, job, deployed, since)
    # AWS counts a rate from the rule's or schedule's creation
    # (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
    # #eb-rate-expressions), which DescribeRule does not return. Apply creates the rule seconds
    # after the function, so the function's LastModified stands for it; a logged fire (AWS's own
    # delivery time) overrides it, as a later code change moves LastModified but not the rule.
    anchor = deployed if function is not None else None
    expected = expected_fires(
        job, schedule, observed, since=recent or since, until=until, anchor=anchor
    )
    matched = match(expected.fires)
    note = expected.note
    if recent is not None:
        # Say so only when a fire left out would have read as missed: then it explains something.
        whole = expected_fires(
            job, schedule, observed, since=since, until=until, anchor=anchor
        ).fires
        dropped = set(whole) - set(expected.fires)
        if dropped and any(
            r.status is RunStatus.MISSED and r.anchor in dropped for r in match(whole)
        ):
            note = _joined(note, _deployment_note(recent))
    logged = tuple(logged_fires(observed))
    runs = _within(matched, since, until)
    return JobHistory(job, runs, True, note, schedule, logged, skipped, anchor=anchor)


def _within(runs: Iterable[Run], since: datetime, until: datetime) -> tuple[Run, ...]:
    return tuple(r for r in runs if r.anchor is not None and since < r.anchor <= until)


def job_histories(
    catalogue: Catalogue,
    source: LogSource | LogBatchSource,
    *,
    now: datetime,
    since: datetime,
    until: datetime | None = None,
    jobs: Collection[str] | None = None,
    grace: timedelta = DEFAULT_GRACE,
    late_after: timedelta = DEFAULT_LATE_AFTER,
    workers: int = DEFAULT_WORKERS,
    deployed: Mapping[str, datetime] | None = None,
    bindings: Mapping[str, Binding] | None = None,
    legacy: Collection[str] = (),
) -> list[JobHistory]:
    """Each selected job's history in (since, until], in catalogue order (unfiltered).

    `deployed` maps job names to when sched last deployed them (`targets.deployment_times`); a job's
    expected fires start at the later of `since` and that time, and a rate() job's grid counts
    from it when no logged fire is older. When `deployed` is given, a job whose function sched
    deploys and which it does not name is not deployed: no fire of it is expected. Jobs on an
    existing function (`function:`) expect every fire in the window. `bindings` maps job names
    to their deployed function's deployment value (`targets.deployment_bindings`). Jobs that run
    on one function (one log group) are told apart by sched's lines only. `legacy` are the
    Lambda default groups that exist (`legacy_groups`): a job's runs from before its function
    had a group of its own are read there too.
    """
    end = now if until is None else until
    selected = select_jobs(catalogue, jobs)
    deployments = deployed or {}
    bindings = bindings or {}
    groups = Counter(log_group_for(catalogue, job) for job in catalogue.jobs)
    reads = (
        read
        for j in selected
        for read in job_reads(
            catalogue, j, now=now, since=since, until=end, grace=grace, legacy=legacy,
            deployed=deployments.get(j.name),
        )
    )  # fmt: skip
    fetched = fetch(source, reads, workers=workers)

    def one(job: Job) -> JobHistory:
        return _job_history(
            catalogue,
            job,
            fetched,
            now=now,
            since=since,
            until=end,
            grace=grace,
            late_after=late_after,
            deployed=deployments.get(job.name),
            shared=groups[log_group_for(catalogue, job)] > 1,
            binding=bindings.get(job.name),
            absent=deployed is not None and job.name not in deployments,
            legacy=legacy,
        )

    with _gc_paused():
        return [one(job) for job in selected]


@contextmanager
def _gc_paused() -> Iterator[None]:
    # Reading creates a few small objects per log event, none in cycles; left on, the cyclic
    # collector keeps rescanning the growing set of records (7% of a 100,000-run history).
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def history_for(
    catalogue: Catalogue,
    source: LogSource | LogBatchSource,
    *,
    now: datetime,
    since: datetime,
    until: datetime | None = None,
    jobs: Collection[str] | None = None,
    statuses: Collection[str] | None = None,
    grace: timedelta = DEFAULT_GRACE,
    late_after: timedelta = DEFAULT_LATE_AFTER,
    workers: int = DEFAULT_WORKERS,
    deployed: Mapping[str, datetime] | None = None,
    bindings: Mapping[str, Binding] | None = None,
    legacy: Collection[str] = (),
) -> History:
    """Runs of the catalogue's jobs (or `jobs`) anchored in (since, until], `until` default `now`.

    `statuses` keeps runs whose status is one of them (`late` keeps late runs); see
    `STATUS_FILTERS` and `parse_status_filter`. Fargate jobs come back untracked, with a note.
    `deployed` (job name → last deployment) and `bindings` are as in `job_histories`.
    """
    end = now if until is None else until
    histories = job_histories(
        catalogue,
        source,
        now=now,
        since=since,
        until=end,
        jobs=jobs,
        grace=grace,
        late_after=late_after,
        workers=workers,
        deployed=deployed,
        bindings=bindings,
        legacy=legacy,
    )
    if statuses is not None:
        chosen = parse_status_filter(statuses)
        histories = [
            replace(jh, runs=tuple(r for r in jh.runs if _matches(r, chosen))) for jh in histories
        ]
    return History(
        since=since, until=end, now=now, jobs=tuple(histories), filtered=statuses is not None
    )
