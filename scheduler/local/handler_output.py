"""What a job's handler writes while it runs in this process, captured as Lambda's Python runtime
logs it: each line printed to stdout or stderr one log event, as plain text; each `logging` record
the root logger lets through (WARNING and up, unless AWS_LAMBDA_LOG_LEVEL says otherwise) one
event in Lambda's JSON log format. While the capture is open, sys.stdout, sys.stderr and the
logging tree are the job's; afterwards they are sched's again, even on KeyboardInterrupt.
https://docs.aws.amazon.com/lambda/latest/dg/python-logging.html
"""

from __future__ import annotations

import io
import json
import logging
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from scheduler.runtime.contract import iso_ms

LOG_LEVEL_VARIABLE = "AWS_LAMBDA_LOG_LEVEL"

Wall = Callable[[], float]
"""Seconds since the epoch: when a line was written, on the run's own time line."""

# The attributes every LogRecord has (and those formatters add): what is left is `extra=`.
_RECORD_FIELDS = frozenset(
    set(vars(logging.LogRecord("", 0, "", 0, "", (), None)))
    | {"message", "asctime", "aws_request_id", "taskName"}
)


@dataclass(frozen=True, slots=True)
class OutputLine:
    """One log event of the handler's: when it was written (epoch ms) and its text."""

    timestamp_ms: int
    text: str


@dataclass
class Captured:
    """The handler's lines, in the order it wrote them (filled in while the capture is open)."""

    lines: list[OutputLine] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, when: float, text: str) -> None:
        with self._lock:
            self.lines.append(OutputLine(int(when * 1000), text))


class _LineStream(io.TextIOBase):
    """A text stream that logs each complete line it is given as one event (Lambda reads its
    function's stdout and stderr line by line); what is left unterminated is logged on close."""

    encoding = "utf-8"
    errors = "strict"

    def __init__(self, into: Captured, wall: Wall, name: str) -> None:
        super().__init__()
        self._into, self._wall, self._name = into, wall, name
        self._partial = ""
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self._name

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        if self.closed:
            # Written after the run: by a stream handler the job made (it keeps its stream) or
            # a thread of the job's that outlived a timeout, which Lambda would have frozen.
            # It belongs to no run, and is not sched's output either.
            return len(text)
        with self._lock:
            *complete, self._partial = (self._partial + text).split("\n")
            when = self._wall() if complete else 0.0
        for line in complete:
            self._into.add(when, line)
        return len(text)

    def close(self) -> None:
        with self._lock:
            rest, self._partial = self._partial, ""
        if rest and not self.closed:
            self._into.add(self._wall(), rest)
        super().close()


def _level_number(record: logging.LogRecord) -> int:
    # Lambda rounds custom levels down to the standard one below (25 → INFO), within 0..50.
    return min(50, max(0, record.levelno)) // 10 * 10


class LambdaJsonFormatter(logging.Formatter):
    """A record as Lambda's Python runtime logs it in the JSON log format: timestamp, level,
    message, logger, requestId, the exception's type, message, frames and location when one is
    attached, then the record's `extra=` fields; fields without a value are left out."""

    def __init__(self, request_id: str) -> None:
        super().__init__()
        self._request_id = request_id

    def format(self, record: logging.LogRecord) -> str:
        return self.format_at(record, record.created)

    def format_at(self, record: logging.LogRecord, when: float) -> str:
        """The record logged at `when` (epoch seconds): the run's time, not the process's."""
        error = record.exc_info if record.exc_info and record.exc_info[0] else None
        body: dict[str, Any] = {
            "timestamp": iso_ms(datetime.fromtimestamp(when, UTC)),
            "level": logging.getLevelName(_level_number(record)),
            "message": record.getMessage(),
            "logger": record.name,
            "stackTrace": traceback.format_tb(error[2]) if error else None,
            "errorType": error[0].__name__ if error and error[0] else None,
            "errorMessage": str(error[1]) if error else None,
            "requestId": self._request_id,
            "location": f"{record.pathname}:{record.funcName}:{record.lineno}" if error else None,
        }
        for key, value in vars(record).items():
            if key not in _RECORD_FIELDS and key not in body:
                body[key] = value
        return json.dumps({k: v for k, v in body.items() if v is not None}, default=str)


class _CaptureHandler(logging.Handler):
    """The handler Lambda's runtime puts on the root logger: one event per record. A job may
    give it a formatter of its own, as it may in Lambda."""

    def __init__(self, into: Captured, wall: Wall, request_id: str) -> None:
        super().__init__()
        self._into, self._wall = into, wall
        self.setFormatter(LambdaJsonFormatter(request_id))

    def emit(self, record: logging.LogRecord) -> None:
        when = self._wall()
        try:
            formatter = self.formatter
            if isinstance(formatter, LambdaJsonFormatter):
                text = formatter.format_at(record, when)
            else:
                text = self.format(record).rstrip("\n")
        except Exception:  # as logging does: a record that cannot be formatted is not fatal
            self.handleError(record)
            return
        self._into.add(when, text)


def root_level(value: str | None) -> int:
    """The root logger's level in Lambda: AWS_LAMBDA_LOG_LEVEL's (TRACE is DEBUG, FATAL is
    CRITICAL), else Python's default, WARNING; a value Python has no level for changes nothing."""
    name = {"TRACE": "DEBUG"}.get((value or "").upper(), (value or "").upper())
    return logging.getLevelNamesMapping().get(name, logging.WARNING)


@dataclass(frozen=True)
class _LoggerState:
    handlers: tuple[logging.Handler, ...]
    level: int
    propagate: bool
    disabled: bool


def _loggers() -> dict[str, logging.Logger]:
    found = {
        name: logger
        for name, logger in logging.Logger.manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    }
    return {"": logging.getLogger(), **found}


@contextmanager
def _logging_tree(handler: logging.Handler, level: int) -> Iterator[None]:
    """The root logger with `handler` alone at `level`, as in a fresh Lambda; then every logger
    as it was. Loggers the job created keep only their NullHandlers: libraries add those on
    import and stay imported, while any other handler would outlive the run (and the next run
    of a job imports its module afresh, adding its handlers again)."""
    before = {
        name: _LoggerState(tuple(lg.handlers), lg.level, lg.propagate, lg.disabled)
        for name, lg in _loggers().items()
    }
    disabled = logging.root.manager.disable
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    logging.disable(logging.NOTSET)
    try:
        yield
    finally:
        for name, logger in _loggers().items():
            state = before.get(name)
            if state is None:
                logger.handlers = [h for h in logger.handlers if isinstance(h, logging.NullHandler)]
                continue
            logger.handlers = list(state.handlers)
            logger.setLevel(state.level)
            logger.propagate, logger.disabled = state.propagate, state.disabled
        logging.disable(disabled)


@contextmanager
def captured_output(
    *, request_id: str, log_level: str | None, wall: Wall = time.time
) -> Iterator[Captured]:
    """While open, what the process prints and logs is the handler's: each line to stdout or
    stderr, each record the root logger (at `root_level(log_level)`) lets through, collected
    with its time by `wall`. One capture at a time (sys.stdout is the process's)."""
    captured = Captured()
    out = _LineStream(captured, wall, "<stdout>")
    err = _LineStream(captured, wall, "<stderr>")
    saved = sys.stdout, sys.stderr
    handler = _CaptureHandler(captured, wall, request_id)
    try:
        with _logging_tree(handler, root_level(log_level)):
            sys.stdout, sys.stderr = out, err
            try:
                yield captured
            finally:
                sys.stdout, sys.stderr = saved
    finally:
        out.close()
        err.close()
