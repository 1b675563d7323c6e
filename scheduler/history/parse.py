"""Parse one CloudWatch Logs message from a Lambda log group into a typed record, or None.

Knows Lambda's platform lines in text and JSON log format, the "Task timed out" line, runtime
error lines, and the runtime wrapper's JSON start and run lines (raw, wrapped by Lambda's JSON
app-log format, or in Python logging's `[INFO]` text form).
Cheap prefix/substring checks come before any `json.loads`: most lines are skipped unparsed.
Total: log lines are untrusted (any function in the account may write to the group), so a line
of a known shape that does not validate (NaN, a time out of range, a number no run can have) is
`Malformed`, never an exception.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from scheduler import limits
from scheduler.runtime.contract import (
    FAILED,
    LINE_PREFIX,
    LINE_RUN,
    LINE_SKIP,
    LINE_START,
    MAX_ERROR_MESSAGE_CHARS,
    SUCCEEDED,
    TIMED_OUT,
    TRIGGER_MANUAL,
    TRIGGER_RULE,
    TRIGGER_SCHEDULER,
)


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
class Malformed:
    """A line of a shape sched reads that does not validate; `reason` says what is wrong."""

    reason: str


@dataclass(frozen=True, slots=True)
class WrapperLine:
    """The runtime wrapper's `{"sched": "run", ...}` line (see scheduler/runtime/contract.py).

    `deploy` is the deployment value the wrapper logged (None from a wrapper older than it)."""

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
    deploy: str | None = None
    function_version: str | None = None


@dataclass(frozen=True, slots=True)
class WrapperStart:
    """The runtime wrapper's `{"sched": "start", ...}` line, logged before the job runs."""

    request_id: str | None
    job: str | None
    trigger: str | None
    scheduled_time: datetime | None
    attempt: int | None
    deploy: str | None = None
    skipped: bool = False  # a skip line: the request ran nothing (see contract.LINE_SKIP)
    function_version: str | None = None


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
_SURROGATES = re.compile("[\ud800-\udfff]")
# Longest id, job name or status sched writes is far below this; anything longer is not its.
_MAX_NAME_CHARS = 256
# No run lasts a day (Lambda stops at 15 minutes; a local run has no such limit, so be generous),
# and no attempt number of Lambda or EventBridge Scheduler goes past its retry limit.
_MAX_DURATION_MS = 24 * 60 * 60 * 1000.0
_MAX_ATTEMPT = limits.EVENTBRIDGE_MAX_RETRY_ATTEMPTS + 1
_MAX_MEMORY_MB = limits.LAMBDA_MAX_MEMORY_MB
_STATUSES = frozenset({SUCCEEDED, FAILED, TIMED_OUT})
_TRIGGER_KINDS = frozenset({TRIGGER_RULE, TRIGGER_SCHEDULER, TRIGGER_MANUAL})
# Times a run can carry: EventBridge's cron years, and no earlier than the epoch.
_EARLIEST = datetime(limits.CRON_YEAR_MIN, 1, 1, tzinfo=UTC)
_LATEST = datetime(limits.CRON_YEAR_MAX + 1, 1, 1, tzinfo=UTC)


class _Invalid(ValueError):
    """A field of a known line that does not validate (caught in `parse_message`)."""


def _reject_constant(name: str) -> float:
    raise _Invalid(f"{name} is no number a run can have")


# One decoder for every line (json.loads with options builds a new one per call).
_DECODER = json.JSONDecoder(parse_constant=_reject_constant)
# Its scanner (C), called straight: `decode` wraps each line in two Python frames and a
# whitespace regex, a third of the decoding's own time in bench/bench_history.py's profile.
# (typeshed does not declare `scan_once`.)
_SCAN: Callable[[str, int], tuple[Any, int]] = _DECODER.scan_once  # type: ignore[attr-defined]


def _loads(text: str) -> Any:
    """JSON without NaN/Infinity, which Python's json accepts and no writer of these lines uses.
    A text the scanner does not take whole (whitespace around it, extra data, no value) goes
    to `decode`, for its answer and its error."""
    try:
        value, end = _SCAN(text, 0)
    except StopIteration:
        return _DECODER.decode(text)
    return value if end == len(text) else _DECODER.decode(text)


def _clean(text: str) -> str:
    # A lone surrogate is valid in JSON text but cannot be written out as UTF-8.
    if text.isascii() or not _SURROGATES.search(text):
        return text
    return _SURROGATES.sub("\ufffd", text)


def _str(value: object) -> str | None:
    return _clean(value) if isinstance(value, str) else None


def _name(value: object, field: str) -> str | None:
    """An optional short text field: None, or text of at most _MAX_NAME_CHARS."""
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > _MAX_NAME_CHARS:
        raise _Invalid(f"{field} is not a short text")
    return _clean(value)


def _one_of(value: object, field: str, allowed: frozenset[str]) -> str | None:
    if value is None:
        return None
    # A list or an object is unhashable: `in` a frozenset would raise TypeError, not refuse.
    if not isinstance(value, str) or value not in allowed:
        raise _Invalid(f"{field} is not one of {', '.join(sorted(allowed))}")
    return value


def _message(value: object) -> str | None:
    text = _str(value)
    return text[:MAX_ERROR_MESSAGE_CHARS] if text is not None else None


def _num(value: object, *, top: float = _MAX_DURATION_MS) -> float | None:
    """A number in [0, top] (text or JSON), None when absent; anything else does not validate."""
    if value is None:
        return None
    if type(value) is float and 0 <= value <= top:  # the common case; NaN fails the test
        return value
    if type(value) is int and 0 <= value <= top:
        return float(value)
    if isinstance(value, bool):
        raise _Invalid("a boolean where a number belongs")
    number: float
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:
            raise _Invalid("a number too large") from None
    elif isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            raise _Invalid(f"{value[:20]!r} is not a number") from None
    else:
        raise _Invalid("not a number")
    if not math.isfinite(number) or not 0 <= number <= top:
        raise _Invalid(f"{number} is out of range")
    return number


def _whole(value: object, *, top: float) -> int | None:
    number = _num(value, top=top)
    return int(number) if number is not None else None


def _attempt(value: object) -> int | None:
    attempt = _whole(value, top=_MAX_ATTEMPT)
    if attempt == 0:
        raise _Invalid("attempt 0")
    return attempt


def _time(value: object, field: str) -> datetime | None:
    """An ISO-8601 time within the years a run can have; None when absent or null."""
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 40:
        raise _Invalid(f"{field} is not a time")
    try:
        when = datetime.fromisoformat(value)
        if when.tzinfo is not UTC:  # `Z` (the wrapper's) reads as UTC already
            when = (when.replace(tzinfo=UTC) if when.tzinfo is None else when).astimezone(UTC)
    except (ValueError, OverflowError):
        raise _Invalid(f"{field} {value!r} is not a time") from None
    if not _EARLIEST <= when < _LATEST:
        raise _Invalid(f"{field} {value!r} is out of range")
    return when


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
        request_id=_checked_id(request_id),
        duration_ms=_num(fields.get("Duration")),
        billed_duration_ms=_num(fields.get("Billed Duration")),
        memory_size_mb=_whole(fields.get("Memory Size"), top=_MAX_MEMORY_MB),
        max_memory_used_mb=_whole(fields.get("Max Memory Used"), top=_MAX_MEMORY_MB),
        init_duration_ms=_num(fields.get("Init Duration")),
        status=status.lower() if status else None,
        error_type=_name(fields.get("Error Type"), "Error Type"),
    )


def _checked_id(request_id: str) -> str:
    if len(request_id) > _MAX_NAME_CHARS:
        raise _Invalid("a request id too long to be Lambda's")
    return _clean(request_id)


def _wrapper(
    obj: dict[str, Any], fallback_request_id: str | None
) -> WrapperLine | WrapperStart | None:
    kind = obj.get("sched")
    if kind not in (LINE_START, LINE_RUN, LINE_SKIP):
        return None
    version = obj.get("v")
    if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
        raise _Invalid("v is not a schema version")
    request_id = _name(obj.get("request_id"), "request_id") or fallback_request_id
    job = _name(obj.get("job"), "job")
    trigger = _one_of(obj.get("trigger"), "trigger", _TRIGGER_KINDS)
    scheduled = _time(obj.get("scheduled_time"), "scheduled_time")
    attempt = _attempt(obj.get("attempt"))
    deploy = _name(obj.get("deploy"), "deploy")
    function_version = _name(obj.get("function_version"), "function_version")
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
        start=_time(obj.get("start"), "start"),
        end=_time(obj.get("end"), "end"),
        duration_ms=_num(obj.get("duration_ms")),
        status=_one_of(obj.get("status"), "status", _STATUSES),
        error_type=_name(obj.get("error_type"), "error_type"),
        error_message=_message(obj.get("error_message")),
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
    request_id = _checked_id(request_id)
    kind = obj.get("type")
    if kind == "platform.start":  # a quarter of all lines: nothing more to read
        return PlatformStart(request_id)
    raw_metrics = record.get("metrics")
    metrics: dict[str, Any] = raw_metrics if isinstance(raw_metrics, dict) else {}
    status = _str(record.get("status"))
    match kind:
        case "platform.runtimeDone":
            return RuntimeDone(
                request_id=request_id,
                status=(status or "").lower(),
                error_type=_name(record.get("errorType"), "errorType"),
                duration_ms=_num(metrics.get("durationMs")),
            )
        case "platform.report":
            return PlatformReport(
                request_id=request_id,
                duration_ms=_num(metrics.get("durationMs")),
                billed_duration_ms=_num(metrics.get("billedDurationMs")),
                memory_size_mb=_whole(metrics.get("memorySizeMB"), top=_MAX_MEMORY_MB),
                max_memory_used_mb=_whole(metrics.get("maxMemoryUsedMB"), top=_MAX_MEMORY_MB),
                init_duration_ms=_num(metrics.get("initDurationMs")),
                status=status.lower() if status else None,
                error_type=_name(record.get("errorType"), "errorType"),
            )
        case _:
            return None


def _app_json(obj: dict[str, Any]) -> Record | None:
    """A line in Lambda's JSON application-log format: the payload sits in "message"."""
    envelope_id = _str(obj.get("requestId"))
    inner = obj.get("message")
    if isinstance(inner, str) and inner.startswith(_WRAPPER_PREFIX):
        inner = _loads(inner)
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
        obj = _loads(message)
    except ValueError:
        if app:  # any JSON-looking line that merely mentions sched: not one of the known shapes
            return None
        raise
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
        obj = _loads(parts[3])
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


def parse_message(message: str) -> Record | Malformed | None:
    """The record a log message carries, `Malformed` for a line of a known shape that does not
    validate, or None for any other line. Never raises."""
    try:
        return _parse(message)
    except _Invalid as invalid:
        return Malformed(str(invalid))
    except (ValueError, OverflowError, RecursionError) as error:  # json's own, or its depth limit
        return Malformed(f"{type(error).__name__}: {str(error)[:80]}")


def _parse(message: str) -> Record | None:
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
