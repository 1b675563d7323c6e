"""Execute a Plan through a ResourceWriter: phase by phase, concurrently within a phase.

The first failure stops new work (changes already running finish), the rest is skipped. A
Ctrl-C does the same and returns with `interrupted` set rather than raising, so the caller can
report what was done; an `Interruptible` writer is told, so running changes stop waiting on AWS.
Re-running plan + apply afterwards finishes the job: plan is a diff.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from enum import StrEnum
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
) -> ApplyResult:
    """Apply `plan`'s pending changes. The callbacks are called on the calling thread only:
    `on_progress` for each change, `on_interrupt` once on Ctrl-C with the number of changes
    still running, before waiting for them."""
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    if isinstance(writer, Interruptible):
        writer.resume()
    run = _Run(writer, on_progress or _ignore, on_interrupt or _ignore_interrupt, concurrency)
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="sched-apply") as pool:
        for phase in plan.phases():
            if run.stopped:
                break
            run.phase(pool, phase)
    order = {change.key: i for i, change in enumerate(plan.pending)}
    skipped = [c for c in plan.pending if c.key not in run.started]
    for change in skipped:
        run.notify(change, Progress.SKIPPED)
    return ApplyResult(
        done=tuple(sorted(run.done, key=lambda c: order[c.key])),
        failed=tuple(sorted(run.failed, key=lambda f: order[f.change.key])),
        skipped=tuple(skipped),
        interrupted=run.interrupted,
    )


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


def _ignore(change: Change, status: str) -> None:
    return None


def _ignore_interrupt(running: int) -> None:
    return None


class _Run:
    """The bookkeeping of one apply, touched only by the calling thread."""

    def __init__(
        self,
        writer: ResourceWriter,
        notify: ProgressCallback,
        on_interrupt: InterruptCallback,
        concurrency: int,
    ) -> None:
        self.writer = writer
        self.notify = notify
        self.on_interrupt = on_interrupt
        self.concurrency = concurrency
        self.started: set[ResourceKey] = set()
        self.done: list[Change] = []
        self.failed: list[Failure] = []
        self.stopped = False
        self.interrupted = False

    def phase(self, pool: ThreadPoolExecutor, changes: tuple[Change, ...]) -> None:
        lanes = _Lanes(self.writer, changes)
        running: dict[Future[None], Change] = {}
        try:
            while lanes.waiting or running:
                while not self.stopped and len(running) < self.concurrency:
                    change = lanes.next()
                    if change is None:
                        break
                    # Told first: a Ctrl-C inside the callback leaves the change skipped.
                    self.notify(change, Progress.STARTED)
                    lanes.start(change)
                    self.started.add(change.key)
                    running[pool.submit(execute, change, self.writer)] = change
                if not running:
                    return
                finished, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in finished:
                    change = running.pop(future)
                    lanes.end(change)
                    self.finish(change, future)
        except KeyboardInterrupt:
            self.stopped = self.interrupted = True
            if isinstance(self.writer, Interruptible):
                self.writer.interrupt()
            self.on_interrupt(len(running))
            # What is already running ends (a second Ctrl-C here is not caught), so the result
            # says exactly what was changed; an interrupted writer keeps that wait short.
            for future, change in running.items():
                wait([future])
                self.finish(change, future)

    def finish(self, change: Change, future: Future[None]) -> None:
        error = future.exception()
        if error is None:
            self.done.append(change)
            self.notify(change, Progress.DONE)
        else:
            self.failed.append(Failure(change, error))
            self.stopped = True
            self.notify(change, Progress.FAILED)
