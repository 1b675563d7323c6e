"""Run history and operations: `sched history`, `sched status`, `sched run` and local ticks.

Each function takes the catalogue, a port (LogSource, LogSink, Invoker) and `now`, and returns
data; scheduler/report/ turns it into text, JSON or CSV, and the CLI prints it.
"""

from __future__ import annotations

from scheduler.ops.history import STATUS_FILTERS, History, JobHistory, history_for
from scheduler.ops.local_runs import (
    RunOutcome,
    Ticked,
    due_fires,
    read_last_tick,
    run_locally,
    tick,
    write_last_tick,
)
from scheduler.ops.status import StatusRow, needs_attention, status_for
from scheduler.ops.trigger import Triggered, trigger, trigger_locally

__all__ = [
    "STATUS_FILTERS",
    "History",
    "JobHistory",
    "RunOutcome",
    "StatusRow",
    "Ticked",
    "Triggered",
    "due_fires",
    "history_for",
    "needs_attention",
    "read_last_tick",
    "run_locally",
    "status_for",
    "tick",
    "trigger",
    "trigger_locally",
    "write_last_tick",
]
