"""Every example of the EventBridge cron and rate documentation, with exact fire times.

https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html
https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rate-expressions.html
https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html (the Scheduler's
cron table repeats the rules' table, wrap-around example included, and adds at()).
The instant used is Friday 2026-01-30 17:50 UTC (the weekend and a month end follow).
"""

from __future__ import annotations

import pytest
from schedule_helpers import stamps, utc

from scheduler.schedule import parse

FRIDAY = utc(2026, 1, 30, 17, 50)


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        # "Run at 10:00 am (UTC+0) every day"
        (
            "cron(0 10 * * ? *)",
            ["2026-01-31 10:00", "2026-02-01 10:00", "2026-02-02 10:00"],
        ),
        # "Run at 12:15 pm (UTC+0) every day"
        (
            "cron(15 12 * * ? *)",
            ["2026-01-31 12:15", "2026-02-01 12:15", "2026-02-02 12:15"],
        ),
        # "Run at 6:00 pm (UTC+0) every Monday through Friday"
        (
            "cron(0 18 ? * MON-FRI *)",
            ["2026-01-30 18:00", "2026-02-02 18:00", "2026-02-03 18:00"],
        ),
        # "Run at 8:00 am (UTC+0) every 1st day of the month"
        (
            "cron(0 8 1 * ? *)",
            ["2026-02-01 08:00", "2026-03-01 08:00", "2026-04-01 08:00"],
        ),
        # "Run every 15 minutes"
        (
            "cron(0/15 * * * ? *)",
            ["2026-01-30 18:00", "2026-01-30 18:15", "2026-01-30 18:30"],
        ),
        # "Run every 5 minutes Monday through Friday between 8:00 am and 5:55 pm (UTC+0)"
        (
            "cron(0/5 8-17 ? * MON-FRI *)",
            ["2026-01-30 17:55", "2026-02-02 08:00", "2026-02-02 08:05"],
        ),
        # "Run every 30 minutes Monday through Friday between 10:00 pm on the starting day to
        # 2:00 am on the following day": hours 20-2 wrap past midnight, and MON-FRI is the
        # calendar day of each fire, so Friday runs until 23:30, Saturday 00:00-02:30 does not
        # run, and Monday runs from 00:00.
        (
            "cron(0/30 20-2 ? * MON-FRI *)",
            ["2026-01-30 20:00", "2026-01-30 20:30", "2026-01-30 21:00"],
        ),
        # "Run at 9 am (UTC+0) the first Monday of each month"
        (
            "cron(0 9 ? * 2#1 *)",
            ["2026-02-02 09:00", "2026-03-02 09:00", "2026-04-06 09:00"],
        ),
        # "Run every day, at 5 and 35 minutes past 2:00 pm (UTC)" (CloudWatch Events guide)
        (
            "cron(5,35 14 * * ? *)",
            ["2026-01-31 14:05", "2026-01-31 14:35", "2026-02-01 14:05"],
        ),
        # rate examples: every minute, every five minutes, once an hour, once a day
        ("rate(1 minute)", ["2026-01-30 17:51", "2026-01-30 17:52", "2026-01-30 17:53"]),
        ("rate(5 minutes)", ["2026-01-30 17:55", "2026-01-30 18:00", "2026-01-30 18:05"]),
        ("rate(1 hour)", ["2026-01-30 18:00", "2026-01-30 19:00", "2026-01-30 20:00"]),
        ("rate(1 day)", ["2026-01-31 00:00", "2026-02-01 00:00", "2026-02-02 00:00"]),
        # the Lambda guide's (services-cloudwatchevents-expressions): "Every seven days",
        # counted here from the default anchor, 1970-01-01, a Thursday; and "10:15 AM daily"
        ("rate(7 days)", ["2026-02-05 00:00", "2026-02-12 00:00", "2026-02-19 00:00"]),
        (
            "cron(15 10 * * ? *)",
            ["2026-01-31 10:15", "2026-02-01 10:15", "2026-02-02 10:15"],
        ),
    ],
)
def test_documented_example_fires_exactly(expression: str, expected: list[str]) -> None:
    assert stamps(parse(expression).next_fire_times(FRIDAY, 3)) == expected


def test_every_ten_minutes_on_weekdays_skips_the_weekend() -> None:
    # "Run every 10 minutes Monday through Friday": cron(0/10 * ? * MON-FRI *)
    late_friday = utc(2026, 1, 30, 23, 35)
    fires = parse("cron(0/10 * ? * MON-FRI *)").next_fire_times(late_friday, 4)
    assert stamps(fires) == [
        "2026-01-30 23:40",
        "2026-01-30 23:50",
        "2026-02-02 00:00",
        "2026-02-02 00:10",
    ]


def test_every_ten_minutes_on_weekdays_fires_144_times_a_weekday() -> None:
    schedule = parse("cron(0/10 * ? * MON-FRI *)")
    week = list(schedule.fire_times(utc(2026, 2, 1), utc(2026, 2, 8)))  # Sunday to Sunday
    assert len(week) == 5 * 144
    assert stamps([week[0], week[-1]]) == ["2026-02-02 00:00", "2026-02-06 23:50"]


def test_the_wrapping_hours_example_over_a_weekend() -> None:
    # cron(0/30 20-2 ? * MON-FRI *), the guide's own wrap-around example, from Friday 23:00.
    fires = parse("cron(0/30 20-2 ? * MON-FRI *)").next_fire_times(utc(2026, 1, 30, 23, 0), 8)
    assert stamps(fires) == [
        "2026-01-30 23:30",
        "2026-02-02 00:00",
        "2026-02-02 00:30",
        "2026-02-02 01:00",
        "2026-02-02 01:30",
        "2026-02-02 02:00",
        "2026-02-02 02:30",
        "2026-02-02 20:00",
    ]


def test_the_wrapping_hours_example_fires_14_times_a_weekday() -> None:
    schedule = parse("cron(0/30 20-2 ? * MON-FRI *)")
    week = list(schedule.fire_times(utc(2026, 2, 1), utc(2026, 2, 8)))  # Sunday to Sunday
    assert len(week) == 5 * 14
    assert stamps([week[0], week[-1]]) == ["2026-02-02 00:00", "2026-02-06 23:30"]


def test_scheduler_one_time_example() -> None:
    # The Scheduler guide's one-time schedule: at(yyyy-mm-ddThh:mm:ss) in the schedule's zone.
    schedule = parse("at(2027-11-20T13:00:00)")
    assert stamps(schedule.next_fire_times(FRIDAY, 3)) == ["2027-11-20 13:00"]
    assert stamps(schedule.next_fire_times(FRIDAY, 3, tz="America/New_York")) == [
        "2027-11-20 18:00"
    ]


def test_last_friday_example_with_a_year_range() -> None:
    # "Run at 10:15 am (UTC) on the last Friday of each month during the years 2002 to 2005"
    # (the CloudWatch Events guide; the EventBridge guide says 2019-2022, tested below)
    schedule = parse("cron(15 10 ? * 6L 2002-2005)")
    assert stamps(schedule.next_fire_times(utc(2002, 1, 1), 3)) == [
        "2002-01-25 10:15",
        "2002-02-22 10:15",
        "2002-03-29 10:15",
    ]
    assert stamps(schedule.next_fire_times(utc(2005, 12, 1), 3)) == ["2005-12-30 10:15"]
    assert len(list(schedule.fire_times(utc(2001, 1, 1), utc(2010, 1, 1)))) == 48


def test_slash_starts_at_the_given_minute() -> None:
    # The guide's "1/10" example: every tenth minute starting at minute 1.
    fires = parse("cron(1/10 * * * ? *)").next_fire_times(utc(2026, 1, 30, 17, 50), 3)
    assert stamps(fires) == ["2026-01-30 17:51", "2026-01-30 18:01", "2026-01-30 18:11"]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("cron(0 0 * * ? *)", "cron(0 0 * * ? *)"),
        ("cron(0 2 ? * mon *)", "cron(0 2 ? * MON *)"),
        ("cron(00 02 ? * 2 *)", "cron(0 2 ? * 2 *)"),
        ("cron(0 0 ? jan-mar fril *)", "cron(0 0 ? JAN-MAR FRIL *)"),
        ("cron(0 0 lw * ? *)", "cron(0 0 LW * ? *)"),
        ("cron(0 0 15w * ? *)", "cron(0 0 15W * ? *)"),
        ("cron(0 0 ? * mon#2 *)", "cron(0 0 ? * MON#2 *)"),
        ("rate(05 minutes)", "rate(5 minutes)"),
        ("at(2026-01-01T09:30:00)", "at(2026-01-01T09:30:00)"),
    ],
)
def test_aws_expression_is_normalised_and_source_kept(expression: str, expected: str) -> None:
    schedule = parse(expression)
    assert (schedule.aws_expression, schedule.source, schedule.dialect) == (
        expected,
        expression,
        "aws",
    )


@pytest.mark.parametrize(
    ("expression", "kind"),
    [("cron(0 0 * * ? *)", "cron"), ("rate(1 day)", "rate"), ("at(2030-01-01T00:00:00)", "at")],
)
def test_kind(expression: str, kind: str) -> None:
    assert parse(expression).kind == kind


def test_last_friday_example_of_the_eventbridge_guide() -> None:
    # aws events put-rule --schedule-expression "cron(15 10 ? * 6L 2019-2022)"
    schedule = parse("cron(15 10 ? * 6L 2019-2022)")
    assert stamps(schedule.next_fire_times(utc(2022, 10, 1), 5)) == [
        "2022-10-28 10:15",
        "2022-11-25 10:15",
        "2022-12-30 10:15",
    ]


@pytest.mark.parametrize(
    "expression",
    ["cron(0 12 * * ? *)", "cron(5,35 14 * * ? *)", "cron(15 10 ? * 6L 2019-2022)"],
)
def test_the_guides_put_rule_examples_are_kept_as_written(expression: str) -> None:
    assert parse(expression).aws_expression == expression
