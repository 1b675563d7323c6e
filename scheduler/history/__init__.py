"""Run history: runs rebuilt from Lambda's CloudWatch Logs, matched against the schedule, and
summarised per job. Pure: the logs adapter fetches `LogEvent`s, the caller passes `now`.
"""

from __future__ import annotations

from scheduler.history.expected import expected_vs_observed
from scheduler.history.model import (
    Attention,
    JobStatus,
    LogEvent,
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
    "LogEvent",
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
