"""Stable JSON shapes for runs and job statuses (for `--format json` and snapshots).

Every key is always present, in a fixed order, `null` when unknown. Times are ISO-8601 UTC with
milliseconds and a `Z`; durations are milliseconds (`*_ms`, integers when whole).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from scheduler.history.model import JobStatus, Run
from scheduler.runtime.contract import iso_ms


def _time(value: datetime | None) -> str | None:
    return iso_ms(value) if value is not None else None


def _ms(value: timedelta | None) -> int | float | None:
    if value is None:
        return None
    ms = round(value / timedelta(milliseconds=1), 3)
    return int(ms) if ms == int(ms) else ms


def run_to_json(run: Run) -> dict[str, Any]:
    return {
        "job": run.job,
        "request_id": run.request_id,
        "status": run.status.value,
        "scheduled_time": _time(run.scheduled_time),
        "start": _time(run.start),
        "end": _time(run.end),
        "duration_ms": _ms(run.duration),
        "billed_duration_ms": _ms(run.billed_duration),
        "init_duration_ms": _ms(run.init_duration),
        "memory_size_mb": run.memory_size_mb,
        "max_memory_used_mb": run.max_memory_used_mb,
        "error_type": run.error_type,
        "error_message": run.error_message,
        "attempt": run.attempt,
        "trigger": run.trigger.value if run.trigger else None,
        "late": run.late,
        "delay_ms": _ms(run.delay),
        "log_stream": run.log_stream,
        "function_version": run.function_version,
    }


def runs_to_json(runs: Iterable[Run]) -> list[dict[str, Any]]:
    return [run_to_json(run) for run in runs]


def status_to_json(status: JobStatus) -> dict[str, Any]:
    return {
        "job": status.job,
        "attention": status.attention.label,
        "reasons": list(status.reasons),
        "last_status": status.last_status.value if status.last_status else None,
        "last_run": run_to_json(status.last_run) if status.last_run else None,
        "last_success": _time(status.last_success),
        "runs": status.runs,
        "succeeded": status.succeeded,
        "failed": status.failed,
        "timed_out": status.timed_out,
        "missed": status.missed,
        "running": status.running,
        "unknown": status.unknown,
        "manual": status.manual,
        "late": status.late,
        "overran": status.overran,
        "success_rate": status.success_rate,
        "p50_duration_ms": _ms(status.p50_duration),
        "p95_duration_ms": _ms(status.p95_duration),
        "max_duration_ms": _ms(status.max_duration),
        "expected_runtime_ms": _ms(status.expected_runtime),
        "limit_ms": _ms(status.limit),
        "headroom_expected_ms": _ms(status.headroom_expected),
        "headroom_limit_ms": _ms(status.headroom_limit),
        "max_memory_used_mb": status.max_memory_used_mb,
        "memory_size_mb": status.memory_size_mb,
    }
