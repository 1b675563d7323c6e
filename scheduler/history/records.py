"""The typed records parsing makes of Lambda log messages: Lambda's platform lines, the runtime's
error lines, and the runtime wrapper's start and run lines; `Malformed` for a line of a known
shape that does not validate."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(slots=True)
class PlatformStart:
    request_id: str


@dataclass(slots=True)
class PlatformEnd:
    request_id: str


@dataclass(slots=True)
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


@dataclass(slots=True)
class RuntimeDone:
    """platform.runtimeDone (JSON log format only)."""

    request_id: str
    status: str
    error_type: str | None
    duration_ms: float | None


@dataclass(slots=True)
class TimedOut:
    request_id: str
    message: str


@dataclass(slots=True)
class AppError:
    """An unhandled error the Lambda runtime logged; text-format lines carry no request id."""

    request_id: str | None
    error_type: str
    message: str | None


@dataclass(slots=True)
class Malformed:
    """A line of a shape sched reads that does not validate; `reason` says what is wrong."""

    reason: str


@dataclass(slots=True)
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


@dataclass(slots=True)
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
