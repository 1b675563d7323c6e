"""Parse one CloudWatch Logs message from a Lambda log group into a typed record, or None.

Knows Lambda's platform lines in text and JSON log format, the "Task timed out" line, runtime
error lines, and the runtime wrapper's JSON start and run lines (raw, wrapped by Lambda's JSON
app-log format, or in Python logging's `[INFO]` text form).
Cheap prefix/substring checks come before any `json.loads`: most lines are skipped unparsed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from scheduler.runtime.contract import LINE_PREFIX, LINE_RUN, LINE_START, parse_time


@dataclass(frozen=True, slots=True)
class PlatformStart:
    request_id: str


@dataclass(frozen=True, slots=True)
class PlatformEnd:
    request_id: str


@dataclass(frozen=True, slots=True)
class PlatformReport:
    """REPORT line / platform.report; `status` is success|failure|error|timeout when logged."""

    request_id: str
    duration_ms: float | None
    billed_duration_ms: float | None
    memory_size_mb: int | None
    max_memory_used_mb: int | None
    init_duration_ms: float | None
    status: str | None
    error_type: str | None


@dataclass(frozen=True, slots=True)
class RuntimeDone:
    """platform.runtimeDone (JSON log format only)."""

    request_id: str
    status: str
    error_type: str | None
    duration_ms: float | None


@dataclass(frozen=True, slots=True)
class TimedOut:
    request_id: str
    message: str


@dataclass(frozen=True, slots=True)
class AppError:
    """An unhandled error the Lambda runtime logged; text-format lines carry no request id."""

    request_id: str | None
    error_type: str
    message: str | None


@dataclass(frozen=True, slots=True)
class WrapperLine:
    """The runtime wrapper's `{"sched": "run", ...}` line (see scheduler/runtime/contract.py)."""

    request_id: str | None
    job: str | None
    trigger: str | None
    scheduled_time: datetime | None
    attempt: int | None
    start: datetime | None
    end: datetime | None
    duration_ms: float | None
    status: str | None
    error_type: str | None
    error_message: str | None


@dataclass(frozen=True, slots=True)
class WrapperStart:
    """The runtime wrapper's `{"sched": "start", ...}` line, logged before the job runs."""

    request_id: str | None
    job: str | None
    trigger: str | None
    scheduled_time: datetime | None
    attempt: int | None


Record = (
    PlatformStart
    | PlatformEnd
    | PlatformReport
    | RuntimeDone
    | TimedOut
    | AppError
    | WrapperLine
    | WrapperStart
)

# https://docs.aws.amazon.com/lambda/latest/dg/python-logging.html (REPORT line fields); the
# fields are tab-separated in CloudWatch but documentation pages often show them with spaces.
_REPORT_FIELD = re.compile(
    r"(Billed Duration|Init Duration|Restore Duration|Duration|Memory Size|Max Memory Used"
    r"|Status|Error Type): (\S+)"
)
_TIMED_OUT = " Task timed out after "
_WRAPPER_PREFIX = LINE_PREFIX


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _num(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _whole(value: object) -> int | None:
    number = _num(value)
    return int(number) if number is not None else None


def _first_line(text: str) -> str:
    for stop in ("\r", "\n"):
        cut = text.find(stop)
        if cut >= 0:
            text = text[:cut]
    return text


def _text_report(message: str) -> PlatformReport | None:
    head, _, rest = message[len("REPORT RequestId: ") :].partition("\t")
    request_id = head.split()[0] if head.split() else ""
    if not request_id:
        return None
    if not rest:  # space-separated variant: the fields follow the id on the same segment
        rest = head[len(request_id) :]
    fields = dict(_REPORT_FIELD.findall(rest))
    status = fields.get("Status")
    return PlatformReport(
        request_id=request_id,
        duration_ms=_num(fields.get("Duration")),
        billed_duration_ms=_num(fields.get("Billed Duration")),
        memory_size_mb=_whole(fields.get("Memory Size")),
        max_memory_used_mb=_whole(fields.get("Max Memory Used")),
        init_duration_ms=_num(fields.get("Init Duration")),
        status=status.lower() if status else None,
        error_type=fields.get("Error Type"),
    )


def _wrapper(
    obj: dict[str, Any], fallback_request_id: str | None
) -> WrapperLine | WrapperStart | None:
    kind = obj.get("sched")
    if kind == LINE_START:
        return WrapperStart(
            request_id=_str(obj.get("request_id")) or fallback_request_id,
            job=_str(obj.get("job")),
            trigger=_str(obj.get("trigger")),
            scheduled_time=parse_time(obj.get("scheduled_time")),
            attempt=_whole(obj.get("attempt")),
        )
    if kind != LINE_RUN:
        return None
    return WrapperLine(
        request_id=_str(obj.get("request_id")) or fallback_request_id,
        job=_str(obj.get("job")),
        trigger=_str(obj.get("trigger")),
        scheduled_time=parse_time(obj.get("scheduled_time")),
        attempt=_whole(obj.get("attempt")),
        start=parse_time(obj.get("start")),
        end=parse_time(obj.get("end")),
        duration_ms=_num(obj.get("duration_ms")),
        status=_str(obj.get("status")),
        error_type=_str(obj.get("error_type")),
        error_message=_str(obj.get("error_message")),
    )


def _platform(obj: dict[str, Any]) -> Record | None:
    # https://docs.aws.amazon.com/lambda/latest/dg/telemetry-schema-reference.html
    record = obj.get("record")
    if not isinstance(record, dict):
        return None
    request_id = _str(record.get("requestId"))
    if not request_id:
        return None
    raw_metrics = record.get("metrics")
    metrics: dict[str, Any] = raw_metrics if isinstance(raw_metrics, dict) else {}
    status = _str(record.get("status"))
    match obj.get("type"):
        case "platform.start":
            return PlatformStart(request_id)
        case "platform.runtimeDone":
            return RuntimeDone(
                request_id=request_id,
                status=(status or "").lower(),
                error_type=_str(record.get("errorType")),
                duration_ms=_num(metrics.get("durationMs")),
            )
        case "platform.report":
            return PlatformReport(
                request_id=request_id,
                duration_ms=_num(metrics.get("durationMs")),
                billed_duration_ms=_num(metrics.get("billedDurationMs")),
                memory_size_mb=_whole(metrics.get("memorySizeMB")),
                max_memory_used_mb=_whole(metrics.get("maxMemoryUsedMB")),
                init_duration_ms=_num(metrics.get("initDurationMs")),
                status=status.lower() if status else None,
                error_type=_str(record.get("errorType")),
            )
        case _:
            return None


def _app_json(obj: dict[str, Any]) -> Record | None:
    """A line in Lambda's JSON application-log format: the payload sits in "message"."""
    envelope_id = _str(obj.get("requestId"))
    inner = obj.get("message")
    if isinstance(inner, str) and inner.startswith(_WRAPPER_PREFIX):
        try:
            inner = json.loads(inner)
        except ValueError:
            return None
    if not isinstance(inner, dict):
        return None
    if "sched" in inner:
        return _wrapper(inner, envelope_id)
    error_type = _str(inner.get("errorType"))
    if error_type and obj.get("level") in ("ERROR", "FATAL"):
        request_id = _str(inner.get("requestId")) or envelope_id
        return AppError(request_id, error_type, _str(inner.get("errorMessage")))
    return None


def _json_line(message: str) -> Record | None:
    wrapper = message.startswith(_WRAPPER_PREFIX)
    platform = not wrapper and '"platform.' in message
    app = not wrapper and not platform and ("sched" in message or '"errorType"' in message)
    if not (wrapper or platform or app):
        return None
    try:
        obj = json.loads(message)
    except ValueError:
        return None
    if not isinstance(obj, dict):
        return None
    if wrapper:
        return _wrapper(obj, None)
    if platform:
        return _platform(obj)
    return _app_json(obj)


def _text_error(message: str) -> AppError | None:
    # Python runtime, unhandled exception: "[ERROR] ValueError: boom\rTraceback ..." (no id).
    line = _first_line(message[len("[ERROR] ") :])
    error_type, sep, text = line.partition(": ")
    if not error_type or " " in error_type:
        return None
    return AppError(None, error_type, text if sep else None)


def _text_tabbed(message: str) -> Record | None:
    # Python `logging` in text format: "[INFO]\t<time>\t<request id>\t<message>".
    parts = message.split("\t", 3)
    if len(parts) == 4 and parts[3].startswith(_WRAPPER_PREFIX):
        try:
            obj = json.loads(parts[3])
        except ValueError:
            return None
        return _wrapper(obj, parts[2]) if isinstance(obj, dict) else None
    return None


def _runtime_exit(message: str) -> AppError | None:
    # "RequestId: <id> Error: Runtime exited with error: signal: killed\nRuntime.ExitError"
    head, sep, text = message[len("RequestId: ") :].partition(" Error: ")
    if not sep:
        return None
    lines = text.strip().splitlines()
    last = lines[-1].strip() if lines else ""
    error_type = last if last.startswith("Runtime.") else "Runtime.ExitError"
    return AppError(head.strip(), error_type, lines[0].strip() if lines else None)


def parse_message(message: str) -> Record | None:
    """The record a log message carries, or None for any other line."""
    text = message.strip()
    if not text:
        return None
    first = text[0]
    if first == "{":
        return _json_line(text)
    if first == "S" and text.startswith("START RequestId: "):
        parts = text[17:].split(None, 1)
        return PlatformStart(parts[0]) if parts else None
    if first == "E" and text.startswith("END RequestId: "):
        parts = text[15:].split(None, 1)
        return PlatformEnd(parts[0]) if parts else None
    if first == "R":
        if text.startswith("REPORT RequestId: "):
            return _text_report(text)
        if text.startswith("RequestId: "):
            return _runtime_exit(text)
        return None
    if first == "[":
        if text.startswith("[ERROR] "):
            return _text_error(text)
        if _WRAPPER_PREFIX in text:
            return _text_tabbed(text)
        return None
    if first.isdigit() and _TIMED_OUT in text:
        # "2023-06-05T12:00:03.123Z <request id> Task timed out after 3.00 seconds"
        parts = text.split(" ", 2)
        if len(parts) == 3 and parts[2].startswith("Task timed out after "):
            return TimedOut(parts[1], _first_line(parts[2]))
    return None
