"""What a history reads of a job's log group: the window around (since, until] its runs can have
logged in (its span), as a `LogRead` with the fires it expects there for the reader to plan by,
and the legacy group read too when its function logged there before. A job's schedule is parsed
once here (`job_schedule`) for every step that needs it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from itertools import islice

from scheduler.catalogue.model import Catalogue, Job
from scheduler.history.match import EARLY_TOLERANCE
from scheduler.history.targets import legacy_log_group_for, log_group_for, untracked_reason
from scheduler.ports import LogRead
from scheduler.schedule import Schedule, ScheduleError, parse

DEFAULT_GRACE = timedelta(minutes=5)
# A run that belongs to the window may log its START a little before its fire time.
EARLY_READ = 2 * EARLY_TOLERANCE
# How long after its last possible start a run can still log its end (Lambda's delivery lag).
LOG_DELIVERY = timedelta(minutes=1)
# A rate() job is read one interval before the window (to find the run that anchors its grid),
# but never more than this.
MAX_RATE_LOOKBACK = timedelta(days=1)


def _to_ms(when: datetime) -> int:
    return int(when.timestamp() * 1000)


def _lookback(schedule: Schedule | None) -> timedelta:
    if schedule is None or schedule.kind != "rate":
        return EARLY_READ
    interval = schedule.min_interval() or timedelta(0)
    return EARLY_READ + min(interval, MAX_RATE_LOOKBACK)


def span(
    job: Job, schedule: Schedule | None, *, now: datetime, since: datetime, until: datetime,
    grace: timedelta,
) -> tuple[datetime, datetime]:  # fmt: skip
    """The instants a job's log group is read between, for its runs in (since, until]."""
    # A fire at `until` may start up to `grace` late and run for its whole timeout.
    return since - _lookback(schedule), min(now, until + grace + job.timeout + LOG_DELIVERY)


def log_read(group: str, start: datetime, end: datetime) -> LogRead:
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
    """What `read.job_histories` reads of `job`'s log group for its runs in (since, until], or
    None when it reads nothing (the job is not tracked, or the span is empty)."""
    group = log_group_for(catalogue, job)
    if untracked_reason(job) is not None or group is None:
        return None
    schedule, _ = job_schedule(job)
    start, end = span(job, schedule, now=now, since=since, until=until or now, grace=grace)
    return _planned(log_read(group, start, end), job, schedule) if end > start else None


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
    groups = groups_of(catalogue, job, read.log_group, legacy)
    if len(groups) == 1 or (deployed is not None and _to_ms(deployed) <= read.start_ms):
        return [read]
    return [replace(read, log_group=g) for g in groups]


def groups_of(catalogue: Catalogue, job: Job, group: str, legacy: Collection[str]) -> list[str]:
    """`job`'s log group, and the one its function logged to before it had its own when that
    one is among the `legacy` groups that exist."""
    old = legacy_log_group_for(catalogue, job)
    return [group, old] if old is not None and old in legacy and old != group else [group]


# A history reads each job's schedule twice (its read's span, then its expected fires), and many
# jobs share one expression; a Schedule is frozen, so one parse serves them all.
_parsed = lru_cache(maxsize=4096)(parse)


def job_schedule(job: Job) -> tuple[Schedule | None, str | None]:
    """`job`'s parsed schedule, or None and the note that says why it cannot be read."""
    try:
        return _parsed(job.schedule), None
    except ScheduleError as error:
        return None, f"schedule {job.schedule!r} cannot be read ({error}): no runs expected"
