"""A job whose function is not deployed is "not deployed", never missed; a rate() job counts its
fires from its deployment time (or its latest logged fire), as AWS counts them."""

from __future__ import annotations

from datetime import timedelta

from run_fakes import FakeLogs
from run_support import at, catalogue, group, job, run_events

from scheduler.history import Attention, RunStatus
from scheduler.history.read import history_for
from scheduler.history.status import needs_attention, status_for
from scheduler.report import history as history_report
from scheduler.report import status as report
from scheduler.report.commands import Commands

NOW = at("2026-11-25T08:00:00")


def test_a_job_not_in_the_deployments_is_not_deployed_and_not_missed() -> None:
    daily = job("daily", "cron(0 2 * * ? *)")
    rows = status_for(catalogue(daily), FakeLogs(), now=NOW, deployed={})
    (row,) = rows
    assert row.deployed is False
    assert row.attention is Attention.NOT_DEPLOYED
    assert row.status is not None and row.status.missed == 0
    assert report.state(row) == "not deployed"
    assert row.next_run is None
    assert needs_attention(rows) is False


def test_not_deployed_is_shown_in_its_own_words() -> None:
    daily = job("daily", "cron(0 2 * * ? *)")
    rows = status_for(catalogue(daily), FakeLogs(), now=NOW, deployed={})
    assert report.to_text(rows).splitlines()[:3] == [
        "  JOB    STATE         LAST RUN  SUCCESS  P50  P95  EXPECTED  HEADROOM",
        "? daily  not deployed  -               -    -    -        5m         -",
        "    not deployed: no function acme-ops-daily; `sched apply` schedules it · at 02:00 every"
        " day",
    ]


def test_a_destroyed_jobs_old_failure_does_not_page() -> None:
    daily = job("daily", "cron(0 2 * * ? *)")
    old = run_events(
        "daily", at("2026-11-20T02:00:00"), request_id="r1", status="failed", error=("E", "x")
    )
    rows = status_for(catalogue(daily), FakeLogs({group("daily"): old}), now=NOW, deployed={})
    assert [(r.attention, r.status.failed if r.status else None) for r in rows] == [
        (Attention.NOT_DEPLOYED, 1)
    ]
    assert needs_attention(rows) is False


def test_history_of_a_job_not_deployed_has_no_missed_fires() -> None:
    daily = job("daily", "cron(0 2 * * ? *)")
    found = history_for(
        catalogue(daily), FakeLogs(), now=NOW, since=NOW - timedelta(days=7), deployed={}
    )
    assert found.runs == []
    assert found.notes == [("daily", "not deployed: no function acme-ops-daily")]
    assert history_report.to_text(found).splitlines()[-1] == (
        "note: daily: not deployed: no function acme-ops-daily; `sched apply` schedules it"
    )


def test_the_apply_a_not_deployed_job_is_told_to_run_is_pointed_where_the_user_is() -> None:
    daily = job("daily", "cron(0 2 * * ? *)")
    rows = status_for(catalogue(daily), FakeLogs(), now=NOW, deployed={})
    local = Commands(catalogue="ops/jobs.yaml", local=True, environment="dev")
    assert report.to_text(rows, width=200, commands=local).splitlines()[2] == (
        "    not deployed: no function acme-ops-daily; "
        "`sched apply ops/jobs.yaml --local --env dev` schedules it · at 02:00 every day"
    )
    found = history_for(
        catalogue(daily), FakeLogs(), now=NOW, since=NOW - timedelta(days=7), deployed={}
    )
    on_aws = Commands(profile="ops", region="eu-west-1")
    assert history_report.to_text(found, width=200, commands=on_aws).splitlines()[-1] == (
        "note: daily: not deployed: no function acme-ops-daily; "
        "`sched apply --profile ops --region eu-west-1` schedules it"
    )


def test_without_deployments_known_every_job_is_taken_as_deployed() -> None:
    daily = job("daily", "cron(0 2 * * ? *)")
    (row,) = status_for(catalogue(daily), FakeLogs(), now=NOW)
    assert (row.deployed, row.attention) == (True, Attention.MISSING)


def test_a_rate_job_counts_its_fires_from_its_deployment() -> None:
    tmp = job("tmp", "rate(1 hour)")
    deployed = at("2026-11-25T05:20:00")
    found = history_for(
        catalogue(tmp),
        FakeLogs(),
        now=NOW,
        since=NOW - timedelta(days=1),
        deployed={"tmp": deployed},
    )
    assert [(r.status, r.scheduled_time) for r in found.runs] == [
        (RunStatus.MISSED, at("2026-11-25T06:20:00")),
        (RunStatus.MISSED, at("2026-11-25T07:20:00")),
    ]
    assert found.notes == []


def test_a_rate_jobs_next_run_counts_from_its_deployment() -> None:
    tmp = job("tmp", "rate(1 hour)")
    logs = FakeLogs(
        {
            group("tmp"): [
                e
                for hour in ("06:20", "07:20")
                for e in run_events("tmp", at(f"2026-11-25T{hour}:00"), request_id=f"r{hour}")
            ]
        }
    )
    deployed = {"tmp": at("2026-11-25T05:20:00")}
    (row,) = status_for(catalogue(tmp), logs, now=NOW, deployed=deployed)
    assert (row.next_run, row.note, row.attention) == (
        at("2026-11-25T08:20:00"),
        None,
        Attention.HEALTHY,
    )
    (quiet,) = status_for(
        catalogue(tmp), FakeLogs(), now=NOW, window=timedelta(minutes=30), deployed=deployed
    )
    assert (quiet.next_run, quiet.note) == (at("2026-11-25T08:20:00"), None)


def test_a_rate_jobs_logged_fires_come_before_its_deployment_time() -> None:
    # A code change moves the function's LastModified, not the rule's grid: the logged fires
    # (AWS's own delivery times) win over the deployment time.
    tmp = job("tmp", "rate(1 hour)")
    logs = FakeLogs({group("tmp"): run_events("tmp", at("2026-11-25T06:20:00"), request_id="r1")})
    found = history_for(
        catalogue(tmp),
        logs,
        now=NOW,
        since=NOW - timedelta(hours=3),
        deployed={"tmp": at("2026-11-25T06:45:00")},
    )
    assert [(r.status, r.scheduled_time) for r in found.runs] == [
        (RunStatus.SUCCEEDED, at("2026-11-25T06:20:00")),
        (RunStatus.MISSED, at("2026-11-25T07:20:00")),
    ]
