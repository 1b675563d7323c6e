"""AWS-only day forms: L, LW, nW, nL, n#k, the day-of-week L, and the year field."""

from __future__ import annotations

from datetime import datetime

import pytest
from schedule_helpers import stamps, utc

from scheduler.schedule import parse

NEW_YEAR = utc(2026, 1, 1)  # a Thursday


def days(expression: str, count: int = 4, after: datetime = NEW_YEAR) -> list[str]:
    """The dates of the next `count` fires (fires strictly after `after`)."""
    return [stamp[:10] for stamp in stamps(parse(expression).next_fire_times(after, count))]


def test_l_is_the_last_day_of_each_month() -> None:
    assert days("cron(0 0 L * ? *)") == ["2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30"]


def test_l_in_february_of_a_leap_year_and_of_2100() -> None:
    assert days("cron(0 0 L 2 ? *)", 3, utc(2027, 6, 1)) == [
        "2028-02-29",
        "2029-02-28",
        "2030-02-28",
    ]
    assert days("cron(0 0 L 2 ? 2100)", 1, utc(2027, 6, 1)) == ["2100-02-28"]


def test_lw_is_the_last_weekday() -> None:
    # Jan 31 2026 is a Saturday, Feb 28 a Saturday, May 31 a Sunday.
    assert days("cron(0 0 LW * ? *)", 5) == [
        "2026-01-30",
        "2026-02-27",
        "2026-03-31",
        "2026-04-30",
        "2026-05-29",
    ]


def test_nearest_weekday_moves_saturday_back_and_sunday_forward() -> None:
    # Feb 15 and Mar 15 2026 are Sundays; Aug 15 2026 is a Saturday.
    assert days("cron(0 0 15W * ? *)", 8) == [
        "2026-01-15",
        "2026-02-16",
        "2026-03-16",
        "2026-04-15",
        "2026-05-15",
        "2026-06-15",
        "2026-07-15",
        "2026-08-14",
    ]


def test_nearest_weekday_never_leaves_the_month() -> None:
    # Aug 1 2026 is a Saturday: 1W is Monday the 3rd, not Friday July 31.
    assert days("cron(0 0 1W 8 ? *)", 1) == ["2026-08-03"]
    # May 31 2026 is a Sunday: 31W is Friday the 29th, not Monday June 1.
    assert days("cron(0 0 31W 5 ? *)", 1) == ["2026-05-29"]


def test_nearest_weekday_of_a_day_the_month_lacks_does_not_fire() -> None:
    # Jan 31 is a Saturday (moves to the 30th); Feb, Apr and Jun have no 31st.
    assert days("cron(0 0 31W * ? *)") == ["2026-01-30", "2026-03-31", "2026-05-29", "2026-07-31"]


def test_day_31_fires_only_in_long_months() -> None:
    assert days("cron(0 0 31 * ? *)") == ["2026-01-31", "2026-03-31", "2026-05-31", "2026-07-31"]


@pytest.mark.parametrize("field", ["6L", "FRIL", "fril"])
def test_nl_is_the_last_such_weekday(field: str) -> None:
    assert days(f"cron(0 0 ? * {field} *)") == [
        "2026-01-30",
        "2026-02-27",
        "2026-03-27",
        "2026-04-24",
    ]


def test_l_alone_in_day_of_week_is_saturday() -> None:
    assert days("cron(0 0 ? * L *)", 3) == ["2026-01-03", "2026-01-10", "2026-01-17"]


def test_hash_picks_the_nth_weekday() -> None:
    assert days("cron(0 0 ? * 3#2 *)", 3) == ["2026-01-13", "2026-02-10", "2026-03-10"]  # 2nd Tue
    assert days("cron(0 0 ? * SUN#1 *)", 3) == ["2026-01-04", "2026-02-01", "2026-03-01"]


def test_fifth_weekday_skips_months_without_one() -> None:
    # Months of 2026 with five Mondays: March, June, August, November.
    assert days("cron(0 0 ? * 2#5 *)", 5) == [
        "2026-03-30",
        "2026-06-29",
        "2026-08-31",
        "2026-11-30",
        "2027-03-29",
    ]


def test_weekday_numbers_are_sunday_first() -> None:
    assert days("cron(0 0 ? * 1 *)", 1) == ["2026-01-04"]  # Sunday
    assert days("cron(0 0 ? * 7 *)", 1) == ["2026-01-03"]  # Saturday
    # Midnight of Thursday Jan 1 is the starting instant itself, so it is not "after".
    assert days("cron(0 0 ? * 2-6 *)", 3) == ["2026-01-02", "2026-01-05", "2026-01-06"]


def test_day_of_week_list_and_range_mix() -> None:
    assert days("cron(0 0 ? * MON-WED,FRI *)", 5) == [
        "2026-01-02",
        "2026-01-05",
        "2026-01-06",
        "2026-01-07",
        "2026-01-09",
    ]


def test_year_range_ends_the_schedule() -> None:
    schedule = parse("cron(0 12 1 1 ? 2027-2029)")
    assert stamps(schedule.next_fire_times(NEW_YEAR, 5)) == [
        "2027-01-01 12:00",
        "2028-01-01 12:00",
        "2029-01-01 12:00",
    ]


def test_year_step_and_list() -> None:
    stepped = parse("cron(0 0 1 1 ? 2030/10)").next_fire_times(NEW_YEAR, 30)
    assert [t.year for t in stepped] == list(range(2030, 2200, 10))
    listed = parse("cron(0 0 1 1 ? 2026,2028)").next_fire_times(utc(2025, 6, 1), 5)
    assert [t.year for t in listed] == [2026, 2028]


def test_month_step_and_names() -> None:
    assert days("cron(0 0 1 JAN/3 ? *)") == ["2026-04-01", "2026-07-01", "2026-10-01", "2027-01-01"]
    assert days("cron(0 0 1 2-11/3 ? *)") == [
        "2026-02-01",
        "2026-05-01",
        "2026-08-01",
        "2026-11-01",
    ]


def test_day_of_month_step_and_list() -> None:
    assert days("cron(0 0 1/10 * ? *)", 5) == [
        "2026-01-11",
        "2026-01-21",
        "2026-01-31",
        "2026-02-01",
        "2026-02-11",
    ]
    assert days("cron(0 0 1,15 * ? *)", 3) == ["2026-01-15", "2026-02-01", "2026-02-15"]
