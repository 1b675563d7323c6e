"""`sched status` gives the next run within a job's start and end dates (EventBridge Scheduler's
StartDate and EndDate), as `sched next` does: none once its end has passed."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from run_fakes import FakeLogs
from run_support import at, catalogue, job

from scheduler.catalogue.model import Backend
from scheduler.history.status import status_for

NOW = at("2026-12-02T08:00:00")


def _next_run(**dates: object) -> object:
    daily = replace(job("daily", "cron(30 2 * * ? *)"), backend=Backend.SCHEDULER, **dates)
    deployed = {"daily": NOW - timedelta(days=1)}
    (row,) = status_for(catalogue(daily), FakeLogs(), now=NOW, deployed=deployed)
    return row.next_run


def test_a_start_date_ahead_moves_the_next_run_to_it() -> None:
    assert _next_run(start=at("2027-01-01T00:00:00")) == at("2027-01-01T02:30:00")


def test_an_end_date_passed_leaves_no_next_run() -> None:
    assert _next_run(end=at("2020-01-01T00:00:00")) is None


def test_a_next_fire_after_the_end_date_is_none() -> None:
    assert _next_run(end=at("2026-12-02T09:00:00")) is None
    assert _next_run(end=at("2026-12-04T00:00:00")) == at("2026-12-03T02:30:00")


def test_a_rate_counts_from_its_start_date() -> None:
    hourly = replace(
        job("hourly", "rate(1 hour)"), backend=Backend.SCHEDULER, start=at("2027-01-01T00:10:00")
    )
    deployed = {"hourly": NOW - timedelta(days=1)}
    (row,) = status_for(catalogue(hourly), FakeLogs(), now=NOW, deployed=deployed)
    assert row.next_run == at("2027-01-01T01:10:00")
