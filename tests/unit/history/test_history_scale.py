"""At scale: history and status of 100 jobs over 30 days (10,000 runs, 40,000 log events)
come out exact. The time budget is measured by bench/bench_history.py, not here."""

from __future__ import annotations

from datetime import timedelta

from run_fakes import FakeLogs
from run_support import at, catalogue, group, job, run_events

from scheduler.history import RunStatus
from scheduler.history.read import history_for
from scheduler.history.status import status_for
from scheduler.schedule import parse

NOW = at("2026-11-25T08:00:00")
SINCE = NOW - timedelta(days=30)


def test_a_hundred_jobs_over_thirty_days_are_reconstructed_exactly() -> None:
    jobs = [job(f"job-{i:03d}", f"cron({i % 60} 0/7 * * ? *)") for i in range(100)]
    groups = {}
    for j in jobs:
        fires = list(parse(j.schedule).fire_times(SINCE, NOW - timedelta(hours=1)))
        groups[group(j.name)] = [
            e
            for k, fire in enumerate(fires)
            if k % 6 != 5  # every sixth fire is missed
            for e in run_events(j.name, fire, request_id=f"{j.name}-{k:04d}")
        ]
    logs = FakeLogs(groups)
    assert sum(len(events) for events in groups.values()) == 40_000
    cat = catalogue(*jobs)
    history = history_for(cat, logs, now=NOW, since=SINCE)
    rows = status_for(cat, logs, now=NOW, window=timedelta(days=30))
    assert sum(r.status is RunStatus.SUCCEEDED for r in history.runs) == 10_000
    assert sum(r.status is RunStatus.MISSED for r in history.runs) == 1_996
    assert len(rows) == 100
