"""The data of run history: `Run` and `JobStatus` (log events come in as `ports.LogEvent`).

All datetimes are timezone-aware UTC; durations are `timedelta`. `late` is a flag on a run, not
a status, so that a late run that failed is still `failed` (and a late success still `succeeded`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from scheduler.history.frozen import quick_init
from scheduler.ports import LogEvent

# The error type Lambda's REPORT line (text) or platform.report record (JSON) gives a run it
# stopped for using all its memory:
# https://docs.aws.amazon.com/lambda/latest/dg/troubleshooting-execution.html
OUT_OF_MEMORY = "Runtime.OutOfMemory"


def out_of_memory_text(used_mb: int | None, size_mb: int | None) -> str:
    """`out of memory (used 256 of 256 MB)`, or `out of memory` when REPORT gave no figures."""
    if used_mb is None or size_mb is None:
        return "out of memory"
    return f"out of memory (used {used_mb} of {size_mb} MB)"


class RunStatus(enum.StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    TIMED_OUT = "timed_out"
    RUNNING = "running"
    MISSED = "missed"
    # Started, never finished, and too old to still be running (its end was not logged).
    UNKNOWN = "unknown"


class Trigger(enum.StrEnum):
    """What started a run, as the runtime wrapper logged it."""

    RULE = "rule"
    SCHEDULER = "scheduler"
    MANUAL = "manual"


@quick_init
@dataclass(frozen=True, slots=True)
class Run:
    """One invocation attempt of a job (or one expected fire with no run: status `missed`).

    `request_id` is "" for a missed run. `trigger` is None when the wrapper logged neither its
    start nor its run line (platform records only). `delay` is start - scheduled_time when both
    are known.
    """

    job: str
    request_id: str
    status: RunStatus
    scheduled_time: datetime | None = None
    start: datetime | None = None
    end: datetime | None = None
    duration: timedelta | None = None
    billed_duration: timedelta | None = None
    init_duration: timedelta | None = None
    memory_size_mb: int | None = None
    max_memory_used_mb: int | None = None
    error_type: str | None = None
    error_message: str | None = None
    attempt: int | None = None
    trigger: Trigger | None = None
    late: bool = False
    delay: timedelta | None = None
    log_stream: str | None = None
    function_version: str | None = None  # the published version that ran; None: unknown

    @property
    def anchor(self) -> datetime | None:
        """When the run belongs on a timeline: its scheduled time, else its start, else its end.

        A manual run belongs where it started: its scheduled time (`sched run --scheduled-time`)
        is the fire it stands in for, which may be long past, not when it happened.
        """
        if self.trigger is Trigger.MANUAL:
            return self.start or self.end or self.scheduled_time
        return self.scheduled_time or self.start or self.end


@dataclass(frozen=True, slots=True)
class Skipped:
    """Log lines history read and left out, by why. Log lines are untrusted input: any function
    in the account may write to a job's log group, so a line is skipped (and counted) rather
    than believed or raised.

    `malformed`: a known shape that does not validate. `unbound`: sched's shape, but not written
    by the job's deployed wrapper or not by the invocation that logged it. `repeated`: a second
    record of one kind for one invocation. `unattributed`: Lambda's own records that no sched
    line ties to this job (a record with no START, or a function more than one job runs on).
    """

    malformed: int = 0
    unbound: int = 0
    repeated: int = 0
    unattributed: int = 0

    @property
    def total(self) -> int:
        return self.malformed + self.unbound + self.repeated + self.unattributed

    def __add__(self, other: Skipped) -> Skipped:
        return Skipped(
            self.malformed + other.malformed,
            self.unbound + other.unbound,
            self.repeated + other.repeated,
            self.unattributed + other.unattributed,
        )


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def timeline_key(run: Run) -> tuple[datetime, str, int]:
    """Orders runs oldest first: by anchor time, then request id, then attempt."""
    return (run.anchor or _EPOCH, run.request_id, run.attempt or 0)


class Attention(enum.IntEnum):
    """How urgently a job needs a look; sorts most urgent first."""

    FAILING = 0  # the latest concluded run failed or timed out
    MISSING = 1  # the latest expected run did not happen
    AT_RISK = 2  # overran, close to the limit, or earlier failures/misses in the window
    NOT_DEPLOYED = 3  # nothing in AWS schedules it (never applied, or destroyed)
    HEALTHY = 4
    NO_RUNS = 5  # nothing ran and nothing was expected in the window

    @property
    def label(self) -> str:
        return self.name.lower().replace("_", "-")


@dataclass(frozen=True, slots=True)
class JobStatus:
    """How one job's schedule has been doing over a window of runs.

    Counts, success rate, last run and attention are of the schedule's runs; `manual` counts the
    runs started by hand, which only the durations (and `overran`) include.
    """

    job: str
    runs: int
    last_run: Run | None
    last_success: datetime | None
    succeeded: int
    failed: int
    timed_out: int
    missed: int
    running: int
    unknown: int
    manual: int
    late: int
    overran: int
    success_rate: float | None
    p50_duration: timedelta | None
    p95_duration: timedelta | None
    max_duration: timedelta | None
    expected_runtime: timedelta | None
    limit: timedelta
    headroom_expected: timedelta | None
    headroom_limit: timedelta | None
    attention: Attention
    reasons: tuple[str, ...]
    # The most memory a run used (REPORT's Max Memory Used), and the latest run's memory size.
    max_memory_used_mb: int | None = None
    memory_size_mb: int | None = None

    @property
    def last_status(self) -> RunStatus | None:
        return self.last_run.status if self.last_run else None

    @property
    def attention_key(self) -> tuple[int, int, int, str]:
        """Sort key: attention level, then more problems first, then the job name."""
        problems = self.failed + self.timed_out + self.missed
        return (self.attention.value, -problems, -self.overran, self.job)


@dataclass(frozen=True)
class RunOutcome:
    """One run sched started and waited for: in this process (local mode), where `record` is
    the wrapper's run line and `events` the log events written for it; or a synchronous
    invoke of the deployed function (`sched run` on AWS), read from Lambda's answer and log
    tail (`record` and `events` empty: Lambda wrote the logs)."""

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
    hint: str | None = None  # what to do about a failure, when sched knows (a refused call)
    # The failing handler's own frames, "Traceback (most recent call last):" first; untrusted text.
    traceback: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is RunStatus.SUCCEEDED
