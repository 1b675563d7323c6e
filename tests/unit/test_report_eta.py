"""Apply's status line at a terminal: progress, rate and time left, exactly."""

from __future__ import annotations

from scheduler.report.plan import eta_line


def test_the_status_line_says_how_far_how_fast_and_how_long_is_left() -> None:
    assert eta_line(300, 1503, 12.0) == "300/1503 changes (19%) · 25.0/s · ETA 0:48"


def test_an_hour_long_apply_shows_minutes() -> None:
    assert eta_line(10, 10_000, 10.0) == "10/10000 changes (0%) · 1.0/s · ETA 166:30"


def test_before_the_first_change_ends_the_time_left_is_unknown() -> None:
    assert eta_line(0, 32, 0.5) == "0/32 changes (0%) · ETA unknown"


def test_the_last_change_leaves_nothing() -> None:
    assert eta_line(32, 32, 4.0) == "32/32 changes (100%) · 8.0/s · ETA 0:00"
