"""Under a shared role (defaults: {roles: shared}), a run refused by IAM is hinted with the
entry to add and the other jobs that use the role: in `sched status` and in `sched history`."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from run_fakes import FakeLogs
from run_support import at, catalogue, group, job, run_events

from scheduler.catalogue.model import Catalogue
from scheduler.history.read import history_for
from scheduler.history.status import status_for
from scheduler.report import history as history_report

NOW = at("2026-11-25T08:00:00")
DENIED = (
    "AccessDenied",
    "User: arn:aws:sts::123456789012:assumed-role/acme-sched-role-1a2b3c4d/x is not authorized"
    ' to perform: s3:PutObject on resource: "arn:aws:s3:::acme-backup/k" because no'
    " identity-based policy allows the s3:PutObject action",
)
MATES = {"daily": ("weekly",), "weekly": ("daily",)}
HINT = (
    "its role, shared with job weekly, does not allow s3:PutObject; add to its permissions: - "
    "S3WritePolicy: {BucketName: acme-backup} (it then gets a role of its own; theirs is "
    "unchanged)"
)


def _setup() -> tuple[Catalogue, FakeLogs]:
    daily = job("daily", "cron(0 2 * * ? *)", expected_runtime=timedelta(minutes=1))
    weekly = job("weekly", "cron(0 3 ? * MON *)", expected_runtime=timedelta(minutes=1))
    events = run_events(
        "daily",
        at("2026-11-25T02:00:00"),
        request_id="denied-1",
        duration=timedelta(seconds=2),
        status="failed",
        error=DENIED,
    )
    return catalogue(daily, weekly), FakeLogs({group("daily"): list(events)})


def test_status_names_the_jobs_sharing_the_role() -> None:
    jobs, logs = _setup()

    rows = status_for(jobs, logs, now=NOW, window=timedelta(hours=12), role_mates=MATES)

    (daily,) = [row for row in rows if row.job == "daily"]
    assert daily.status is not None
    assert HINT in daily.status.reasons


def test_history_names_the_jobs_sharing_the_role() -> None:
    jobs, logs = _setup()
    read = history_for(jobs, logs, now=NOW, since=at("2026-11-25T00:00:00"))

    text = history_report.to_text(replace(read, role_mates=MATES), width=1000)

    assert f"  hint: {HINT}" in text.splitlines()
