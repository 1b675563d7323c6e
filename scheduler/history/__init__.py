"""Run history, the run wing's pure core: log events → runs (parse, reconstruct) → the fires the
schedule expected (expected) → matched, missed and late (match) → per-job summaries (summary,
status) → JSON (serialize). `read` ties them together for a catalogue: `window` says what to
read of each job's log group, `fetch` reads it all through the `LogSource` port, `job` makes each
job's history from the events; `targets` says which log group holds a job's runs. Standard library
only, so a deployed function can ship it as-is; the caller passes `now`.
"""

from __future__ import annotations

from scheduler.history.match import expected_vs_observed
from scheduler.history.model import (
    Attention,
    JobStatus,
    Run,
    RunStatus,
    Trigger,
    timeline_key,
)
from scheduler.history.reconstruct import reconstruct_runs
from scheduler.history.serialize import run_to_json, runs_to_json, status_to_json
from scheduler.history.summary import percentile, summarise

__all__ = [
    "Attention",
    "JobStatus",
    "Run",
    "RunStatus",
    "Trigger",
    "expected_vs_observed",
    "percentile",
    "reconstruct_runs",
    "run_to_json",
    "runs_to_json",
    "status_to_json",
    "summarise",
    "timeline_key",
]
