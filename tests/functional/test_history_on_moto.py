"""Run history end to end on moto: deploy the example, run jobs the way Lambda would log them,
then read history and status back through the real logs and deployment adapters."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from scheduler.app import deploy as app_deploy
from scheduler.apply import apply_plan
from scheduler.aws import AwsContext
from scheduler.catalogue.loader import load
from scheduler.catalogue.model import Catalogue
from scheduler.history import RunStatus
from scheduler.history.read import history_for
from scheduler.history.status import needs_attention, status_for
from scheduler.history.targets import deployment_times
from scheduler.local.invoke import run_locally
from scheduler.schedule import parse

ROOT = Path(__file__).parent.parent.parent


def _deploy(tmp_path: Path, aws: AwsContext) -> Catalogue:
    shutil.copy(ROOT / "jobs.yaml", tmp_path / "jobs.yaml")
    shutil.copytree(ROOT / "jobs", tmp_path / "jobs")
    catalogue = load(tmp_path / "jobs.yaml").catalogue
    assert catalogue is not None
    assert apply_plan(app_deploy.plan(catalogue, aws).plan, aws.writer).ok
    return catalogue


def test_a_scheduled_run_a_failure_and_a_job_that_never_ran(
    aws: AwsContext, tmp_path: Path
) -> None:
    catalogue = _deploy(tmp_path, aws)
    deployed = deployment_times(catalogue, aws.deployments)
    deployed_at = deployed["log-backup"]
    assert set(deployed) == {
        "log-backup", "nightly-export", "tmp-cleanup", "role-canary", "monthly-report",
    }  # fmt: skip

    # The canary fires every 15 minutes: one scheduled run, logged as Lambda would, just now.
    canary = catalogue.job("role-canary")
    assert canary is not None
    fire = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=1)
    ran = run_locally(catalogue, canary, now=fire, scheduled_time=fire, sink=aws.sink, manual=False)
    assert ran.status is RunStatus.SUCCEEDED
    cleanup = catalogue.job("tmp-cleanup")
    assert cleanup is not None
    failed = run_locally(
        catalogue, cleanup, now=fire, scheduled_time=fire, sink=aws.sink, manual=False
    )
    assert failed.status is RunStatus.FAILED

    now = datetime.now(UTC)
    found = history_for(
        catalogue, aws.logs, now=now, since=now - timedelta(hours=1), deployed=deployed
    )
    by_job = {(r.job, r.status) for r in found.runs}
    assert ("role-canary", RunStatus.SUCCEEDED) in by_job
    assert ("tmp-cleanup", RunStatus.FAILED) in by_job
    [failure] = [r for r in found.runs if r.job == "tmp-cleanup"]
    assert failure.error_type == "NoSuchBucket"

    # Eight days on, the weekly log backup has had its Monday 02:00 fires (two when it was
    # deployed between Sunday 02:00 and Monday 02:00) and never ran.
    later = deployed_at + timedelta(days=8)
    week = history_for(
        catalogue, aws.logs, now=later, since=later - timedelta(days=8), deployed=deployed,
        jobs=["log-backup"],
    )  # fmt: skip
    mondays = list(parse("cron(0 2 ? * MON *)").fire_times(deployed_at, later))
    assert mondays
    assert [(r.status, r.scheduled_time) for r in week.runs] == [
        (RunStatus.MISSED, monday) for monday in mondays
    ]
    rows = status_for(catalogue, aws.logs, now=later, window=timedelta(days=8), deployed=deployed)
    assert needs_attention(rows)
    backup = next(row for row in rows if row.job == "log-backup")
    assert backup.status is not None
    assert (
        backup.status.missed,
        backup.status.last_run.status if backup.status.last_run else None,
    ) == (
        len(mondays),
        RunStatus.MISSED,
    )
