"""runs_to_json / status_to_json: fixed keys, fixed order, exact values."""

from __future__ import annotations

import json
from datetime import timedelta

from history_support import at, load_log_fixture

from scheduler.history import (
    Run,
    RunStatus,
    reconstruct_runs,
    runs_to_json,
    status_to_json,
    summarise,
)

NOW = at("2026-11-24T00:00:00")


def test_run_json_is_exact() -> None:
    runs = reconstruct_runs(load_log_fixture("text_success"), "log-backup", now=NOW)
    missed = Run(
        job="log-backup",
        request_id="",
        status=RunStatus.MISSED,
        scheduled_time=at("2026-11-16T02:00:00"),
    )
    assert runs_to_json([missed, *runs]) == [
        {
            "job": "log-backup",
            "request_id": "",
            "status": "missed",
            "scheduled_time": "2026-11-16T02:00:00.000Z",
            "start": None,
            "end": None,
            "duration_ms": None,
            "billed_duration_ms": None,
            "init_duration_ms": None,
            "memory_size_mb": None,
            "max_memory_used_mb": None,
            "error_type": None,
            "error_message": None,
            "attempt": None,
            "trigger": None,
            "late": False,
            "delay_ms": None,
            "log_stream": None,
            "function_version": None,
        },
        {
            "job": "log-backup",
            "request_id": "8f507cfc-xmpl-4697-b07a-ac58fc914c95",
            "status": "succeeded",
            "scheduled_time": "2026-11-23T02:00:00.000Z",
            "start": "2026-11-23T02:00:00.412Z",
            "end": "2026-11-23T02:01:42.693Z",
            "duration_ms": 102280.25,
            "billed_duration_ms": 102281,
            "init_duration_ms": 130.49,
            "memory_size_mb": 256,
            "max_memory_used_mb": 70,
            "error_type": None,
            "error_message": None,
            "attempt": 1,
            "trigger": "rule",
            "late": False,
            "delay_ms": 412,
            "log_stream": "2026/11/23/[$LATEST]3893xmpl7fac4485b47bb75b671a283c",
            "function_version": None,
        },
    ]


def test_status_json_is_exact_and_stable() -> None:
    runs = reconstruct_runs(load_log_fixture("text_timeout"), "log-backup", now=NOW)
    status = summarise("log-backup", runs, expected_runtime=timedelta(seconds=2), now=NOW)
    body = status_to_json(status)
    assert {k: v for k, v in body.items() if k != "last_run"} == {
        "job": "log-backup",
        "attention": "failing",
        "reasons": ["last run timed out", "1 timed out", "1 ran longer than the expected 2s"],
        "last_status": "timed_out",
        "last_success": None,
        "runs": 1,
        "succeeded": 0,
        "failed": 0,
        "timed_out": 1,
        "missed": 0,
        "running": 0,
        "unknown": 0,
        "manual": 0,
        "late": 0,
        "overran": 1,
        "success_rate": 0.0,
        "p50_duration_ms": 3000,
        "p95_duration_ms": 3000,
        "max_duration_ms": 3000,
        "expected_runtime_ms": 2000,
        "limit_ms": 900000,
        "headroom_expected_ms": -1000,
        "headroom_limit_ms": 897000,
        "max_memory_used_mb": 48,
        "memory_size_mb": 128,
    }
    assert body["last_run"] == runs_to_json(runs)[0]
    assert list(body) == [
        "job",
        "attention",
        "reasons",
        "last_status",
        "last_run",
        "last_success",
        "runs",
        "succeeded",
        "failed",
        "timed_out",
        "missed",
        "running",
        "unknown",
        "manual",
        "late",
        "overran",
        "success_rate",
        "p50_duration_ms",
        "p95_duration_ms",
        "max_duration_ms",
        "expected_runtime_ms",
        "limit_ms",
        "headroom_expected_ms",
        "headroom_limit_ms",
        "max_memory_used_mb",
        "memory_size_mb",
    ]
    assert json.dumps(body) == json.dumps(status_to_json(status))
