"""Log messages that are JSON: Lambda's platform records (JSON log format), its JSON app-log
envelope, and the runtime wrapper's start and run lines (see scheduler/runtime/contract.py).
Cheap substring checks come before any JSON decoding: most lines are skipped undecoded."""

from __future__ import annotations

from typing import Any

from scheduler.history import fields as f
from scheduler.history.fields import Invalid
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
    request_id = f.name(obj.get("request_id"), "request_id") or fallback_request_id
    job = f.name(obj.get("job"), "job")
    trigger = f.one_of(obj.get("trigger"), "trigger", _TRIGGER_KINDS)
    scheduled = f.time(obj.get("scheduled_time"), "scheduled_time")
    attempt = f.attempt(obj.get("attempt"))
    deploy = f.name(obj.get("deploy"), "deploy")
    function_version = f.name(obj.get("function_version"), "function_version")
    if kind in (LINE_START, LINE_SKIP):
        return WrapperStart(
            request_id,
            job,
            trigger,
            scheduled,
            attempt,
            deploy,
            skipped=kind == LINE_SKIP,
            function_version=function_version,
        )
    return WrapperLine(
        request_id=request_id,
        job=job,
        trigger=trigger,
        scheduled_time=scheduled,
        attempt=attempt,
        start=f.time(obj.get("start"), "start"),
        end=f.time(obj.get("end"), "end"),
        duration_ms=f.num(obj.get("duration_ms")),
        status=f.one_of(obj.get("status"), "status", _STATUSES),
        error_type=f.name(obj.get("error_type"), "error_type"),
        error_message=f.message(obj.get("error_message")),
        deploy=deploy,
        function_version=function_version,
    )


def _platform(obj: dict[str, Any]) -> Record | None:
    # https://docs.aws.amazon.com/lambda/latest/dg/telemetry-schema-reference.html
    record = obj.get("record")
    if not isinstance(record, dict):
        return None
    request_id = record.get("requestId")
    if not request_id or not isinstance(request_id, str):
        return None
    request_id = f.request_id(request_id)
    kind = obj.get("type")
    if kind == "platform.start":  # a quarter of all lines: nothing more to read
        return PlatformStart(request_id)
    raw_metrics = record.get("metrics")
    metrics: dict[str, Any] = raw_metrics if isinstance(raw_metrics, dict) else {}
    status = f.text(record.get("status"))
    match kind:
        case "platform.runtimeDone":
            return RuntimeDone(
                request_id=request_id,
                status=(status or "").lower(),
                error_type=f.name(record.get("errorType"), "errorType"),
                duration_ms=f.num(metrics.get("durationMs")),
            )
        case "platform.report":
            return PlatformReport(
                request_id=request_id,
                duration_ms=f.num(metrics.get("durationMs")),
                billed_duration_ms=f.num(metrics.get("billedDurationMs")),
                memory_size_mb=f.whole(metrics.get("memorySizeMB"), top=f.MAX_MEMORY_MB),
                max_memory_used_mb=f.whole(metrics.get("maxMemoryUsedMB"), top=f.MAX_MEMORY_MB),
                init_duration_ms=f.num(metrics.get("initDurationMs")),
                status=status.lower() if status else None,
                error_type=f.name(record.get("errorType"), "errorType"),
            )
        case _:
            return None


def _app_json(obj: dict[str, Any]) -> Record | None:
    """A line in Lambda's JSON application-log format: the payload sits in "message"."""
    envelope_id = f.text(obj.get("requestId"))
    inner = obj.get("message")
    if isinstance(inner, str) and inner.startswith(LINE_PREFIX):
        inner = f.loads(inner)
    if not isinstance(inner, dict):
        return None
    if "sched" in inner:
        return wrapper(inner, envelope_id)
    error_type = f.text(inner.get("errorType"))
    if error_type and obj.get("level") in ("ERROR", "FATAL"):
        request_id = f.text(inner.get("requestId")) or envelope_id
        return AppError(request_id, error_type, f.text(inner.get("errorMessage")))
    return None


def json_line(message: str) -> Record | None:
    """The record of a message that begins with `{`, or None."""
    is_wrapper = message.startswith(LINE_PREFIX)
    platform = not is_wrapper and '"platform.' in message
    app = not is_wrapper and not platform and ("sched" in message or '"errorType"' in message)
    if not (is_wrapper or platform or app):
        return None
    try:
        obj = f.loads(message)
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
