"""One invocation attempt's records → its `Run`: status, times, durations, error, memory, attempt
number and trigger, each from the most trustworthy record that has it."""

from __future__ import annotations

from datetime import datetime, timedelta

from scheduler.history.collect import Attempt
from scheduler.history.model import OUT_OF_MEMORY, Run, RunStatus, Trigger, out_of_memory_text
from scheduler.runtime.contract import utc_from_ms

_WRAPPER_STATUS = {
    "succeeded": RunStatus.SUCCEEDED,
    "failed": RunStatus.FAILED,
    "timed_out": RunStatus.TIMED_OUT,
}
_TRIGGERS = {t.value: t for t in Trigger}
_MAX_VERSION_DIGITS = 10


def _ms(value: float | None) -> timedelta | None:
    return timedelta(0, 0, 0, value) if value is not None else None  # milliseconds


def _status(a: Attempt, start: datetime | None, now: datetime, horizon: timedelta) -> RunStatus:
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


def run_of(a: Attempt, job: str, now: datetime, horizon: timedelta) -> Run:
    """The run `a`'s records make (see the module doc)."""
    # Once per run of a history: each field is taken in line rather than through helpers.
    w, report, done, error = a.wrapper, a.report, a.runtime_done, a.app_error
    if report is not None and report.duration_ms is not None:
        ms: float | None = report.duration_ms
    elif done is not None and done.duration_ms is not None:
        ms = done.duration_ms
    else:
        ms = w.duration_ms if w else None
    duration = timedelta(0, 0, 0, ms) if ms is not None else None  # milliseconds
    if a.start_ms is not None:
        start: datetime | None = utc_from_ms(a.start_ms)
    elif w is not None and w.start is not None:
        start = w.start
    else:
        start = utc_from_ms(a.start_line_ms) if a.start_line_ms is not None else None
    end: datetime | None = None
    if a.finished or w is not None:
        end_ms = a.end_ms or a.report_ms or a.timed_out_ms
        end = utc_from_ms(end_ms) if end_ms is not None else (w.end if w else None)
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
