"""At scale: 10,000 runs of 100 jobs (40,000 log events) reconstruct exactly.

The time budget is measured by bench/bench_history.py, not here.
"""

from __future__ import annotations

import json
from datetime import timedelta

from history_support import at

from scheduler.history import RunStatus, reconstruct_runs
from scheduler.ports import LogEvent

BASE = at("2026-11-01T00:00:00")


def _events(job: str, runs: int) -> list[LogEvent]:
    events: list[LogEvent] = []
    for i in range(runs):
        fire = BASE + timedelta(hours=i)
        ms = int(fire.timestamp() * 1000)
        rid = f"{job}-{i:06d}-xmpl"
        stream = f"2026/11/01/[$LATEST]{i % 7:032d}"
        line = {
            "sched": "run",
            "v": 1,
            "job": job,
            "catalogue": "acme-ops",
            "trigger": "rule",
            "trigger_id": "x",
            "scheduled_time": f"{fire:%Y-%m-%dT%H:%M:%SZ}",
            "attempt": None,
            "request_id": rid,
            "start": f"{fire:%Y-%m-%dT%H:%M:%S}.400Z",
            "end": f"{fire:%Y-%m-%dT%H:%M:%S}.900Z",
            "duration_ms": 500.0,
            "status": "succeeded" if i % 10 else "failed",
            "error_type": None if i % 10 else "ValueError",
            "error_message": None if i % 10 else "boom",
            "expected_runtime_ms": 60000,
            "overran": False,
        }
        events += [
            LogEvent(ms + 400, f"START RequestId: {rid} Version: $LATEST\n", stream),
            LogEvent(ms + 900, json.dumps(line) + "\n", stream),
            LogEvent(ms + 910, f"END RequestId: {rid}\n", stream),
            LogEvent(
                ms + 910,
                f"REPORT RequestId: {rid}\tDuration: 505.50 ms\tBilled Duration: 506 ms\t"
                "Memory Size: 256 MB\tMax Memory Used: 70 MB\t\n",
                stream,
            ),
        ]
    return events


def test_ten_thousand_runs_of_a_hundred_jobs_are_all_reconstructed() -> None:
    logs = {f"job-{j:03d}": _events(f"job-{j:03d}", 100) for j in range(100)}
    assert sum(len(events) for events in logs.values()) == 40_000
    runs = {job: reconstruct_runs(events, job, now=BASE) for job, events in logs.items()}
    assert sum(len(r) for r in runs.values()) == 10_000
    assert sum(run.status is RunStatus.FAILED for r in runs.values() for run in r) == 1_000
