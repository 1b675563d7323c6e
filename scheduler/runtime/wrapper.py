"""The wrapper that runs each job inside Lambda: standard library only, zipped into every function.

Lambda calls `sched_runtime.handler(event, context)`; it unwraps the event, logs a start line
(to stderr, which Lambda logs as it does stdout), calls the job's function as `fn(input, ctx)` and
prints ONE run line to stdout when the run ends (the lines and the environment are the wire
contract, `contract.py`). Lambda may kill a run before it ends (timeout, out of memory): the start
line still says what triggered it. `execute` is the same wrapper for in-process runs (local mode,
`sched run`). Failures are logged, then re-raised so that Lambda records them and retries.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
import threading
import time
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .contract import (
    ENV_CATALOGUE,
    ENV_DEPLOY,
    ENV_EXPECTED_RUNTIME_MS,
    ENV_HANDLER,
    ENV_JOB,
    ENV_SECRETS,
    FAILED,
    LAMBDA_VERSION_VARIABLE,
    SUCCEEDED,
    TIMED_OUT,
    RunRecord,
    SecretRef,
    fired_by_other_half,
    read_event,
    skip_line,
    start_line,
)

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


@dataclass(frozen=True)
class Executed:
    """One run: what the wrapper logged of it, what the job returned, and what it raised."""

    record: RunRecord
    result: Any
    error: BaseException | None


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
    deploy: str | None = None,
    function_version: str | None = None,
) -> Executed:
    """Run the job once and log its lines. Never raises.

    The start line goes to `emit_start` (None: not logged) before the job is resolved or called;
    the run line (and any overran line) to `emit` when it ends.

    `resolve` returns the job function; an import error in it is the run's failure.
    With `timeout_s` the function runs in a daemon thread and the wrapper stops waiting after the
    timeout (status `timed_out`); Python cannot stop the thread, so it may keep running.
    `deploy` (the function's SCHED_DEPLOY) and `function_version` (the version Lambda runs)
    are written into both lines (see contract.py).
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
        emit_start(start_line(ctx.job, catalogue, trigger, request_id, deploy, function_version))
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
    status, error = (FAILED if out.error else SUCCEEDED), out.error
    message = (str(error) or None) if error is not None else None
    if timed_out:
        status, error = TIMED_OUT, TimeoutError()
        message = f"Task timed out after {timeout_s:.2f} seconds"
    record = RunRecord(
        job=ctx.job,
        catalogue=catalogue,
        trigger=trigger,
        request_id=request_id,
        start=start,
        end=end,
        status=status,
        error_type=type(error).__name__ if error is not None else None,
        error_message=message,
        expected_runtime_ms=expected_runtime_ms,
        deploy=deploy,
        function_version=function_version,
    )
    for line in record.lines():
        emit(line)
    return Executed(record, None if timed_out else out.result, error)


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
    """Run `fn` through the wrapper in-process and return the run line it logged."""
    executed = execute(
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
    if isinstance(executed.error, KeyboardInterrupt):
        raise executed.error
    return executed.record.line()


class SecretUnavailable(Exception):
    """A secret the job names could not be read: the run fails before the handler runs."""


# Values read in this container, by reference: a warm Lambda reuses them (as it keeps imports).
_secret_values: dict[str, str] = {}


def read_secret(ref: SecretRef) -> str:
    """The value `ref` names, read with the function's own role (the alert watcher reads its
    webhook channels' URLs with it too)."""
    # boto3 is part of Lambda's Python runtime; the wrapper imports nothing else outside the
    # standard library, and only when a job has secrets.
    boto3 = importlib.import_module("boto3")
    if ref.scheme == "ssm":
        parameter = boto3.client("ssm").get_parameter(Name=ref.name, WithDecryption=True)
        return str(parameter["Parameter"]["Value"])
    return ref.pick(
        str(boto3.client("secretsmanager").get_secret_value(SecretId=ref.name)["SecretString"])
    )


def load_secrets(
    environ: MutableMapping[str, str], cache: MutableMapping[str, str] | None = None
) -> None:
    """Put each secret of the job (ENV_SECRETS) into `environ` under its name; raise
    `SecretUnavailable` naming the first that cannot be read, and why."""
    text = environ.get(ENV_SECRETS)
    if not text:
        return
    values = _secret_values if cache is None else cache
    for name, reference in sorted(json.loads(text).items()):
        if reference not in values:
            try:
                values[reference] = read_secret(SecretRef.parse(reference))
            except Exception as error:  # any failure to read it is the run's failure
                code = getattr(error, "response", {}).get("Error", {}).get("Code")
                why = f"{code}: {error}" if code else f"{type(error).__name__}: {error}"
                raise SecretUnavailable(
                    f"secret {name} ({reference}) cannot be read: {why}"
                ) from None
        environ[name] = values[reference]


def load_function(spec: str) -> JobFunction:
    """Import `module.function` (or `module:function`) and return the function."""
    module_name, sep, attr = spec.partition(":") if ":" in spec else spec.rpartition(".")
    if not sep or not module_name or not attr:
        raise ImportError(f"{ENV_HANDLER} {spec!r} is not module.function")
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
    environ: MutableMapping[str, str],
    clock: Clock = time.time,
    emit: Emit = _stdout,
    emit_start: Emit | None = _stderr,
) -> Any:
    """`handler` with its environment and clock passed in: runs, logs, re-raises on failure.
    A fire its either-day job's other rule or schedule has made that day logs a skip line and
    returns None without running the job."""
    if fired_by_other_half(event):
        if emit_start is not None:
            _, trigger = read_event(event)
            emit_start(
                skip_line(
                    environ.get(ENV_JOB, "") or trigger.job or "",
                    environ.get(ENV_CATALOGUE, ""),
                    trigger,
                    getattr(context, "aws_request_id", None),
                    environ.get(ENV_DEPLOY) or None,
                )
            )
        return None
    spec = environ.get(ENV_HANDLER, "")
    expected = environ.get(ENV_EXPECTED_RUNTIME_MS, "")

    def resolve() -> JobFunction:
        load_secrets(environ)  # before the handler's module is imported: it may read them
        return _cached(spec)

    executed = execute(
        resolve,
        event,
        job=environ.get(ENV_JOB, ""),
        catalogue=environ.get(ENV_CATALOGUE, ""),
        expected_runtime_ms=int(expected) if expected.isdigit() else None,
        request_id=getattr(context, "aws_request_id", None),
        clock=clock,
        emit=emit,
        lambda_context=context,
        emit_start=emit_start,
        deploy=environ.get(ENV_DEPLOY) or None,
        function_version=environ.get(LAMBDA_VERSION_VARIABLE) or None,
    )
    if executed.error is not None:
        raise executed.error
    return executed.result


def handler(event: Any, context: Any) -> Any:
    """Lambda's entry point (`sched_runtime.handler`)."""
    return invoke(event, context, environ=os.environ)
