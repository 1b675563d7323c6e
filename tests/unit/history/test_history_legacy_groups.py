"""Runs logged before a function had a group of its own are in Lambda's default group: history
and status read it too, when it exists and the window reaches back before the function's last
deployment (the move was one), each run once."""

from __future__ import annotations

from datetime import timedelta

from run_fakes import FakeLogs
from run_support import at, catalogue, group, job, legacy_group, run_events

from scheduler.history import RunStatus
from scheduler.history.read import history_for
from scheduler.history.status import status_for

NOW = at("2026-11-25T08:00:00")
SINCE = at("2026-11-22T00:00:00")
DAILY = job("daily", "cron(0 2 * * ? *)")
MOVED = at("2026-11-23T12:00:00")  # the apply that gave it its own group


def _logs() -> FakeLogs:
    """Two runs before the move in the default group, two after it in its own."""
    return FakeLogs(
        {
            legacy_group("daily"): [
                *run_events("daily", at("2026-11-22T02:00:00"), request_id="r22"),
                *run_events("daily", at("2026-11-23T02:00:00"), request_id="r23"),
            ],
            group("daily"): [
                *run_events("daily", at("2026-11-24T02:00:00"), request_id="r24"),
                *run_events("daily", at("2026-11-25T02:00:00"), request_id="r25"),
            ],
        }
    )


def test_history_shows_the_runs_of_both_groups_each_once() -> None:
    found = history_for(
        catalogue(DAILY),
        _logs(),
        now=NOW,
        since=SINCE,
        deployed={"daily": MOVED},
        legacy={legacy_group("daily")},
    )
    assert [(r.request_id, r.status) for r in found.runs] == [
        ("r22", RunStatus.SUCCEEDED),
        ("r23", RunStatus.SUCCEEDED),
        ("r24", RunStatus.SUCCEEDED),
        ("r25", RunStatus.SUCCEEDED),
    ]


def test_status_counts_the_runs_of_both_groups() -> None:
    (row,) = status_for(
        catalogue(DAILY),
        _logs(),
        now=NOW,
        window=NOW - SINCE,
        deployed={"daily": MOVED},
        legacy={legacy_group("daily")},
    )
    assert row.status is not None
    assert (row.status.runs, row.status.succeeded) == (4, 4)


def test_a_default_group_that_does_not_exist_is_not_read() -> None:
    logs = _logs()
    found = history_for(catalogue(DAILY), logs, now=NOW, since=SINCE, deployed={"daily": MOVED})
    assert [r.request_id for r in found.runs if r.request_id] == ["r24", "r25"]
    assert {read[0] for read in logs.reads} == {group("daily")}


def test_a_window_after_the_last_deployment_reads_only_the_function_s_own_group() -> None:
    logs = _logs()
    history_for(
        catalogue(DAILY),
        logs,
        now=NOW,
        since=at("2026-11-24T00:00:00"),
        deployed={"daily": at("2026-11-23T12:00:00") - timedelta(days=1)},
        legacy={legacy_group("daily")},
    )
    assert {read[0] for read in logs.reads} == {group("daily")}
