"""Cron on a zone's wall clock across DST: a gap time is skipped, a repeated time runs once.

2026 changes: Europe/London 29 Mar 01:00Z (01:00 GMT -> 02:00 BST) and 25 Oct 01:00Z
(02:00 BST -> 01:00 GMT); America/New_York 8 Mar 07:00Z (02:00 EST -> 03:00 EDT) and
1 Nov 06:00Z (02:00 EDT -> 01:00 EST).
"""

from __future__ import annotations

from datetime import datetime

from schedule_helpers import stamps, utc

from scheduler.schedule import DstEvent, parse

LONDON = "Europe/London"
NEW_YORK = "America/New_York"


def test_london_spring_gap_is_skipped() -> None:
    fires = parse("cron(30 1 * * ? *)").next_fire_times(utc(2026, 3, 27, 12), 3, tz=LONDON)
    # 28 Mar 01:30 GMT; 29 Mar 01:30 does not exist; 30 Mar 01:30 BST
    assert stamps(fires) == ["2026-03-28 01:30", "2026-03-30 00:30", "2026-03-31 00:30"]


def test_london_autumn_repeat_runs_once_at_the_first_occurrence() -> None:
    fires = parse("cron(30 1 * * ? *)").next_fire_times(utc(2026, 10, 23, 12), 3, tz=LONDON)
    # 24 Oct 01:30 BST; 25 Oct 01:30 BST (not again at 01:30 GMT); 26 Oct 01:30 GMT
    assert stamps(fires) == ["2026-10-24 00:30", "2026-10-25 00:30", "2026-10-26 01:30"]


def test_new_york_spring_gap_is_skipped() -> None:
    fires = parse("cron(30 2 * * ? *)").next_fire_times(utc(2026, 3, 6, 12), 3, tz=NEW_YORK)
    assert stamps(fires) == ["2026-03-07 07:30", "2026-03-09 06:30", "2026-03-10 06:30"]


def test_new_york_autumn_repeat_runs_once() -> None:
    fires = parse("cron(30 1 * * ? *)").next_fire_times(utc(2026, 10, 30, 12), 3, tz=NEW_YORK)
    assert stamps(fires) == ["2026-10-31 05:30", "2026-11-01 05:30", "2026-11-02 06:30"]


def test_quarter_hourly_across_the_london_changes() -> None:
    schedule = parse("cron(0/15 * * * ? *)")
    spring = schedule.next_fire_times(utc(2026, 3, 29, 0, 30), 4, tz=LONDON)
    # 00:45 GMT, then the wall clock jumps to 02:00 BST = 01:00Z: real time runs on
    assert stamps(spring) == [
        "2026-03-29 00:45",
        "2026-03-29 01:00",
        "2026-03-29 01:15",
        "2026-03-29 01:30",
    ]
    autumn = schedule.next_fire_times(utc(2026, 10, 25, 0, 30), 4, tz=LONDON)
    # 01:45 BST (00:45Z) is followed by 02:00 GMT: the repeated 01:00-01:45 GMT do not run
    assert stamps(autumn) == [
        "2026-10-25 00:45",
        "2026-10-25 02:00",
        "2026-10-25 02:15",
        "2026-10-25 02:30",
    ]


def test_starting_inside_the_repeated_hour() -> None:
    # 01:20Z on 25 Oct is 01:20 GMT, the second 01:20 on the London clock.
    fires = parse("cron(0/15 * * * ? *)").next_fire_times(utc(2026, 10, 25, 1, 20), 2, tz=LONDON)
    assert stamps(fires) == ["2026-10-25 02:00", "2026-10-25 02:15"]


def test_dst_transitions_for_a_daily_job_in_the_gap_and_the_repeat() -> None:
    events = parse("cron(30 1 * * ? *)").dst_transitions(utc(2026, 1, 1), utc(2027, 1, 1), LONDON)
    assert events == [
        DstEvent(datetime(2026, 3, 29, 1, 30), "skipped"),
        DstEvent(datetime(2026, 10, 25, 1, 30), "repeated"),
    ]


def test_dst_transitions_lists_every_affected_fire() -> None:
    schedule = parse("cron(0/15 * * * ? *)")
    events = schedule.dst_transitions(utc(2026, 3, 1), utc(2026, 4, 1), NEW_YORK)
    assert events == [DstEvent(datetime(2026, 3, 8, 2, m), "skipped") for m in (0, 15, 30, 45)]


def test_dst_transitions_is_empty_outside_the_window_and_for_safe_times() -> None:
    daily = parse("cron(30 1 * * ? *)")
    assert daily.dst_transitions(utc(2026, 4, 1), utc(2026, 10, 1), LONDON) == []
    assert daily.dst_transitions(utc(2026, 1, 1), utc(2027, 1, 1), "UTC") == []
    assert daily.dst_transitions(utc(2026, 1, 1), utc(2027, 1, 1), "Asia/Tokyo") == []
    noon = parse("cron(0 12 * * ? *)")
    assert noon.dst_transitions(utc(2026, 1, 1), utc(2027, 1, 1), LONDON) == []


def test_dst_transitions_window_is_half_open_on_the_change_instant() -> None:
    daily = parse("cron(30 1 * * ? *)")
    change = utc(2026, 3, 29, 1)
    assert daily.dst_transitions(change, utc(2026, 4, 1), LONDON) == [
        DstEvent(datetime(2026, 3, 29, 1, 30), "skipped")
    ]
    assert daily.dst_transitions(utc(2026, 3, 1), change, LONDON) == []


def test_weekly_job_only_hits_the_gap_on_its_day() -> None:
    sunday = parse("cron(30 1 ? * SUN *)")
    monday = parse("cron(30 1 ? * MON *)")
    window = (utc(2026, 1, 1), utc(2027, 1, 1), LONDON)
    assert [e.kind for e in sunday.dst_transitions(*window)] == ["skipped", "repeated"]
    assert monday.dst_transitions(*window) == []


def test_dst_transitions_over_many_years() -> None:
    events = parse("0 1 * * 0").dst_transitions(utc(2026, 1, 1), utc(2036, 1, 1), LONDON)
    assert len(events) == 20
    assert {e.kind for e in events[0::2]} == {"skipped"}
    assert {e.kind for e in events[1::2]} == {"repeated"}


def test_at_in_the_gap_never_fires_and_is_reported() -> None:
    schedule = parse("at(2026-03-29T01:30:00)")
    assert schedule.next_fire_times(utc(2026, 1, 1), 1, tz=LONDON) == []
    assert schedule.dst_transitions(utc(2026, 1, 1), utc(2027, 1, 1), LONDON) == [
        DstEvent(datetime(2026, 3, 29, 1, 30), "skipped")
    ]


def test_at_in_the_repeat_fires_at_the_first_occurrence() -> None:
    schedule = parse("at(2026-10-25T01:30:00)")
    assert stamps(schedule.next_fire_times(utc(2026, 1, 1), 1, tz=LONDON)) == ["2026-10-25 00:30"]


def test_rate_has_no_dst_events() -> None:
    schedule = parse("rate(15 minutes)")
    assert schedule.dst_transitions(utc(2026, 1, 1), utc(2027, 1, 1), LONDON) == []


def test_half_hour_shift_of_lord_howe() -> None:
    # Australia/Lord_Howe moves its clock by 30 minutes: 02:00 -> 02:30 on 4 Oct 2026.
    events = parse("cron(0/15 2 * * ? *)").dst_transitions(
        utc(2026, 9, 1), utc(2026, 11, 1), "Australia/Lord_Howe"
    )
    assert events == [DstEvent(datetime(2026, 10, 4, 2, m), "skipped") for m in (0, 15)]
