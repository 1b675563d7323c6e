"""next_fire_times / fire_times contract: strictness, never-firing, rate anchors, inputs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from schedule_helpers import stamps, utc

from scheduler.schedule import Schedule, is_known_timezone, parse

NOW = utc(2026, 6, 15, 12, 0)


@pytest.mark.parametrize(
    "expression",
    [
        "cron(0 0 30 2 ? *)",
        "cron(0 0 31 4,6,9,11 ? *)",
        "cron(0 0 31W 2 ? *)",
        "cron(0 0 1 1 ? 2020)",
        "cron(0 0 ? 2 6#5 2027)",  # February 2027 has 28 days: no fifth Friday
        "cron(0 0 29 2 ? 2097-2103)",  # 2100 is not a leap year
        "at(2020-01-01T00:00:00)",
        "cron(59 23 31 12 ? 2025)",
    ],
)
def test_never_fires_again_returns_an_empty_list(expression: str) -> None:
    assert parse(expression).next_fire_times(NOW, 10) == []


def test_never_is_answered_for_impossible_and_past_dates() -> None:
    schedules = [
        parse(e)
        for e in (
            "cron(* * 30 2 ? *)",
            "cron(* * 31 4,6,9,11 ? *)",
            "cron(* * ? 2 6#5 *)",
            "cron(* * 29 2 ? 2100)",
            "cron(* * L * ? 1970)",
        )
    ]
    for schedule in (schedules[0], schedules[1], schedules[3], schedules[4]):
        for zone in ("UTC", "Europe/London"):
            assert schedule.next_fire_times(utc(1971, 1, 1), 10, tz=zone) == []
    # "* * ? 2 6#5 *" does fire: in leap years whose February starts on a Friday.
    assert stamps(schedules[2].next_fire_times(utc(2026, 1, 1), 1)) == ["2036-02-29 00:00"]


def test_the_last_possible_fire_is_found_from_1970() -> None:
    schedule = parse("cron(59 23 31 12 ? 2199)")
    assert stamps(schedule.next_fire_times(utc(1970, 1, 1), 3)) == ["2199-12-31 23:59"]
    assert schedule.next_fire_times(utc(2199, 12, 31, 23, 59), 3) == []


def test_fires_are_strictly_after_and_in_utc() -> None:
    fires = parse("cron(0 12 * * ? *)").next_fire_times(NOW, 2)
    assert stamps(fires) == ["2026-06-16 12:00", "2026-06-17 12:00"]
    assert all(t.tzinfo is UTC for t in fires)
    fires = parse("cron(0 12 * * ? *)").next_fire_times(NOW - timedelta(microseconds=1), 1)
    assert stamps(fires) == ["2026-06-15 12:00"]


def test_after_may_be_in_any_zone() -> None:
    after = datetime(2026, 6, 15, 14, 0, tzinfo=timezone(timedelta(hours=2)))  # 12:00 UTC
    assert stamps(parse("cron(0 12 * * ? *)").next_fire_times(after, 1)) == ["2026-06-16 12:00"]


def test_count_zero_and_negative() -> None:
    schedule = parse("rate(1 minute)")
    assert schedule.next_fire_times(NOW, 0) == []
    with pytest.raises(ValueError, match="count"):
        schedule.next_fire_times(NOW, -1)


def test_naive_datetimes_are_refused() -> None:
    schedule = parse("cron(0 12 * * ? *)")
    naive = datetime(2026, 1, 1)
    with pytest.raises(ValueError, match="after must be timezone-aware"):
        schedule.next_fire_times(naive, 1)
    with pytest.raises(ValueError, match="start must be timezone-aware"):
        schedule.fire_times(naive, NOW)
    with pytest.raises(ValueError, match="end must be timezone-aware"):
        schedule.fire_times(NOW, naive)
    with pytest.raises(ValueError, match="anchor must be timezone-aware"):
        parse("rate(1 hour)").next_fire_times(NOW, 1, anchor=naive)
    with pytest.raises(ValueError, match="start must be timezone-aware"):
        schedule.dst_transitions(naive, NOW, "Europe/London")


def test_unknown_zone_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown time zone 'Mars/Olympus'"):
        parse("cron(0 12 * * ? *)").next_fire_times(NOW, 1, tz="Mars/Olympus")


def test_fire_times_is_start_exclusive_end_inclusive() -> None:
    fires = parse("cron(0 * * * ? *)").fire_times(utc(2026, 1, 1, 10), utc(2026, 1, 1, 13))
    assert stamps(list(fires)) == ["2026-01-01 11:00", "2026-01-01 12:00", "2026-01-01 13:00"]


def test_fire_times_is_lazy_over_a_long_window() -> None:
    fires = parse("cron(* * * * ? *)").fire_times(utc(2026, 1, 1), utc(2199, 1, 1))
    assert stamps([next(fires), next(fires)]) == ["2026-01-01 00:01", "2026-01-01 00:02"]


def test_rate_is_anchored_at_the_epoch_by_default() -> None:
    assert stamps(parse("rate(2 hours)").next_fire_times(utc(2026, 1, 30, 17, 50), 2)) == [
        "2026-01-30 18:00",
        "2026-01-30 20:00",
    ]
    # 7-day periods from Thursday 1970-01-01
    assert [t.strftime("%a") for t in parse("rate(7 days)").next_fire_times(NOW, 2)] == [
        "Thu",
        "Thu",
    ]


def test_rate_fires_first_at_its_anchor_then_every_interval() -> None:
    schedule = parse("rate(90 minutes)")
    anchor = utc(2026, 1, 1, 10, 7)
    assert stamps(schedule.next_fire_times(utc(2026, 1, 1, 9), 3, anchor=anchor)) == [
        "2026-01-01 10:07",
        "2026-01-01 11:37",
        "2026-01-01 13:07",
    ]
    assert stamps(schedule.next_fire_times(utc(2026, 1, 1, 11, 37), 2, anchor=anchor)) == [
        "2026-01-01 13:07",
        "2026-01-01 14:37",
    ]


def test_rate_ignores_the_zone() -> None:
    schedule = parse("rate(1 day)")
    anchor = datetime(2026, 3, 27, 9, 0, tzinfo=timezone(timedelta(hours=1)))
    london = schedule.next_fire_times(utc(2026, 3, 27), 4, tz="Europe/London", anchor=anchor)
    assert stamps(london) == [
        "2026-03-27 08:00",
        "2026-03-28 08:00",
        "2026-03-29 08:00",
        "2026-03-30 08:00",
    ]


def test_at_fires_once_on_the_zone_clock() -> None:
    schedule = parse("at(2026-07-01T09:30:00)")
    assert stamps(schedule.next_fire_times(NOW, 5)) == ["2026-07-01 09:30"]
    assert stamps(schedule.next_fire_times(NOW, 5, tz="America/New_York")) == ["2026-07-01 13:30"]
    assert schedule.next_fire_times(utc(2026, 7, 1, 9, 30), 5) == []


def test_a_schedule_built_from_plain_strings_works() -> None:
    schedule = Schedule("0 2 * * 1", "cron", "unix", "cron(0 2 ? * MON *)")
    assert schedule == parse("0 2 * * 1")
    assert stamps(schedule.next_fire_times(NOW, 1)) == ["2026-06-22 02:00"]
    assert schedule.describe() == "at 02:00, only on Monday"


@pytest.mark.parametrize(
    ("name", "known"),
    [
        ("UTC", True),
        ("Europe/London", True),
        ("America/New_York", True),
        ("Asia/Kolkata", True),
        ("Etc/GMT+5", True),
        ("Mars/Olympus", False),
        ("Europe", False),
        ("localtime", False),
        ("../etc/passwd", False),
        ("", False),
    ],
)
def test_is_known_timezone(name: str, known: bool) -> None:
    assert is_known_timezone(name) is known
