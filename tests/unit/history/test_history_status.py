"""status_for: one row per job over the window, failing and missing jobs first."""

from __future__ import annotations

from datetime import timedelta

from run_fakes import FakeLogs
from run_scenario import NOW, WINDOW, scenario_catalogue, scenario_logs
from run_support import at, catalogue, group, job, run_events

from scheduler.history import Attention, RunStatus
from scheduler.history.status import StatusRow, needs_attention, status_for


def scenario() -> list[StatusRow]:
    return status_for(scenario_catalogue(), scenario_logs(), now=NOW, window=WINDOW)


def test_failing_then_missing_jobs_come_first() -> None:
    rows = scenario()
    assert [(r.job, r.attention) for r in rows] == [
        ("log-backup", Attention.FAILING),
        ("nightly-export", Attention.MISSING),
        ("monthly-report", Attention.HEALTHY),
        ("tmp-cleanup", Attention.HEALTHY),
        ("old-job", Attention.NO_RUNS),
        ("search-reindex", None),
    ]
    assert needs_attention(rows) is True


def test_a_failing_jobs_counts_rate_and_durations() -> None:
    row = scenario()[0]
    status = row.status
    assert status is not None
    assert (status.runs, status.succeeded, status.failed, status.missed) == (4, 2, 2, 0)
    assert status.success_rate == 0.5
    assert status.last_run is not None
    assert (status.last_run.status, status.last_run.error_type) == (
        RunStatus.FAILED,
        "ValueError",
    )
    # REPORT durations: the wrapper's + 5 ms. Nearest rank: p50 is the 2nd of 4, p95 the 4th.
    ms = timedelta(milliseconds=1)
    assert status.p50_duration == 2005 * ms
    assert status.p95_duration == 270_005 * ms
    assert status.headroom_expected == timedelta(minutes=5) - 270_005 * ms
    assert status.headroom_limit == timedelta(minutes=10) - 270_005 * ms
    assert status.reasons == ("last run failed: ValueError", "2 failed")


def test_rows_carry_the_schedule_in_words_and_the_next_run() -> None:
    by_job = {r.job: r for r in scenario()}
    assert [
        (r.job, r.description, r.timezone, r.next_run, r.tracked, r.enabled)
        for r in by_job.values()
    ] == [
        ("log-backup", "at 02:00, only on Monday", "UTC", at("2026-11-30T02:00:00"), True, True),
        (
            "nightly-export",
            "at 01:30 every day",
            "Europe/Paris",
            at("2026-11-26T00:30:00"),
            True,
            True,
        ),
        (
            "monthly-report",
            "at 08:00 on day 1 of the month",
            "America/New_York",
            at("2026-12-01T13:00:00"),
            True,
            True,
        ),
        ("tmp-cleanup", "every hour", "UTC", at("2026-11-25T08:17:00"), True, True),
        ("old-job", "at 04:00 every day", "UTC", None, True, False),
        (
            "search-reindex",
            "at 03:00, only on Sunday",
            "UTC",
            at("2026-11-29T03:00:00"),
            False,
            True,
        ),
    ]
    assert by_job["search-reindex"].status is None
    assert by_job["search-reindex"].note == (
        "runs on Fargate: sched reads Lambda logs only, so its runs are not tracked"
    )


def test_a_rate_job_with_no_logged_run_has_no_next_run() -> None:
    (row,) = status_for(catalogue(job("tmp", "rate(5 minutes)")), FakeLogs(), now=NOW)
    assert (row.next_run, row.attention) == (None, Attention.NO_RUNS)


def test_the_default_window_is_seven_days() -> None:
    logs = scenario_logs()
    status_for(scenario_catalogue(), logs, now=NOW)
    starts = {read[0]: read[1] for read in logs.reads}
    week_before = int((NOW - timedelta(days=7, minutes=2)).timestamp() * 1000)
    assert starts[group("log-backup")] == week_before


def test_all_healthy_needs_no_attention() -> None:
    daily = job("daily", "cron(0 2 * * ? *)")
    logs = FakeLogs(
        {
            group("daily"): [
                e
                for day in range(19, 26)
                for e in run_events("daily", at(f"2026-11-{day}T02:00:00"), request_id=f"d{day}")
            ]
        }
    )
    rows = status_for(catalogue(daily), logs, now=NOW)
    assert [(r.job, r.attention, r.status.runs if r.status else None) for r in rows] == [
        ("daily", Attention.HEALTHY, 7)
    ]
    assert needs_attention(rows) is False


def test_an_at_risk_job_does_not_need_attention_now() -> None:
    daily = job("daily", "cron(0 2 * * ? *)")
    events = [
        e
        for day in range(19, 26)
        for e in run_events(
            "daily",
            at(f"2026-11-{day}T02:00:00"),
            request_id=f"d{day}",
            status="failed" if day == 20 else "succeeded",
            error=("OSError", "disk") if day == 20 else None,
        )
    ]
    rows = status_for(catalogue(daily), FakeLogs({group("daily"): events}), now=NOW)
    assert [r.attention for r in rows] == [Attention.AT_RISK]
    assert needs_attention(rows) is False
