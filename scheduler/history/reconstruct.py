"""Rebuild a job's runs from the CloudWatch Logs events of its Lambda function.

Records are grouped by request id; one request id is at most one run. Lambda's own retries of an
asynchronous invocation reuse the request id: each START after the previous attempt ended begins
a new attempt (at most Lambda's retry limit plus one), and the run is the last attempt, with its
attempt number. Log lines are untrusted (any function in the account may write to the group):
a line that does not validate, a sched line naming another request than the one running on its
stream, or one not carrying the deployed function's deployment value, is skipped and counted
(`Skipped`), never believed or raised. Platform records alone (the wrapper cannot log its run
line when Lambda kills a timed-out or out-of-memory invocation) make a run only when they start
with a START and the function runs no other job of the catalogue.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import attrgetter
from typing import assert_never

from scheduler import limits
from scheduler.history.model import (
    OUT_OF_MEMORY,
    Run,
    RunStatus,
    Skipped,
    Trigger,
    out_of_memory_text,
    timeline_key,
)
from scheduler.history.parse import (
    AppError,
    Malformed,
    PlatformEnd,
    PlatformReport,
    PlatformStart,
    RuntimeDone,
    TimedOut,
    WrapperLine,
    WrapperStart,
    parse_message,
)
from scheduler.ports import LogEvent
from scheduler.runtime.contract import TRIGGER_MANUAL, utc_from_ms

_TIMESTAMP = attrgetter("timestamp_ms")  # the sort key of events: no Python frame per event

# A START older than the longest possible invocation (plus a minute for log delivery) whose end
# was never logged cannot still be running.
DEFAULT_RUNNING_HORIZON = limits.LAMBDA_MAX_TIMEOUT + timedelta(minutes=1)
# Lambda runs an asynchronous invocation at most this often under one request id:
# https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
MAX_ATTEMPTS = limits.LAMBDA_MAX_RETRY_ATTEMPTS + 1
# How long before the window read a fire logged in it can have been: EventBridge keeps retrying
# a delivery for up to a day, Lambda an asynchronous event for up to six hours, then the run.
MAX_FIRE_AGE = (
    timedelta(
        seconds=limits.EVENTBRIDGE_MAX_EVENT_AGE_SECONDS + limits.LAMBDA_MAX_EVENT_AGE_SECONDS
    )
    + 2 * limits.LAMBDA_MAX_TIMEOUT
)
# ... and how far after its end (clocks disagree a little).
MAX_FIRE_LEAD = timedelta(minutes=5)

_WRAPPER_STATUS = {
    "succeeded": RunStatus.SUCCEEDED,
    "failed": RunStatus.FAILED,
    "timed_out": RunStatus.TIMED_OUT,
}
_TRIGGERS = {t.value: t for t in Trigger}
_MAX_VERSION_DIGITS = 10


@dataclass(frozen=True, slots=True)
class Binding:
    """The deployment value the job's function carries (`SCHED_DEPLOY`) and since when
    (its last deployment, epoch ms): a sched line logged since then must carry it. Lines from
    before it were written by an earlier deployment, whose value history cannot know."""

    deploy: str
    since_ms: int
    # The values of the function's other published versions (`versions:`): the live alias may
    # point at one of them (a rollback), whose lines carry its own value.
    also: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Reconstructed:
    """The runs found, and the log lines left out."""

    runs: list[Run]
    skipped: Skipped


class _Attempt:
    """The records of one invocation attempt, as they arrive."""

    __slots__ = (
        "app_error",
        "end_ms",
        "index",
        "log_stream",
        "report",
        "report_ms",
        "request_id",
        "runtime_done",
        "start_line",
        "start_line_ms",
        "start_ms",
        "timed_out",
        "timed_out_ms",
        "wrapper",
    )

    def __init__(self, request_id: str, index: int, log_stream: str) -> None:
        self.request_id = request_id
        self.index = index
        self.log_stream = log_stream
        self.start_ms: int | None = None
        self.end_ms: int | None = None
        self.report: PlatformReport | None = None
        self.report_ms: int | None = None
        self.runtime_done: RuntimeDone | None = None
        self.timed_out: TimedOut | None = None
        self.timed_out_ms: int | None = None
        self.wrapper: WrapperLine | None = None
        self.start_line: WrapperStart | None = None
        self.start_line_ms: int | None = None
        self.app_error: AppError | None = None

    @property
    def origin(self) -> WrapperLine | WrapperStart | None:
        """The wrapper line that says what started the run: the run line, else the start line."""
        return self.wrapper or self.start_line

    @property
    def finished(self) -> bool:
        return self.end_ms is not None or self.report is not None or self.timed_out is not None


def _implausible(record: WrapperLine | WrapperStart, fires: tuple[datetime, datetime]) -> bool:
    """A fire time no invocation logged in the window read can have: one far before or after
    it. It would stretch every computation over the years between (a rate's grid). A manual
    run's scheduled time is whatever its caller chose and stands for no fire."""
    fire = record.scheduled_time
    if fire is None or record.trigger == TRIGGER_MANUAL:
        return False
    return not fires[0] <= fire <= fires[1]


class _Collector:
    def __init__(self, binding: Binding | None, fires: tuple[datetime, datetime] | None) -> None:
        self.binding = binding
        self.fires = fires
        self.by_id: dict[str, list[_Attempt]] = {}
        self.lines: dict[str, int] = {}
        self.open_by_stream: dict[str, str] = {}
        self.unnamed: list[_Attempt] = []
        self.malformed = 0
        self.unbound = 0
        self.repeated = 0
        self.rejected: set[str] = set()
        self.skips: set[str] = set()  # requests whose skip line was believed

    def latest(self, request_id: str, stream: str) -> _Attempt:
        """The latest attempt of `request_id` (a first one if there is none)."""
        attempts = self.by_id.get(request_id)
        if attempts is None:
            attempts = self.by_id[request_id] = [_Attempt(request_id, 0, stream)]
            self.lines[request_id] = 1
        else:
            self.lines[request_id] += 1
        return attempts[-1]

    def fill(self, request_id: str, stream: str, slot: str) -> _Attempt | None:
        """The latest attempt if its `slot` is empty; None (a repeated record) if not."""
        attempt = self.latest(request_id, stream)
        if getattr(attempt, slot) is not None:
            self.repeated += 1
            return None
        return attempt

    def start(self, request_id: str, stream: str, ts: int) -> None:
        latest = self.latest(request_id, stream)
        attempts = self.by_id[request_id]
        if latest.finished and len(attempts) < MAX_ATTEMPTS:
            latest = _Attempt(request_id, len(attempts), stream)
            attempts.append(latest)
        elif latest.start_ms is not None or latest.finished:
            self.repeated += 1  # the same invocation's START again, or past Lambda's retries
            return
        latest.start_ms = ts
        latest.log_stream = stream
        self.open_by_stream[stream] = request_id

    def close(self, request_id: str, stream: str) -> None:
        if self.open_by_stream.get(stream) == request_id:
            del self.open_by_stream[stream]

    def bound(self, record: WrapperLine | WrapperStart, stream: str, ts: int) -> str | None:
        """The request id a sched line belongs to ("" for none known), or None when the line
        is not to be believed (counted as unbound, or malformed when its times are absurd)."""
        if self.fires is not None and _implausible(record, self.fires):
            self.malformed += 1
            return None
        running = self.open_by_stream.get(stream)
        refused = self._refused(record, running, ts)
        if refused:
            self.unbound += 1
            self.rejected.add(record.request_id or running or "")
            return None
        return record.request_id or running or ""

    def _refused(self, record: WrapperLine | WrapperStart, running: str | None, ts: int) -> bool:
        binding = self.binding
        if (
            binding is not None
            and ts >= binding.since_ms
            and record.deploy != binding.deploy
            and record.deploy not in binding.also
        ):
            return True
        # Lambda runs one invocation at a time in an execution environment (one log stream):
        # a line between START and END of one request id is that request's.
        return running is not None and record.request_id not in (None, running)

    def run_line(self, record: WrapperLine, stream: str, ts: int) -> None:
        request_id = self.bound(record, stream, ts)
        if request_id:
            attempt = self.latest(request_id, stream)
            if attempt.wrapper is not None:
                self.repeated += 1  # the wrapper logs its run line last: keep the last
            attempt.wrapper = record
        elif request_id is not None:
            unnamed = _Attempt("", 0, stream)
            unnamed.wrapper = record
            self.unnamed.append(unnamed)

    def start_line(self, record: WrapperStart, stream: str, ts: int) -> None:
        request_id = self.bound(record, stream, ts)
        if request_id and record.skipped:
            self.skips.add(request_id)
        elif request_id:
            attempt = self.fill(request_id, stream, "start_line")
            if attempt is not None:  # the wrapper logs its start line first: keep it
                attempt.start_line, attempt.start_line_ms = record, ts

    def add(self, event: LogEvent) -> None:
        record = parse_message(event.message)
        if record is None:
            return
        stream, ts = event.log_stream, event.timestamp_ms
        # The commonest records first: `match` tries the classes in turn (none derives from
        # another, so the order changes nothing else).
        match record:
            case PlatformStart():
                self.start(record.request_id, stream, ts)
            case WrapperLine():
                self.run_line(record, stream, ts)
            case RuntimeDone():
                attempt = self.fill(record.request_id, stream, "runtime_done")
                if attempt is not None:
                    attempt.runtime_done = record
            case PlatformReport():
                attempt = self.fill(record.request_id, stream, "report")
                if attempt is not None:
                    attempt.report, attempt.report_ms = record, ts
                self.close(record.request_id, stream)
            case PlatformEnd():
                attempt = self.fill(record.request_id, stream, "end_ms")
                if attempt is not None:
                    attempt.end_ms = ts
                self.close(record.request_id, stream)
            case WrapperStart():
                self.start_line(record, stream, ts)
            case Malformed():
                self.malformed += 1
            case TimedOut():
                attempt = self.fill(record.request_id, stream, "timed_out")
                if attempt is not None:
                    attempt.timed_out, attempt.timed_out_ms = record, ts
            case AppError():
                request_id = record.request_id or self.open_by_stream.get(stream)
                if request_id:
                    attempt = self.fill(request_id, stream, "app_error")
                    if attempt is not None:
                        attempt.app_error = record
            case _:
                assert_never(record)


def _time(ms: int | None) -> datetime | None:
    return utc_from_ms(ms) if ms is not None else None


def _ms(value: float | None) -> timedelta | None:
    return timedelta(milliseconds=value) if value is not None else None


def _first(*values: float | None) -> float | None:
    return next((v for v in values if v is not None), None)


def _status(a: _Attempt, start: datetime | None, now: datetime, horizon: timedelta) -> RunStatus:
    w, report, done = a.wrapper, a.report, a.runtime_done
    platform = (report.status if report else None, done.status if done else None)
    if a.timed_out or "timeout" in platform or (w and w.status == "timed_out"):
        return RunStatus.TIMED_OUT
    if "failure" in platform or "error" in platform or a.app_error or (w and w.status == "failed"):
        return RunStatus.FAILED
    if w is not None:
        return _WRAPPER_STATUS.get(w.status or "", RunStatus.UNKNOWN)
    if a.finished or "success" in platform:
        return RunStatus.SUCCEEDED
    if start is not None and now - start <= horizon:
        return RunStatus.RUNNING
    return RunStatus.UNKNOWN


def _run(a: _Attempt, job: str, now: datetime, horizon: timedelta) -> Run:
    w, report, done, error = a.wrapper, a.report, a.runtime_done, a.app_error
    duration = _ms(
        _first(
            report.duration_ms if report else None,
            done.duration_ms if done else None,
            w.duration_ms if w else None,
        )
    )
    start = _time(a.start_ms) or (w.start if w else None) or _time(a.start_line_ms)
    end: datetime | None = None
    if a.finished or w is not None:
        end = _time(a.end_ms or a.report_ms or a.timed_out_ms) or (w.end if w else None)
    if start is None and end is not None and duration is not None:
        start = end - duration
    if duration is None and start is not None and end is not None:
        duration = end - start
    status = _status(a, start, now, horizon)
    origin = a.origin
    scheduled = origin.scheduled_time if origin else None
    error_type = (
        (w.error_type if w else None)
        or (error.error_type if error else None)
        or (done.error_type if done else None)
        or (report.error_type if report else None)
    )
    error_message = (
        (w.error_message if w else None)
        or (error.message if error else None)
        or (a.timed_out.message if a.timed_out else None)
    )
    if OUT_OF_MEMORY in (report.error_type if report else None, done.error_type if done else None):
        # Lambda killed it: the runtime's exit line ("signal: killed") only echoes the kill.
        error_type = OUT_OF_MEMORY
        error_message = out_of_memory_text(
            report.max_memory_used_mb if report else None, report.memory_size_mb if report else None
        )
    return Run(
        job=job,
        request_id=a.request_id,
        status=status,
        scheduled_time=scheduled,
        start=start,
        end=end if status is not RunStatus.RUNNING else None,
        duration=duration,
        billed_duration=_ms(report.billed_duration_ms) if report else None,
        init_duration=_ms(report.init_duration_ms) if report else None,
        memory_size_mb=report.memory_size_mb if report else None,
        max_memory_used_mb=report.max_memory_used_mb if report else None,
        error_type=error_type,
        error_message=error_message,
        attempt=max((origin.attempt if origin else None) or 0, a.index + 1),
        trigger=_TRIGGERS.get(origin.trigger or "") if origin else None,
        delay=start - scheduled if start is not None and scheduled is not None else None,
        log_stream=a.log_stream,
        function_version=(origin.function_version if origin else None)
        or _stream_version(a.log_stream),
    )


def _stream_version(stream: str | None) -> str | None:
    """The published version in a Lambda log stream's name, `YYYY/MM/DD/[7]<instance>`
    (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs.html); `$LATEST`
    is no published version."""
    if not stream:
        return None
    _, bracket, rest = stream.partition("/[")
    version, close, _ = rest.partition("]")
    if not bracket or not close or not version.isdigit() or len(version) > _MAX_VERSION_DIGITS:
        return None
    return version


def _attributable(
    group: list[_Attempt], *, shared: bool, binding: Binding | None, rejected: bool
) -> bool:
    """Whether platform records alone (no sched line believed) make a run of the job: only
    when they begin with a START, no other job runs on the function, and no sched line of the
    request was refused. A function bound to a deployment logs the wrapper's start line before
    any handler runs, so since that deployment a request without one is not the job's."""
    starts = [a.start_ms for a in group if a.start_ms is not None]
    if shared or rejected or not starts:
        return False
    return binding is None or min(starts) < binding.since_ms


def _attempt_of(attempts: list[_Attempt]) -> _Attempt:
    """The attempt that stands for the request: the last, with the origin of the latest that
    logged one when the last did not (Lambda killed it before the wrapper could)."""
    last = attempts[-1]
    if last.origin is None:
        known = next((a for a in reversed(attempts) if a.origin is not None), None)
        if known is not None:
            last.start_line = known.start_line or last.start_line
            if last.start_line is None and known.wrapper is not None:
                last.start_line = WrapperStart(
                    known.wrapper.request_id,
                    known.wrapper.job,
                    known.wrapper.trigger,
                    known.wrapper.scheduled_time,
                    known.wrapper.attempt,
                    known.wrapper.deploy,
                )
    return last


def reconstruct(
    events: Iterable[LogEvent],
    job: str,
    *,
    now: datetime,
    running_horizon: timedelta = DEFAULT_RUNNING_HORIZON,
    shared: bool = False,
    binding: Binding | None = None,
    window: tuple[datetime, datetime] | None = None,
) -> Reconstructed:
    """The runs of `job` found in `events` (one function's log group), oldest first, and the
    lines left out (see module doc).

    A request whose wrapper lines name another job is left out (a shared log group). With
    `shared` (another job of the catalogue runs on the same function) platform records alone
    are not attributed. `binding` is the deployed function's deployment value, when it has one.
    `window` is the span the events were read from: a fire time no line logged in it can carry
    (see MAX_FIRE_AGE) makes the line malformed. A START with no end is `running` while younger
    than `running_horizon`, else `unknown`.
    """
    fires = (window[0] - MAX_FIRE_AGE, window[1] + MAX_FIRE_LEAD) if window else None
    collector = _Collector(binding, fires)
    for event in sorted(events, key=_TIMESTAMP):
        collector.add(event)
    chosen: list[_Attempt] = []
    unattributed = 0
    for request_id, group in collector.by_id.items():
        if request_id in collector.skips:
            continue  # an either-day job's second fire of a day: it ran nothing
        if any(a.origin and a.origin.job and a.origin.job != job for a in group):
            continue  # another job's run, in a log group the two share
        if all(a.origin is None for a in group) and not _attributable(
            group, shared=shared, binding=binding, rejected=request_id in collector.rejected
        ):
            unattributed += collector.lines.get(request_id, 0)
            continue
        chosen.append(_attempt_of(group))
    chosen += [a for a in collector.unnamed if not (a.wrapper and a.wrapper.job not in (None, job))]
    runs = sorted((_run(a, job, now, running_horizon) for a in chosen), key=timeline_key)
    skipped = Skipped(
        malformed=collector.malformed,
        unbound=collector.unbound,
        repeated=collector.repeated,
        unattributed=unattributed,
    )
    return Reconstructed(runs, skipped)


def reconstruct_runs(
    events: Iterable[LogEvent],
    job: str,
    *,
    now: datetime,
    running_horizon: timedelta = DEFAULT_RUNNING_HORIZON,
) -> list[Run]:
    """The runs of `job` found in `events` (see `reconstruct`), without what was skipped."""
    return reconstruct(events, job, now=now, running_horizon=running_horizon).runs
