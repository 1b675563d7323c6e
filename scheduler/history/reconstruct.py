"""Rebuild a job's runs from the CloudWatch Logs events of its Lambda function.

Records are grouped by request id, then split into attempts: Lambda's own retries of an
asynchronous invocation reuse the request id, so each new START (or a second record of a kind
the attempt already has) begins a new attempt. The wrapper's lines and the platform records merge;
platform records alone still make a run (the wrapper cannot log its run line when Lambda kills a
timed-out or out-of-memory invocation); its start line then gives the trigger and scheduled time.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import assert_never

from scheduler import limits
from scheduler.history.model import Run, RunStatus, Trigger, timeline_key
from scheduler.history.parse import (
    AppError,
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
from scheduler.runtime.contract import utc_from_ms

# A START older than the longest possible invocation (plus a minute for log delivery) whose end
# was never logged cannot still be running.
DEFAULT_RUNNING_HORIZON = limits.LAMBDA_MAX_TIMEOUT + timedelta(minutes=1)

_WRAPPER_STATUS = {
    "succeeded": RunStatus.SUCCEEDED,
    "failed": RunStatus.FAILED,
    "timed_out": RunStatus.TIMED_OUT,
}
_TRIGGERS = {t.value: t for t in Trigger}


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


class _Collector:
    def __init__(self) -> None:
        self.by_id: dict[str, list[_Attempt]] = {}
        self.open_by_stream: dict[str, str] = {}
        self.unnamed: list[_Attempt] = []

    def _new(self, request_id: str, stream: str) -> _Attempt:
        attempts = self.by_id.setdefault(request_id, [])
        attempt = _Attempt(request_id, len(attempts), stream)
        attempts.append(attempt)
        return attempt

    def slot(self, request_id: str, stream: str, filled: str) -> _Attempt:
        """The latest attempt of `request_id`, or a new one if its `filled` slot is taken."""
        attempts = self.by_id.get(request_id)
        if attempts and getattr(attempts[-1], filled) is None:
            return attempts[-1]
        return self._new(request_id, stream)

    def start(self, request_id: str, stream: str, ts: int) -> None:
        attempts = self.by_id.get(request_id)
        latest = attempts[-1] if attempts else None
        if latest is None or latest.start_ms is not None or latest.finished or latest.wrapper:
            latest = self._new(request_id, stream)
        latest.start_ms = ts
        latest.log_stream = stream
        self.open_by_stream[stream] = request_id

    def close(self, request_id: str, stream: str) -> None:
        if self.open_by_stream.get(stream) == request_id:
            del self.open_by_stream[stream]

    def add(self, event: LogEvent) -> None:
        record = parse_message(event.message)
        if record is None:
            return
        stream, ts = event.log_stream, event.timestamp_ms
        match record:
            case PlatformStart():
                self.start(record.request_id, stream, ts)
            case PlatformEnd():
                self.slot(record.request_id, stream, "end_ms").end_ms = ts
                self.close(record.request_id, stream)
            case PlatformReport():
                attempt = self.slot(record.request_id, stream, "report")
                attempt.report, attempt.report_ms = record, ts
                self.close(record.request_id, stream)
            case RuntimeDone():
                self.slot(record.request_id, stream, "runtime_done").runtime_done = record
            case TimedOut():
                attempt = self.slot(record.request_id, stream, "timed_out")
                attempt.timed_out, attempt.timed_out_ms = record, ts
            case AppError():
                request_id = record.request_id or self.open_by_stream.get(stream)
                if request_id:
                    self.slot(request_id, stream, "app_error").app_error = record
            case WrapperLine():
                request_id = record.request_id or self.open_by_stream.get(stream)
                if request_id:
                    self.slot(request_id, stream, "wrapper").wrapper = record
                else:
                    attempt = _Attempt("", 0, stream)
                    attempt.wrapper = record
                    self.unnamed.append(attempt)
            case WrapperStart():
                request_id = record.request_id or self.open_by_stream.get(stream)
                if request_id:
                    attempt = self.slot(request_id, stream, "start_line")
                    attempt.start_line, attempt.start_line_ms = record, ts
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
        error_type=(w.error_type if w else None)
        or (error.error_type if error else None)
        or (done.error_type if done else None)
        or (report.error_type if report else None),
        error_message=(w.error_message if w else None)
        or (error.message if error else None)
        or (a.timed_out.message if a.timed_out else None),
        attempt=(origin.attempt if origin else None) or a.index + 1,
        trigger=_TRIGGERS.get(origin.trigger or "") if origin else None,
        delay=start - scheduled if start is not None and scheduled is not None else None,
        log_stream=a.log_stream,
    )


def reconstruct_runs(
    events: Iterable[LogEvent],
    job: str,
    *,
    now: datetime,
    running_horizon: timedelta = DEFAULT_RUNNING_HORIZON,
) -> list[Run]:
    """The runs of `job` found in `events` (one function's log group), oldest first.

    A request whose wrapper lines name another job is left out (a shared log group).
    A START with no end is `running` while younger than `running_horizon`, else `unknown`.
    """
    collector = _Collector()
    for event in sorted(events, key=lambda e: e.timestamp_ms):
        collector.add(event)
    foreign = {
        request_id
        for request_id, attempts in collector.by_id.items()
        if any(a.origin and a.origin.job and a.origin.job != job for a in attempts)
    }
    attempts = [
        a
        for request_id, group in collector.by_id.items()
        if request_id not in foreign
        for a in group
    ]
    attempts += [
        a for a in collector.unnamed if not (a.wrapper and a.wrapper.job not in (None, job))
    ]
    return sorted((_run(a, job, now, running_horizon) for a in attempts), key=timeline_key)
