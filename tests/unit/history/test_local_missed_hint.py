"""Missed fires in the local AWS are (nearly always) fires nobody ticked: status and history
say so there, with the tick command pointed at the environment, and never on AWS."""

from __future__ import annotations

from datetime import timedelta

from run_fakes import FakeLogs
from run_support import at, catalogue, job

from scheduler.history.read import history_for
from scheduler.history.status import status_for
from scheduler.report import history as history_report
from scheduler.report import status as status_report
from scheduler.report.commands import Commands

NOW = at("2026-11-25T08:00:00")
DEPLOYED = {"tmp": at("2026-11-25T05:20:00")}
LOCAL = Commands(local=True, environment="dev")
HINT = (
    "hint: the local AWS fires no schedule by itself: `sched local tick --env dev` runs every "
    "fire due since the last tick"
)


def test_local_status_with_missed_fires_names_the_tick() -> None:
    rows = status_for(catalogue(job("tmp", "rate(1 hour)")), FakeLogs(), now=NOW, deployed=DEPLOYED)
    assert rows[0].status is not None and rows[0].status.missed == 2
    assert status_report.to_text(rows, width=200, commands=LOCAL).splitlines()[-1] == HINT
    assert "sched local tick" not in status_report.to_text(rows, width=200)


def test_local_history_with_missed_fires_names_the_tick() -> None:
    found = history_for(
        catalogue(job("tmp", "rate(1 hour)")),
        FakeLogs(),
        now=NOW,
        since=NOW - timedelta(days=1),
        deployed=DEPLOYED,
    )
    assert history_report.to_text(found, width=200, commands=LOCAL).splitlines()[-1] == HINT
    assert "sched local tick" not in history_report.to_text(found, width=200)


def test_local_status_without_missed_fires_gives_no_tick_hint() -> None:
    rows = status_for(
        catalogue(job("tmp", "rate(1 hour)")),
        FakeLogs(),
        now=NOW,
        window=timedelta(minutes=30),
        deployed=DEPLOYED,
    )
    assert "sched local tick" not in status_report.to_text(rows, width=200, commands=LOCAL)
