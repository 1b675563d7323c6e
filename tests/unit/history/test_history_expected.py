"""expected_vs_observed: missed fires, late runs, runs matched by start, with an injected clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from history_support import at

from scheduler.history import Run, RunStatus, Trigger, expected_vs_observed

GRACE = timedelta(hours=1)
LATE = timedelta(minutes=10)
WEEKLY = [at(f"2026-11-{day:02d}T02:00:00") for day in (2, 9, 16, 23)]


def _run(
    request_id: str,
    start: datetime,
    *,
    scheduled: datetime | None = None,
    status: RunStatus = RunStatus.SUCCEEDED,
    trigger: Trigger | None = Trigger.RULE,
    attempt: int | None = None,
) -> Run:
    return Run(
        job="log-backup",
        request_id=request_id,
        status=status,
        scheduled_time=scheduled,
        start=start,
        end=start + timedelta(minutes=2) if status is not RunStatus.RUNNING else None,
        duration=timedelta(minutes=2) if status is not RunStatus.RUNNING else None,
        attempt=attempt,
        trigger=trigger,
    )


def _missed(fire: datetime) -> Run:
    return Run(job="log-backup", request_id="", status=RunStatus.MISSED, scheduled_time=fire)


def _match(runs: list[Run], fires: list[datetime], now: datetime) -> list[Run]:
    return expected_vs_observed(
        runs, fires, job="log-backup", now=now, grace=GRACE, late_after=LATE
    )


def test_weekly_job_four_fires_two_runs_two_missed_one_twenty_minutes_late() -> None:
    on_time = _run("a", at("2026-11-09T02:00:01"), scheduled=WEEKLY[1])
    late = _run("b", at("2026-11-23T02:20:00"), scheduled=WEEKLY[3], status=RunStatus.FAILED)
    out = _match([late, on_time], WEEKLY, now=at("2026-11-24T00:00:00"))
    assert out == [
        _missed(WEEKLY[0]),
        replace(on_time, delay=timedelta(seconds=1)),
        _missed(WEEKLY[2]),
        replace(late, late=True, delay=timedelta(minutes=20)),
    ]
    assert out[3].status is RunStatus.FAILED  # a late run that failed is still failed


def test_run_still_running_covers_its_fire_and_later_fires_are_not_due_yet() -> None:
    fires = [at("2026-11-30T02:00:00"), at("2026-11-30T03:00:00")]
    running = _run(
        "r", at("2026-11-30T02:00:05"), status=RunStatus.RUNNING, trigger=None, attempt=1
    )
    out = _match([running], fires, now=at("2026-11-30T03:30:00"))
    assert out == [
        Run(
            job="log-backup",
            request_id="r",
            status=RunStatus.RUNNING,
            scheduled_time=fires[0],
            start=at("2026-11-30T02:00:05"),
            attempt=1,
            delay=timedelta(seconds=5),
        )
    ]


def test_grace_boundary_decides_missed() -> None:
    fire = WEEKLY[0]
    assert _match([], [fire], now=fire + GRACE - timedelta(seconds=1)) == []
    assert _match([], [fire], now=fire + GRACE) == [_missed(fire)]
    assert _match([], [fire], now=fire - timedelta(days=1)) == []


def test_platform_only_runs_match_the_nearest_uncovered_fire_within_grace() -> None:
    hourly = [at("2026-11-23T01:00:00"), at("2026-11-23T02:00:00"), at("2026-11-23T03:00:00")]
    early = _run("x", at("2026-11-23T01:59:30"), trigger=None)  # clock skew: 30 s before
    retry_like = _run("y", at("2026-11-23T02:20:00"), trigger=None)  # 02:00 already covered
    stray = _run("z", at("2026-11-23T05:00:00"), trigger=None)  # no fire within grace
    out = _match([stray, retry_like, early], hourly, now=at("2026-11-23T06:00:00"))
    assert [(r.request_id, r.status, r.scheduled_time, r.late, r.delay) for r in out] == [
        ("", RunStatus.MISSED, hourly[0], False, None),
        ("x", RunStatus.SUCCEEDED, hourly[1], False, timedelta(seconds=-30)),
        # 02:00 is taken by "x"; 01:00 is further away than grace allows, so it shares 02:00
        ("y", RunStatus.SUCCEEDED, hourly[1], True, timedelta(minutes=20)),
        ("", RunStatus.MISSED, hourly[2], False, None),
        ("z", RunStatus.SUCCEEDED, None, False, None),
    ]


def test_manual_runs_never_cover_a_fire() -> None:
    manual = _run("m", WEEKLY[0] + timedelta(seconds=2), trigger=Trigger.MANUAL)
    out = _match([manual], WEEKLY[:1], now=at("2026-11-03T00:00:00"))
    assert out == [_missed(WEEKLY[0]), manual]


def test_a_manual_run_with_a_scheduled_time_covers_no_fire_and_is_never_late() -> None:
    # `sched trigger` sends the schedule's event for "now", marked manual.
    manual = _run(
        "m", WEEKLY[0] + timedelta(minutes=30), scheduled=WEEKLY[0], trigger=Trigger.MANUAL
    )
    out = _match([manual], WEEKLY[:1], now=at("2026-11-03T00:00:00"))
    assert out == [_missed(WEEKLY[0]), manual]


def test_retries_start_late_by_design_and_are_not_flagged() -> None:
    first = _run("s1", at("2026-11-23T02:00:02"), scheduled=WEEKLY[3], attempt=1)
    retry = _run("s2", at("2026-11-23T02:31:00"), scheduled=WEEKLY[3], attempt=2)
    out = _match([first, retry], WEEKLY[3:], now=at("2026-11-24T00:00:00"))
    assert [(r.request_id, r.late, r.delay) for r in out] == [
        ("s1", False, timedelta(seconds=2)),
        ("s2", False, timedelta(minutes=31)),
    ]


def test_a_logged_scheduled_time_outside_the_expected_fires_does_not_cover_them() -> None:
    # e.g. the schedule changed: the old fire time ran, the new one did not.
    old = _run("o", at("2026-11-23T01:00:00"), scheduled=at("2026-11-23T01:00:00"))
    out = _match([old], WEEKLY[3:], now=at("2026-11-24T00:00:00"))
    assert [(r.request_id, r.status) for r in out] == [
        ("o", RunStatus.SUCCEEDED),
        ("", RunStatus.MISSED),
    ]
