"""The log events a Lambda function with the JSON log format writes for one invocation:
`platform.start`, the wrapper's start line, what the handler printed and logged (each at its
time), the wrapper's run line, the runtime's ERROR line for an unhandled error,
`platform.runtimeDone` and `platform.report`. Local mode writes
them so that history reads a local run exactly as it reads one in AWS.
https://docs.aws.amazon.com/lambda/latest/dg/telemetry-schema-reference.html
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from scheduler.ports import LogEvent
from scheduler.runtime.contract import iso_ms, utc_from_ms

VERSION = "$LATEST"


@dataclass(frozen=True)
class Invocation:
    """What the platform saw of one invocation; `status` is success|failure|timeout."""

    request_id: str
    start_ms: int
    end_ms: int
    status: str
    duration_ms: float
    memory_size_mb: int
    max_memory_used_mb: int | None  # None: not measured (a local run), left out of REPORT
    error_type: str | None = None
    error_message: str | None = None
    stack_trace: tuple[str, ...] = ()


def log_stream_name(request_id: str, start: datetime, function: str) -> str:
    """`2026/11/25/<function>[$LATEST]<32 hex>`, as Lambda names a stream in a group of the
    function's own choosing (LoggingConfig.LogGroup); Lambda names one per execution
    environment, local mode one per run, derived from its request id so that it is reproducible.
    https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-loggroups.html"""
    digest = hashlib.sha256(request_id.encode()).hexdigest()[:32]
    return f"{start.astimezone(UTC):%Y/%m/%d}/{function}[{VERSION}]{digest}"


def _iso(ms: int) -> str:
    return iso_ms(utc_from_ms(ms))


def _platform(kind: str, ms: int, record: Mapping[str, object]) -> str:
    return json.dumps({"time": _iso(ms), "type": f"platform.{kind}", "record": record})


def _error_line(call: Invocation, ms: int) -> str:
    message = {
        "errorMessage": call.error_message or "",
        "errorType": call.error_type,
        "requestId": call.request_id,
        "stackTrace": list(call.stack_trace),
    }
    body = {
        "timestamp": _iso(ms),
        "level": "ERROR",
        "message": message,
        "requestId": call.request_id,
    }
    return json.dumps(body)


def invocation_events(
    call: Invocation,
    output: Sequence[str],
    log_stream: str,
    *,
    started: Sequence[str] = (),
    printed: Sequence[tuple[int, str]] = (),
) -> list[LogEvent]:
    """The events of `call`: `started` (lines printed as it began) logged at its start, right
    after `platform.start`; `printed` ((epoch ms, line) as the handler wrote them, in order),
    each at its time within the invocation; and `output` (the wrapper's last lines) at its end."""
    end = call.end_ms
    duration = round(call.duration_ms, 2)
    start = {"requestId": call.request_id, "version": VERSION}
    lines: list[tuple[int, str]] = [(call.start_ms, _platform("start", call.start_ms, start))]
    lines += [(call.start_ms, line) for line in started]
    # Within START..END, so that each line belongs to its run, and never earlier than the line
    # written before it (threads of the handler's may read the clock out of turn).
    floor = call.start_ms
    for ms, line in printed:
        floor = max(floor, min(ms, end))
        lines.append((floor, line))
    lines += [(end, line) for line in output]
    if call.status == "failure" and call.error_type:
        lines.append((end + 1, _error_line(call, end + 1)))
    done = {
        "requestId": call.request_id,
        "status": call.status,
        "metrics": {"durationMs": duration, "producedBytes": 0},
    }
    lines.append((end + 2, _platform("runtimeDone", end + 2, done)))
    metrics: dict[str, float | int] = {
        "durationMs": duration,
        "billedDurationMs": max(1, math.ceil(duration)),
        "memorySizeMB": call.memory_size_mb,
    }
    if call.max_memory_used_mb is not None:
        metrics["maxMemoryUsedMB"] = call.max_memory_used_mb
    report = {"requestId": call.request_id, "metrics": metrics, "status": call.status}
    lines.append((end + 3, _platform("report", end + 3, report)))
    return [LogEvent(ms, message, log_stream) for ms, message in lines]
