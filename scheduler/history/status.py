"""`sched status`: one row per job over a recent window: its schedule in words, next run, last
run, success rate, durations against the expected runtime and the function's timeout, and whether it
needs attention. Rows come back most urgent first; `needs_attention` decides the exit code.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from scheduler.catalogue.model import Catalogue
from scheduler.history.collect import Binding
from scheduler.history.expected import next_rate_fire
from scheduler.history.fetch import DEFAULT_WORKERS
from scheduler.history.job import JobHistory
from scheduler.history.model import Attention, JobStatus, Skipped
from scheduler.history.read import DEFAULT_LATE_AFTER, job_histories
from scheduler.history.summary import summarise
from scheduler.history.window import DEFAULT_GRACE
from scheduler.ports import LogBatchSource, LogSource

DEFAULT_WINDOW = timedelta(days=7)
URGENT = frozenset({Attention.FAILING, Attention.MISSING})


@dataclass(frozen=True)
class StatusRow:
    """One job's line in `sched status`. `status` is None when its runs are not tracked."""

    job: str
    schedule: str
    description: str | None
    timezone: str
    enabled: bool
    tracked: bool
    note: str | None
    next_run: datetime | None
    timeout: timedelta
    status: JobStatus | None
    skipped: Skipped = field(default_factory=Skipped)
    deployed: bool = True

    @property
    def attention(self) -> Attention | None:
        return self.status.attention if self.status else None

    @property
    def sort_key(self) -> tuple[int, int, int, str]:
        if self.status is None:
            return (len(Attention), 0, 0, self.job)
        return self.status.attention_key


def _next_run(history: JobHistory, now: datetime) -> datetime | None:
    """The job's next fire after `now`, within its start and end dates (as `sched next`)."""
    schedule, job = history.schedule, history.job
    if schedule is None or not job.enabled or not history.deployed:
        return None
    span = job.active_span(now, datetime.max.replace(tzinfo=UTC))
    if span is None:
        return None  # its end date has passed
    after, until = span
    if schedule.kind != "rate":
        fires = schedule.next_fire_times(after, 1, tz=job.timezone)
        found = fires[0] if fires else None
    else:
        interval = schedule.min_interval()
        start = (job.start,) if job.start is not None else ()
        anchors = history.logged_fires or start or ((history.anchor,) if history.anchor else ())
        if interval is None or not anchors:
            return None  # its grid is anchored at a deployment time sched does not know
        # A rate's first run is one interval after its start date, as after its creation.
        first = max(after, job.start) if job.start is not None else after
        found = next_rate_fire(anchors, interval, first)
    return found if found is not None and found <= until else None


def _row(
    history: JobHistory, now: datetime, role_mates: Mapping[str, tuple[str, ...]]
) -> StatusRow:
    job = history.job
    status = None
    if history.tracked:
        status = summarise(
            job.name,
            history.runs,
            expected_runtime=job.expected_runtime,
            limit=job.timeout,
            now=now,
            role_mates=role_mates.get(job.name, ()),
        )
        if not history.deployed:
            # Old runs of a destroyed job are history, not a reason to page anyone.
            status = replace(status, attention=Attention.NOT_DEPLOYED, reasons=())
    return StatusRow(
        job=job.name,
        schedule=job.schedule,
        description=history.schedule.describe() if history.schedule else None,
        timezone=job.timezone,
        enabled=job.enabled,
        tracked=history.tracked,
        note=history.note,
        next_run=_next_run(history, now),
        timeout=job.timeout,
        status=status,
        skipped=history.skipped,
        deployed=history.deployed,
    )


def status_for(
    catalogue: Catalogue,
    source: LogSource | LogBatchSource,
    *,
    now: datetime,
    window: timedelta = DEFAULT_WINDOW,
    grace: timedelta = DEFAULT_GRACE,
    late_after: timedelta = DEFAULT_LATE_AFTER,
    workers: int = DEFAULT_WORKERS,
    deployed: Mapping[str, datetime] | None = None,
    bindings: Mapping[str, Binding] | None = None,
    role_mates: Mapping[str, tuple[str, ...]] | None = None,
    legacy: Collection[str] = (),
) -> list[StatusRow]:
    """Every job's status over (now - window, now], failing and missing jobs first.
    `role_mates` (job → the other jobs of its shared role) names them in a denial's hint.

    `deployed` (job name → last deployment) is as in `history.read.job_histories`: a job deployed
    within the window expects no fire from before its deployment; `bindings` are as there too.
    """
    histories = job_histories(
        catalogue,
        source,
        now=now,
        since=now - window,
        until=now,
        grace=grace,
        late_after=late_after,
        workers=workers,
        deployed=deployed,
        bindings=bindings,
        legacy=legacy,
    )
    mates = role_mates or {}
    return sorted((_row(h, now, mates) for h in histories), key=lambda row: row.sort_key)


def needs_attention(rows: Iterable[StatusRow]) -> bool:
    """True when a job's latest run failed, timed out or did not happen (exit code 1). A job
    that is not deployed does not: nothing of it can fail, and status shows it in its own row."""
    return any(row.attention in URGENT for row in rows)
