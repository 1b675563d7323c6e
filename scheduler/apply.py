"""Execute a Plan through a ResourceWriter: phase by phase, concurrently within a phase.

The first failure stops new work (changes already running finish), the rest is skipped. A
Ctrl-C (a KeyboardInterrupt, or a `StopRequest`) does the same and returns with `interrupted`
set rather than raising, so the caller can report exactly what was done, however often it is
pressed; an `Interruptible` writer is told, so running changes stop waiting on AWS.
Re-running plan + apply afterwards finishes the job: plan is a diff.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from enum import StrEnum
from functools import partial
from typing import Protocol, assert_never, runtime_checkable

from scheduler.plan import Action, Change, Plan
from scheduler.ports import ResourceWriter
from scheduler.resource_state import ResourceKey
from scheduler.resources import Resource


class Progress(StrEnum):
    """What `on_progress` is told about a change."""

    STARTED = "started"
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"


ProgressCallback = Callable[[Change, str], None]
InterruptCallback = Callable[[int], None]
"""Told, on Ctrl-C, how many changes are still running (apply waits for them to end)."""


@runtime_checkable
class Interruptible(Protocol):
    """A writer whose changes may wait on AWS (retries, waiters) and can stop waiting: after
    `interrupt()` they end soon, failing if they had to wait; `resume()` undoes it."""

    def interrupt(self) -> None: ...

    def resume(self) -> None: ...


@runtime_checkable
class Laned(Protocol):
    """A writer whose changes go to services with rates of their own: `lane` names the one a
    resource's change goes to and how many of that lane's changes may run at once."""

    def lane(self, resource: Resource) -> tuple[str, int]: ...


@dataclass(frozen=True)
class Failure:
    change: Change
    error: BaseException


@dataclass(frozen=True)
class ApplyResult:
    """Every pending change of the plan in exactly one list, each list in plan order."""

    done: tuple[Change, ...] = ()
    failed: tuple[Failure, ...] = ()
    skipped: tuple[Change, ...] = ()
    interrupted: bool = False

    @property
    def ok(self) -> bool:
        return not self.failed and not self.skipped and not self.interrupted


def execute(change: Change, writer: ResourceWriter) -> None:
    """Make one change with the writer's calls."""
    match change.action:
        case Action.CREATE:
            assert change.after is not None
            writer.create(change.after)
        case Action.UPDATE:
            assert change.before is not None and change.after is not None
            writer.update(change.before, change.after)
        case Action.REPLACE:
            assert change.before is not None and change.after is not None
            writer.delete(change.before)
            writer.create(change.after)
        case Action.DELETE:
            assert change.before is not None
            writer.delete(change.before)
        case Action.UNCHANGED:
            pass
        case _:
            assert_never(change.action)


def apply_plan(
    plan: Plan,
    writer: ResourceWriter,
    *,
    on_progress: ProgressCallback | None = None,
    concurrency: int = 8,
    on_interrupt: InterruptCallback | None = None,
    stop: StopRequest | None = None,
) -> ApplyResult:
    """Apply `plan`'s pending changes. The callbacks are called on the calling thread only:
    `on_progress` for each change, `on_interrupt` once on Ctrl-C with the number of changes
    still running, before waiting for them. A Ctrl-C is a KeyboardInterrupt on the calling
    thread (a second one while apply winds down changes nothing), or `stop` requested."""
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    if isinstance(writer, Interruptible):
        writer.resume()
    run = _Run(
        writer,
        on_progress or _ignore,
        on_interrupt or _ignore_interrupt,
        concurrency,
        stop or StopRequest(),
    )
    pool = ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="sched-apply")
    try:
        try:
            for phase in plan.phases():
                run.check(0)
                if run.stopped:
                    break
                run.phase(pool, phase)
        except KeyboardInterrupt:
            run.stop.request()
        run.wind_down(pool, plan.pending)
    finally:
        pool.shutdown(wait=True)  # done already, unless a callback raised something else
    return run.result(plan.pending)


class StopRequest:
    """A Ctrl-C that the CLI's SIGINT handler turned into a request: a plain flag, set from
    anywhere at any time, that apply reads only between its own steps."""

    def __init__(self) -> None:
        self.requested = False

    def request(self) -> None:
        self.requested = True


class _Lanes:
    """A phase's waiting changes by lane, each lane in plan order; `next` is the first waiting
    change, in plan order, of a lane with room (so plan order holds while no lane is full; all
    one lane, limited only by the apply's concurrency, for a writer that is not `Laned`)."""

    def __init__(self, writer: ResourceWriter, changes: tuple[Change, ...]) -> None:
        self.queues: dict[str, deque[Change]] = {}
        self.limits: dict[str, int] = {}
        self.running: dict[str, int] = {}
        self.lane_of: dict[ResourceKey, str] = {}
        self.order = {change.key: i for i, change in enumerate(changes)}
        for change in changes:
            resource = change.after or change.before
            assert resource is not None
            name, limit = writer.lane(resource) if isinstance(writer, Laned) else ("", len(changes))
            self.queues.setdefault(name, deque()).append(change)
            self.limits[name] = max(1, limit)
            self.running.setdefault(name, 0)
            self.lane_of[change.key] = name
        self.waiting = len(changes)

    def next(self) -> Change | None:
        ready = [
            name
            for name, queue in self.queues.items()
            if queue and self.running[name] < self.limits[name]
        ]
        if not ready:
            return None
        return min((self.queues[name][0] for name in ready), key=lambda c: self.order[c.key])

    def start(self, change: Change) -> None:
        name = self.lane_of[change.key]
        self.queues[name].popleft()
        self.running[name] += 1
        self.waiting -= 1

    def end(self, change: Change) -> None:
        self.running[self.lane_of[change.key]] -= 1


_POLL = 0.1  # seconds


def _ignore(change: Change, status: str) -> None:
    return None


def _ignore_interrupt(running: int) -> None:
    return None


class _Run:
    """The bookkeeping of one apply. What each change ended as is written by the worker that
    made it, so a Ctrl-C landing anywhere on the calling thread loses no change; everything
    else is touched by the calling thread only."""

    def __init__(
        self,
        writer: ResourceWriter,
        notify: ProgressCallback,
        on_interrupt: InterruptCallback,
        concurrency: int,
        stop: StopRequest,
    ) -> None:
        self.writer = writer
        self.notify = notify
        self.on_interrupt = on_interrupt
        self.concurrency = concurrency
        self.stop = stop
        self.ended: dict[ResourceKey, BaseException | None] = {}  # by the workers
        self.reported: set[ResourceKey] = set()
        self.stopped = False
        self.interrupted = False

    def work(self, change: Change) -> None:
        """On a worker: make the change and record how it ended (never raises)."""
        try:
            execute(change, self.writer)
        except BaseException as error:  # whatever a change raises is that change's failure
            self.ended[change.key] = error
        else:
            self.ended[change.key] = None

    def check(self, running: int) -> None:
        """Act on a Ctrl-C requested since the last check: stop, once."""
        if not self.stop.requested or self.interrupted:
            return
        self.stopped = self.interrupted = True
        if isinstance(self.writer, Interruptible):
            self.writer.interrupt()
        self.on_interrupt(running)

    def phase(self, pool: ThreadPoolExecutor, changes: tuple[Change, ...]) -> None:
        lanes = _Lanes(self.writer, changes)
        running: dict[Future[None], Change] = {}
        while True:
            try:
                if not self.step(pool, lanes, running):
                    return
            except KeyboardInterrupt:
                # Here or at the next step alike: what already runs ends and is reported.
                self.stop.request()

    def step(
        self, pool: ThreadPoolExecutor, lanes: _Lanes, running: dict[Future[None], Change]
    ) -> bool:
        """Start what may start, wait for one change to end and report it; False when the
        phase has nothing left to wait for."""
        self.check(len(running))
        while not self.stopped and len(running) < self.concurrency:
            change = lanes.next()
            if change is None:
                break
            # Told first: a Ctrl-C inside the callback leaves the change skipped.
            self.notify(change, Progress.STARTED)
            lanes.start(change)
            running[pool.submit(self.work, change)] = change
        if not running:
            return False
        # Woken now and then to see a requested stop while AWS is slow to answer.
        finished, _ = wait(running, timeout=_POLL, return_when=FIRST_COMPLETED)
        for future in finished:
            change = running.pop(future)
            lanes.end(change)
            self.report(change)
        return True

    def report(self, change: Change) -> None:
        if change.key in self.reported:
            return
        self.reported.add(change.key)
        if self.ended[change.key] is None:
            self.notify(change, Progress.DONE)
        else:
            self.stopped = True
            self.notify(change, Progress.FAILED)

    def wind_down(self, pool: ThreadPoolExecutor, pending: tuple[Change, ...]) -> None:
        """Wait for every change started to end, report those not reported yet, then tell the
        skipped ones. This is stopping: a Ctrl-C meanwhile only asks for what already happens."""
        self.calmly(partial(self.check, 0))
        while True:
            try:
                pool.shutdown(wait=True)
                break
            except KeyboardInterrupt:
                self.stop.request()
                self.calmly(partial(self.check, 0))
        for change in pending:
            if change.key in self.ended:
                self.calmly(partial(self.report, change))
        for change in pending:
            if change.key not in self.ended:
                self.calmly(partial(self.notify, change, Progress.SKIPPED))
        self.calmly(partial(self.check, 0))

    def calmly(self, action: Callable[[], None]) -> None:
        """Do `action` once; a Ctrl-C inside it asks to stop rather than leaving the apply."""
        try:
            action()
        except KeyboardInterrupt:
            self.stop.request()

    def result(self, pending: tuple[Change, ...]) -> ApplyResult:
        """Every pending change by how its worker said it ended; never started: skipped."""
        return ApplyResult(
            done=tuple(c for c in pending if c.key in self.ended and self.ended[c.key] is None),
            failed=tuple(
                Failure(c, error) for c in pending if (error := self.ended.get(c.key)) is not None
            ),
            skipped=tuple(c for c in pending if c.key not in self.ended),
            interrupted=self.interrupted,
        )
