"""One catalogue with a job in every state, and its logs, for the status and report tests.

At NOW (Wed 2026-11-25 08:00 UTC), over the last 28 days:
- log-backup (weekly, Monday 02:00 UTC): 4 runs, the 2nd and the last failed → failing.
- nightly-export (01:30 Europe/Paris): ran every night but the last → missing.
- tmp-cleanup (rate(1 hour)): ran at 05:17, 06:17 and 07:17 → ok.
- monthly-report (08:00 New York on the 1st): ran on 1 November → ok.
- old-job (disabled): never ran → disabled.
- search-reindex (Fargate): not tracked.
"""

from __future__ import annotations

from datetime import timedelta

from run_fakes import FakeLogs
from run_support import at, catalogue, fargate_job, group, job, run_events, scheduler_job

from scheduler.catalogue.model import Catalogue
from scheduler.ports import LogEvent

NOW = at("2026-11-25T08:00:00")
WINDOW = timedelta(days=28)


def scenario_catalogue() -> Catalogue:
    return catalogue(
        job("tmp-cleanup", "rate(1 hour)", expected_runtime=timedelta(seconds=30)),
        job("log-backup", "cron(0 2 ? * MON *)"),
        fargate_job("search-reindex", "0 3 * * 0"),
        scheduler_job(
            "nightly-export", "30 1 * * *", "Europe/Paris", expected_runtime=timedelta(minutes=3)
        ),
        scheduler_job(
            "monthly-report",
            "cron(0 8 1 * ? *)",
            "America/New_York",
            expected_runtime=timedelta(minutes=2),
        ),
        job("old-job", "cron(0 4 * * ? *)", enabled=False),
    )


def _backups() -> list[LogEvent]:
    s = timedelta(seconds=1)
    return [
        *run_events("log-backup", at("2026-11-02T02:00:00"), request_id="b-1", duration=252 * s),
        *run_events(
            "log-backup",
            at("2026-11-09T02:00:00"),
            request_id="b-2",
            duration=1.4 * s,
            status="failed",
            error=("KeyError", "'bucket'"),
        ),
        *run_events("log-backup", at("2026-11-16T02:00:00"), request_id="b-3", duration=270 * s),
        *run_events(
            "log-backup",
            at("2026-11-23T02:00:00"),
            request_id="b-4",
            duration=2 * s,
            status="failed",
            error=("ValueError", "bucket app-logs not found"),
        ),
    ]


def _exports() -> list[LogEvent]:
    events: list[LogEvent] = []
    first = at("2026-10-28T00:30:00")  # 01:30 in Paris (CET, UTC+1)
    for day in range(28):  # up to 2026-11-24; the run of 2026-11-25 00:30 UTC is missing
        fire = first + timedelta(days=day)
        events += run_events(
            "nightly-export",
            fire,
            request_id=f"e-{day:02d}",
            trigger="scheduler",
            duration=timedelta(seconds=100 + day),
        )
    return events


def scenario_logs() -> FakeLogs:
    minute = timedelta(minutes=1)
    return FakeLogs(
        {
            group("log-backup"): _backups(),
            group("nightly-export"): _exports(),
            group("tmp-cleanup"): [
                e
                for i, fire in enumerate(("05:17", "06:17", "07:17"))
                for e in run_events(
                    "tmp-cleanup",
                    at(f"2026-11-25T{fire}:00"),
                    request_id=f"t-{i}",
                    duration=(12 + i) * minute / 60,
                )
            ],
            group("monthly-report"): run_events(
                "monthly-report",
                at("2026-11-01T13:00:00"),
                request_id="m-1",
                trigger="scheduler",
                duration=95 * minute / 60,
            ),
        }
    )
