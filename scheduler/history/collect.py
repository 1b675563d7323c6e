"""A log group's records, grouped by request id into invocation attempts as they arrive (one
`Attempt` per START of a request id: Lambda retries an asynchronous invocation under the same
id). A line that does not validate, a repeated record, or a sched line not to be believed (see
`Collector.bound`) is counted, never kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import assert_never

from scheduler import limits
from scheduler.history.parse import parse_message
from scheduler.history.records import (
    AppError,
    Malformed,
    PlatformEnd,
    PlatformReport,
    PlatformStart,
    RuntimeDone,
    TimedOut,
    WrapperLine,
    WrapperStart,
)
from scheduler.ports import LogEvent
from scheduler.runtime.contract import TRIGGER_MANUAL

# Lambda runs an asynchronous invocation at most this often under one request id:
# https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html
MAX_ATTEMPTS = limits.LAMBDA_MAX_RETRY_ATTEMPTS + 1


@dataclass(frozen=True, slots=True)
class Binding:
    """The deployment value the job's function carries (`SCHED_DEPLOY`) and since when
    (its last deployment, epoch ms): a sched line logged since then must carry it. Lines from
    before it were written by an earlier deployment, whose value history cannot know."""

    deploy: str
    since_ms: int
    # The values of the function's other published versions (`versions:`): the live alias may
    # point at one of them (a rollback), whose lines carry its own value.
    also: frozenset[str] = frozenset()


class Attempt:
    """The records of one invocation attempt, as they arrive."""

    __slots__ = (
        "app_error",
        "end_ms",
        "index",
        "log_stream",
        "report",
        "report_ms",
        "request_id",
        "runtime_done",
        "start_line",
        "start_line_ms",
        "start_ms",
        "timed_out",
        "timed_out_ms",
        "wrapper",
    )

    def __init__(self, request_id: str, index: int, log_stream: str) -> None:
        self.request_id = request_id
        self.index = index
        self.log_stream = log_stream
        self.start_ms: int | None = None
        self.end_ms: int | None = None
        self.report: PlatformReport | None = None
        self.report_ms: int | None = None
        self.runtime_done: RuntimeDone | None = None
        self.timed_out: TimedOut | None = None
        self.timed_out_ms: int | None = None
        self.wrapper: WrapperLine | None = None
        self.start_line: WrapperStart | None = None
        self.start_line_ms: int | None = None
        self.app_error: AppError | None = None

    @property
    def origin(self) -> WrapperLine | WrapperStart | None:
        """The wrapper line that says what started the run: the run line, else the start line."""
        return self.wrapper or self.start_line

    @property
    def finished(self) -> bool:
        return self.end_ms is not None or self.report is not None or self.timed_out is not None


def _implausible(record: WrapperLine | WrapperStart, fires: tuple[datetime, datetime]) -> bool:
    """A fire time no invocation logged in the window read can have: one far before or after
    it. It would stretch every computation over the years between (a rate's grid). A manual
    run's scheduled time is whatever its caller chose and stands for no fire."""
    fire = record.scheduled_time
    if fire is None or record.trigger == TRIGGER_MANUAL:
        return False
    return not fires[0] <= fire <= fires[1]


class Collector:
    def __init__(self, binding: Binding | None, fires: tuple[datetime, datetime] | None) -> None:
        self.binding = binding
        self.fires = fires
        self.by_id: dict[str, list[Attempt]] = {}
        self.lines: dict[str, int] = {}
        self.open_by_stream: dict[str, str] = {}
        self.unnamed: list[Attempt] = []
        self.malformed = 0
        self.unbound = 0
        self.repeated = 0
        self.rejected: set[str] = set()
        self.skips: set[str] = set()  # requests whose skip line was believed

    def latest(self, request_id: str, stream: str) -> Attempt:
        """The latest attempt of `request_id` (a first one if there is none)."""
        attempts = self.by_id.get(request_id)
        if attempts is None:
            attempts = self.by_id[request_id] = [Attempt(request_id, 0, stream)]
            self.lines[request_id] = 1
        else:
            self.lines[request_id] += 1
        return attempts[-1]

    def fill(self, request_id: str, stream: str, slot: str) -> Attempt | None:
        """The latest attempt if its `slot` is empty; None (a repeated record) if not."""
        attempt = self.latest(request_id, stream)
        if getattr(attempt, slot) is not None:
            self.repeated += 1
            return None
        return attempt

    def start(self, request_id: str, stream: str, ts: int) -> None:
        latest = self.latest(request_id, stream)
        attempts = self.by_id[request_id]
        if latest.finished and len(attempts) < MAX_ATTEMPTS:
            latest = Attempt(request_id, len(attempts), stream)
            attempts.append(latest)
        elif latest.start_ms is not None or latest.finished:
            self.repeated += 1  # the same invocation's START again, or past Lambda's retries
            return
        latest.start_ms = ts
        latest.log_stream = stream
        self.open_by_stream[stream] = request_id

    def close(self, request_id: str, stream: str) -> None:
        if self.open_by_stream.get(stream) == request_id:
            del self.open_by_stream[stream]

    def bound(self, record: WrapperLine | WrapperStart, stream: str, ts: int) -> str | None:
        """The request id a sched line belongs to ("" for none known), or None when the line
        is not to be believed (counted as unbound, or malformed when its times are absurd)."""
        if self.fires is not None and _implausible(record, self.fires):
            self.malformed += 1
            return None
        running = self.open_by_stream.get(stream)
        refused = self._refused(record, running, ts)
        if refused:
            self.unbound += 1
            self.rejected.add(record.request_id or running or "")
            return None
        return record.request_id or running or ""

    def _refused(self, record: WrapperLine | WrapperStart, running: str | None, ts: int) -> bool:
        binding = self.binding
        if (
            binding is not None
            and ts >= binding.since_ms
            and record.deploy != binding.deploy
            and record.deploy not in binding.also
        ):
            return True
        # Lambda runs one invocation at a time in an execution environment (one log stream):
        # a line between START and END of one request id is that request's.
        return running is not None and record.request_id not in (None, running)

    def run_line(self, record: WrapperLine, stream: str, ts: int) -> None:
        request_id = self.bound(record, stream, ts)
        if request_id:
            attempt = self.latest(request_id, stream)
            if attempt.wrapper is not None:
                self.repeated += 1  # the wrapper logs its run line last: keep the last
            attempt.wrapper = record
        elif request_id is not None:
            unnamed = Attempt("", 0, stream)
            unnamed.wrapper = record
            self.unnamed.append(unnamed)

    def start_line(self, record: WrapperStart, stream: str, ts: int) -> None:
        request_id = self.bound(record, stream, ts)
        if request_id and record.skipped:
            self.skips.add(request_id)
        elif request_id:
            attempt = self.fill(request_id, stream, "start_line")
            if attempt is not None:  # the wrapper logs its start line first: keep it
                attempt.start_line, attempt.start_line_ms = record, ts

    def add(self, event: LogEvent) -> None:
        record = parse_message(event.message)
        if record is None:
            return
        stream, ts = event.log_stream, event.timestamp_ms
        # The commonest records first: `match` tries the classes in turn (none derives from
        # another, so the order changes nothing else).
        match record:
            case PlatformStart():
                self.start(record.request_id, stream, ts)
            case WrapperLine():
                self.run_line(record, stream, ts)
            case RuntimeDone():
                attempt = self.fill(record.request_id, stream, "runtime_done")
                if attempt is not None:
                    attempt.runtime_done = record
            case PlatformReport():
                attempt = self.fill(record.request_id, stream, "report")
                if attempt is not None:
                    attempt.report, attempt.report_ms = record, ts
                self.close(record.request_id, stream)
            case PlatformEnd():
                attempt = self.fill(record.request_id, stream, "end_ms")
                if attempt is not None:
                    attempt.end_ms = ts
                self.close(record.request_id, stream)
            case WrapperStart():
                self.start_line(record, stream, ts)
            case Malformed():
                self.malformed += 1
            case TimedOut():
                attempt = self.fill(record.request_id, stream, "timed_out")
                if attempt is not None:
                    attempt.timed_out, attempt.timed_out_ms = record, ts
            case AppError():
                request_id = record.request_id or self.open_by_stream.get(stream)
                if request_id:
                    attempt = self.fill(request_id, stream, "app_error")
                    if attempt is not None:
                        attempt.app_error = record
            case _:
                assert_never(record)
