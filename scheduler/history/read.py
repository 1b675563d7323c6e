"""`sched history`: each job's runs in a window, read from its log group and matched against the
fire times its schedule predicted (missed and late runs included). A job sched deployed after the
window began expects no fire from before its deployment (the caller passes deployment times).

Every job's log group is read first, in one hand-over (`fetch`), over the span `window` says;
each job's history is then made from those events (`job`): everything after the read is pure and
does not know which path read. This module selects the jobs, ties those steps together and
applies the `--status` filter. `now` is passed in.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from scheduler.catalogue.model import Catalogue, Job
from scheduler.collector import collector_paused
from scheduler.errors import UnknownJob, UsageError
from scheduler.history.collect import Binding
from scheduler.history.fetch import DEFAULT_WORKERS, fetch
from scheduler.history.job import JobHistory, job_history
from scheduler.history.model import Run, RunStatus, Skipped, timeline_key
from scheduler.history.targets import log_group_for
from scheduler.history.window import DEFAULT_GRACE, job_reads
from scheduler.ports import LogBatchSource, LogSource

# EventBridge delivers a scheduled event within seconds of its time; a first attempt that starts
# over a minute after it was held up (throttling, a cold start stuck behind others, an outage).
DEFAULT_LATE_AFTER = timedelta(minutes=1)

# `--status` values: every run status, and `late` (a flag on a run, not a status).
LATE = "late"
STATUS_FILTERS = (*(s.value for s in RunStatus), LATE)


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
    away = {name for name, _ in catalogue.elsewhere}
    unknown = sorted(set(names) - known - away)
    if unknown:
        raise UnknownJob(
            f"no job named {', '.join(repr(n) for n in unknown)} in catalogue {catalogue.name!r}",
            f"jobs: {', '.join(sorted(known)) or '(none)'}",
        )
    not_here = catalogue.not_here(sorted(set(names) - known))
    if not_here is not None:
        raise UnknownJob(*not_here)
    return [job for job in catalogue.jobs if job.name in names]


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
        return job_history(
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

    with collector_paused():
        return [one(job) for job in selected]


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
