"""The wrapper that runs each job inside Lambda: standard library only, copied into every zip.

Lambda calls `sched_runtime.handler(event, context)`; it unwraps the event, logs a start line
(to stderr, which Lambda logs as it does stdout), calls the job's function as `fn(input, ctx)` and
prints ONE run line to stdout when the run ends. Lambda may kill a run before it ends (timeout,
out of memory): the start line still says what triggered it. `run_job` is the same wrapper for
in-process runs (local mode, `sched run`): it returns the record, never raises.

The start line (schema v1; the run line's first nine keys and values, `sched` aside):
  {"sched": "start", "v": 1, "job": str, "catalogue": str, "trigger": "rule"|"scheduler"|"manual",
   "trigger_id": str|null, "scheduled_time": str|null, "attempt": int|null,
   "request_id": str|null}
The run line (schema v1; keys always present, in this order, `null` when unknown):
  {"sched": "run", "v": 1, "job": str, "catalogue": str, "trigger": "rule"|"scheduler"|"manual",
   "trigger_id": str|null (EventBridge event id or Scheduler execution id),
   "scheduled_time": "2026-11-23T02:00:00Z"|null, "attempt": int|null, "request_id": str|null,
   "start": "2026-11-23T02:00:01.123Z", "end": "...", "duration_ms": float (3 decimals),
   "status": "succeeded"|"failed"|"timed_out", "error_type": str|null,
   "error_message": str|null (first 2000 characters), "expected_runtime_ms": int|null,
   "overran": bool}
When `duration_ms > expected_runtime_ms`, a second line follows:
  {"sched": "overran", "v": 1, "job": str, "request_id": str|null, "duration_ms": float,
   "expected_runtime_ms": int}

Environment read by `handler`: SCHED_JOB, SCHED_CATALOGUE, SCHED_HANDLER (`module.function`,
importable from the zip root; `module:function` also works), SCHED_EXPECTED_RUNTIME_MS.
Events: `{"sched": {...}, "input": {...}}` from a rule's InputTransformer (`event_id`) or from
EventBridge Scheduler (`execution_id`, `attempt`); `"manual": true` in the sched block marks a run
sched started by hand (`sched run`, `sched trigger`), logged as `manual` with its scheduled time;
anything else is a manual invoke whose whole event is the input. Failures are logged, then
re-raised so that Lambda records them and retries.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

SCHEMA_VERSION = 1
MAX_ERROR_MESSAGE_CHARS = 2000
_KEYS = {"sched", "input"}

JobFunction = Callable[[Any, "JobContext"], Any]
Clock = Callable[[], float]
Emit = Callable[[str], object]


def _stdout(line: str) -> None:
    print(line, flush=True)


def _stderr(line: str) -> None:
    # Lambda sends stderr to CloudWatch Logs as it does stdout:
    # https://docs.aws.amazon.com/lambda/latest/dg/python-logging.html
    print(line, file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Invocation:
    """What started the run, read from the event: `rule`, `scheduler` or `manual`."""

    kind: str
    job: str | None
    scheduled_time: datetime | None
    scheduled_time_text: str | None
    trigger_id: str | None
    attempt: int | None


@dataclass(frozen=True)
class JobContext:
    """The second argument of every job function."""

    job: str
    catalogue: str
    scheduled_time: datetime | None
    attempt: int | None
    request_id: str | None
    trigger: str
    lambda_context: Any = None

    def get_remaining_time_in_millis(self) -> int | None:
        """Lambda's remaining time for this invocation; None outside Lambda."""
        getter = getattr(self.lambda_context, "get_remaining_time_in_millis", None)
        return int(getter()) if callable(getter) else None

    def __getattr__(self, name: str) -> Any:
        # Handlers written for plain Lambda read context.aws_request_id, .function_name, ...
        inner = self.__dict__.get("lambda_context")
        if inner is None or name.startswith("__"):
            raise AttributeError(name)
        return getattr(inner, name)


def parse_time(text: object) -> datetime | None:
    """An ISO-8601 time (`Z` or offset) as an aware UTC datetime; None when it is not one."""
    if not isinstance(text, str) or not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _int_or_none(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def read_event(event: Any) -> tuple[Any, Invocation]:
    """Split an invocation event into the job's input and what triggered it."""
    if isinstance(event, dict) and isinstance(event.get("sched"), dict) and event.keys() <= _KEYS:
        meta: dict[str, Any] = event["sched"]
        raw_input = event.get("input")
        payload = {} if raw_input is None else raw_input
        when = meta.get("scheduled_time")
        is_scheduler = "execution_id" in meta
        trigger_id = meta.get("execution_id") if is_scheduler else meta.get("event_id")
        kind = "scheduler" if is_scheduler else "rule"
        return payload, Invocation(
            kind="manual" if meta.get("manual") is True else kind,
            job=meta.get("job") if isinstance(meta.get("job"), str) else None,
            scheduled_time=parse_time(when),
            scheduled_time_text=when if isinstance(when, str) else None,
            trigger_id=str(trigger_id) if trigger_id is not None else None,
            attempt=_int_or_none(meta.get("attempt")),
        )
    return event, Invocation("manual", None, None, None, None, None)


def utc_from_ms(ms: float) -> datetime:
    """Milliseconds since the epoch (a log event's timestamp) as an aware UTC datetime."""
    return datetime.fromtimestamp(ms / 1000, UTC)


def iso_ms(when: datetime) -> str:
    """`2026-11-23T02:00:01.123Z`: UTC, milliseconds (truncated), `Z`."""
    return when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _iso(seconds: float) -> str:
    return iso_ms(datetime.fromtimestamp(seconds, UTC))


def _scheduled_text(trigger: Invocation) -> str | None:
    if trigger.scheduled_time is not None:
        return trigger.scheduled_time.strftime("%Y-%m-%dT%H:%M:%SZ")
    return trigger.scheduled_time_text


def _identity(
    kind: str, job: str, catalogue: str, trigger: Invocation, request_id: str | None
) -> dict[str, Any]:
    return {
        "sched": kind,
        "v": SCHEMA_VERSION,
        "job": job,
        "catalogue": catalogue,
        "trigger": trigger.kind,
        "trigger_id": trigger.trigger_id,
        "scheduled_time": _scheduled_text(trigger),
        "attempt": trigger.attempt,
        "request_id": request_id,
    }


def _record(
    *,
    job: str,
    catalogue: str,
    trigger: Invocation,
    request_id: str | None,
    start: float,
    end: float,
    status: str,
    error: BaseException | None,
    error_message: str | None,
    expected_runtime_ms: int | None,
) -> dict[str, Any]:
    duration_ms = round(max(0.0, end - start) * 1000.0, 3)
    message = error_message
    if message is None and error is not None:
        message = str(error) or None
    return {
        **_identity("run", job, catalogue, trigger, request_id),
        "start": _iso(start),
        "end": _iso(end),
        "duration_ms": duration_ms,
        "status": status,
        "error_type": type(error).__name__ if error is not None else None,
        "error_message": message[:MAX_ERROR_MESSAGE_CHARS] if message is not None else None,
        "expected_runtime_ms": expected_runtime_ms,
        "overran": expected_runtime_ms is not None and duration_ms > expected_runtime_ms,
    }


def _emit_record(record: dict[str, Any], emit: Emit) -> None:
    emit(json.dumps(record, default=str))
    if record["overran"]:
        warning = {
            "sched": "overran",
            "v": SCHEMA_VERSION,
            "job": record["job"],
            "request_id": record["request_id"],
            "duration_ms": record["duration_ms"],
            "expected_runtime_ms": record["expected_runtime_ms"],
        }
        emit(json.dumps(warning))


class _Outcome:
    """What the job function did, filled in by the thread that ran it."""

    __slots__ = ("error", "result")

    def __init__(self) -> None:
        self.result: Any = None
        self.error: BaseException | None = None


def _call(resolve: Callable[[], JobFunction], payload: Any, ctx: JobContext, out: _Outcome) -> None:
    try:
        out.result = resolve()(payload, ctx)
    except BaseException as exc:  # anything the job raises, SystemExit included, is its failure
        out.error = exc


def execute(
    resolve: Callable[[], JobFunction],
    event: Any,
    *,
    job: str,
    catalogue: str,
    expected_runtime_ms: int | None,
    request_id: str | None,
    clock: Clock = time.time,
    emit: Emit = _stdout,
    lambda_context: Any = None,
    timeout_s: float | None = None,
    emit_start: Emit | None = _stderr,
) -> tuple[dict[str, Any], Any, BaseException | None]:
    """Run the job once and log its lines; return (record, result, error). Never raises.

    The start line goes to `emit_start` (None: not logged) before the job is resolved or called;
    the run line (and any overran line) to `emit` when it ends.

    `resolve` returns the job function; an import error in it is the run's failure.
    With `timeout_s` the function runs in a daemon thread and the wrapper stops waiting after the
    timeout (status `timed_out`); Python cannot stop the thread, so it may keep running.
    """
    payload, trigger = read_event(event)
    ctx = JobContext(
        job=job or trigger.job or "",
        catalogue=catalogue,
        scheduled_time=trigger.scheduled_time,
        attempt=trigger.attempt,
        request_id=request_id,
        trigger=trigger.kind,
        lambda_context=lambda_context,
    )
    if emit_start is not None:
        start_line = _identity("start", ctx.job, catalogue, trigger, request_id)
        emit_start(json.dumps(start_line, default=str))
    out = _Outcome()
    start = clock()
    timed_out = False
    if timeout_s is None:
        _call(resolve, payload, ctx, out)
    else:
        worker = threading.Thread(target=_call, args=(resolve, payload, ctx, out), daemon=True)
        worker.start()
        worker.join(timeout_s)
        timed_out = worker.is_alive()
    end = clock()
    status, error, message = ("failed" if out.error else "succeeded"), out.error, None
    if timed_out:
        status, error = "timed_out", TimeoutError()
        message = f"Task timed out after {timeout_s:.2f} seconds"
    record = _record(
        job=ctx.job,
        catalogue=catalogue,
        trigger=trigger,
        request_id=request_id,
        start=start,
        end=end,
        status=status,
        error=error,
        error_message=message,
        expected_runtime_ms=expected_runtime_ms,
    )
    _emit_record(record, emit)
    return record, (None if timed_out else out.result), error


def run_job(
    fn: JobFunction,
    event: Any,
    *,
    job: str,
    catalogue: str,
    expected_runtime_ms: int | None,
    request_id: str | None,
    clock: Clock = time.time,
    emit: Emit = _stdout,
    lambda_context: Any = None,
    timeout_s: float | None = None,
    emit_start: Emit | None = _stderr,
) -> dict[str, Any]:
    """Run `fn` through the wrapper in-process and return the run record (the logged line)."""
    record, _, error = execute(
        lambda: fn,
        event,
        job=job,
        catalogue=catalogue,
        expected_runtime_ms=expected_runtime_ms,
        request_id=request_id,
        clock=clock,
        emit=emit,
        lambda_context=lambda_context,
        timeout_s=timeout_s,
        emit_start=emit_start,
    )
    if isinstance(error, KeyboardInterrupt):
        raise error
    return record


def load_function(spec: str) -> JobFunction:
    """Import `module.function` (or `module:function`) and return the function."""
    module_name, sep, attr = spec.partition(":") if ":" in spec else spec.rpartition(".")
    if not sep or not module_name or not attr:
        raise ImportError(f"SCHED_HANDLER {spec!r} is not module.function")
    function: JobFunction = getattr(importlib.import_module(module_name), attr)
    return function


_loaded: dict[str, JobFunction] = {}


def _cached(spec: str) -> JobFunction:
    function = _loaded.get(spec)
    if function is None:
        function = _loaded[spec] = load_function(spec)
    return function


def invoke(
    event: Any,
    context: Any,
    *,
    environ: Mapping[str, str],
    clock: Clock = time.time,
    emit: Emit = _stdout,
    emit_start: Emit | None = _stderr,
) -> Any:
    """`handler` with its environment and clock passed in: runs, logs, re-raises on failure."""
    spec = environ.get("SCHED_HANDLER", "")
    expected = environ.get("SCHED_EXPECTED_RUNTIME_MS", "")
    _, result, error = execute(
        lambda: _cached(spec),
        event,
        job=environ.get("SCHED_JOB", ""),
        catalogue=environ.get("SCHED_CATALOGUE", ""),
        expected_runtime_ms=int(expected) if expected.isdigit() else None,
        request_id=getattr(context, "aws_request_id", None),
        clock=clock,
        emit=emit,
        lambda_context=context,
        emit_start=emit_start,
    )
    if error is not None:
        raise error
    return result


def handler(event: Any, context: Any) -> Any:
    """Lambda's entry point (`sched_runtime.handler`)."""
    return invoke(event, context, environ=os.environ)
