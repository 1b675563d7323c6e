"""Log messages that are JSON: Lambda's platform records (JSON log format), its JSON app-log
envelope, and the runtime wrapper's start and run lines (see scheduler/runtime/contract.py).
Cheap substring checks come before any JSON decoding: most lines are skipped undecoded."""

from __future__ import annotations

from typing import Any

from scheduler.history.fields import (
    MAX_DURATION_MS,
    MAX_MEMORY_MB,
    MAX_NAME_CHARS,
    Invalid,
    checked_attempt,
    checked_id,
    clean,
    loads,
    message,
    name,
    num,
    one_of,
    text,
    time,
    whole,
)
from scheduler.history.records import (
    AppError,
    PlatformReport,
    PlatformStart,
    Record,
    RuntimeDone,
    WrapperLine,
    WrapperStart,
)
from scheduler.runtime.contract import (
    FAILED,
    LINE_PREFIX,
    LINE_RUN,
    LINE_SKIP,
    LINE_START,
    SUCCEEDED,
    TIMED_OUT,
    TRIGGER_MANUAL,
    TRIGGER_RULE,
    TRIGGER_SCHEDULER,
)

_STATUSES = frozenset({SUCCEEDED, FAILED, TIMED_OUT})
_TRIGGER_KINDS = frozenset({TRIGGER_RULE, TRIGGER_SCHEDULER, TRIGGER_MANUAL})


def wrapper(
    obj: dict[str, Any], fallback_request_id: str | None
) -> WrapperLine | WrapperStart | None:
    """The wrapper's line `obj` is, or None for another `sched` kind; `fallback_request_id` is
    the id the line's envelope gave, for a line without its own."""
    kind = obj.get("sched")
    if kind not in (LINE_START, LINE_RUN, LINE_SKIP):
        return None
    version = obj.get("v")
    if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
        raise Invalid("v is not a schema version")
    # One run line per run: its short texts are checked inline when they are as the wrapper writes
    # them (None, or short ASCII), by `fields` otherwise; in the same order, for the same error.
    get = obj.get
    v = get("request_id")
    if not (v is None or (type(v) is str and len(v) <= MAX_NAME_CHARS and v.isascii())):
        v = name(v, "request_id")
    request_id = v or fallback_request_id
    job = get("job")
    if not (job is None or (type(job) is str and len(job) <= MAX_NAME_CHARS and job.isascii())):
        job = name(job, "job")
    trigger = get("trigger")
    if trigger is not None:
        trigger = one_of(trigger, "trigger", _TRIGGER_KINDS)
    scheduled = time(get("scheduled_time"), "scheduled_time")
    attempt = get("attempt")
    if attempt is not None:
        attempt = checked_attempt(attempt)
    deploy = get("deploy")
    if deploy is not None:
        deploy = name(deploy, "deploy")
    function_version = get("function_version")
    if function_version is not None:
        function_version = name(function_version, "function_version")
    if kind != LINE_RUN:
        return WrapperStart(
            request_id,
            job,
            trigger,
            scheduled,
            attempt,
            deploy,
            kind == LINE_SKIP,
            function_version,
        )
    start = time(get("start"), "start")
    end = time(get("end"), "end")
    duration = get("duration_ms")
    if not (type(duration) is float and 0 <= duration <= MAX_DURATION_MS):
        duration = num(duration)
    status = get("status")
    if status is not None:
        status = one_of(status, "status", _STATUSES)
    error_type = get("error_type")
    if error_type is not None:
        error_type = name(error_type, "error_type")
    error_message = get("error_message")
    if error_message is not None:
        error_message = message(error_message)
    return WrapperLine(
        request_id,
        job,
        trigger,
        scheduled,
        attempt,
        start,
        end,
        duration,
        status,
        error_type,
        error_message,
        deploy,
        function_version,
    )


def _platform(obj: dict[str, Any]) -> Record | None:
    # https://docs.aws.amazon.com/lambda/latest/dg/telemetry-schema-reference.html
    # Three lines in four of a history are these: the checks of `fields` are inlined where a
    # value is as Lambda writes it (ASCII text, a float or int in range), and called otherwise.
    record = obj.get("record")
    if not isinstance(record, dict):
        return None
    request_id = record.get("requestId")
    if not request_id or not isinstance(request_id, str):
        return None
    if len(request_id) > MAX_NAME_CHARS or not request_id.isascii():
        request_id = checked_id(request_id)
    kind = obj.get("type")
    if kind == "platform.start":  # a quarter of all lines: nothing more to read
        return PlatformStart(request_id)
    if kind not in ("platform.runtimeDone", "platform.report"):
        return None
    metrics = record.get("metrics")
    if not isinstance(metrics, dict):
        metrics = {}
    status = record.get("status")
    if not isinstance(status, str):
        status = None
    elif not status.isascii():
        status = clean(status)
    error_type = record.get("errorType")
    if kind == "platform.runtimeDone":
        if error_type is not None:
            error_type = name(error_type, "errorType")
        duration = metrics.get("durationMs")
        if not (type(duration) is float and 0 <= duration <= MAX_DURATION_MS):
            duration = num(duration)
        return RuntimeDone(request_id, (status or "").lower(), error_type, duration)
    get = metrics.get
    duration = get("durationMs")
    if not (type(duration) is float and 0 <= duration <= MAX_DURATION_MS):
        duration = num(duration)
    billed = get("billedDurationMs")  # an int in Lambda's records
    if type(billed) is int and 0 <= billed <= MAX_DURATION_MS:
        billed = float(billed)
    else:
        billed = num(billed)
    size = get("memorySizeMB")
    if not (type(size) is int and 0 <= size <= MAX_MEMORY_MB):
        size = whole(size, top=MAX_MEMORY_MB)
    used = get("maxMemoryUsedMB")
    if not (type(used) is int and 0 <= used <= MAX_MEMORY_MB):
        used = whole(used, top=MAX_MEMORY_MB)
    init = get("initDurationMs")
    if init is not None:
        init = num(init)
    return PlatformReport(
        request_id,
        duration,
        billed,
        size,
        used,
        init,
        status.lower() if status else None,
        None if error_type is None else name(error_type, "errorType"),
    )


def _app_json(obj: dict[str, Any]) -> Record | None:
    """A line in Lambda's JSON application-log format: the payload sits in "message"."""
    envelope_id = text(obj.get("requestId"))
    inner = obj.get("message")
    if isinstance(inner, str) and inner.startswith(LINE_PREFIX):
        inner = loads(inner)
    if not isinstance(inner, dict):
        return None
    if "sched" in inner:
        return wrapper(inner, envelope_id)
    error_type = text(inner.get("errorType"))
    if error_type and obj.get("level") in ("ERROR", "FATAL"):
        request_id = text(inner.get("requestId")) or envelope_id
        return AppError(request_id, error_type, text(inner.get("errorMessage")))
    return None


def json_line(message: str) -> Record | None:
    """The record of a message that begins with `{`, or None."""
    is_wrapper = message.startswith(LINE_PREFIX)
    platform = not is_wrapper and '"platform.' in message
    app = not is_wrapper and not platform and ("sched" in message or '"errorType"' in message)
    if not (is_wrapper or platform or app):
        return None
    try:
        obj = loads(message)
    except ValueError:
        if app:  # any JSON-looking line that merely mentions sched: not one of the known shapes
            return None
        raise
    if not isinstance(obj, dict):
        return None
    if is_wrapper:
        return wrapper(obj, None)
    if platform:
        return _platform(obj)
    return _app_json(obj)
