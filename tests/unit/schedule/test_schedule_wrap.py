"""Ranges that wrap past the end of their field, read as EventBridge (Quartz) reads them.

https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html gives
cron(0/30 20-2 ? * MON-FRI *); a reversed range is the values from its start to the field's
end, then from the field's start to its end, the step counting on through the wrap.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from schedule_helpers import stamps, utc

from scheduler.schedule import ScheduleError, parse
from scheduler.schedule.registry import spec_for
from scheduler.schedule.spec import CronSpec


def spec(expression: str) -> CronSpec:
    compiled = spec_for(parse(expression).aws_expression)
    assert isinstance(compiled, CronSpec)
    return compiled


@pytest.mark.parametrize(
    ("expression", "field", "values"),
    [
        (
            "cron(50-10 * * * ? *)",
            "minutes",
            (0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59),
        ),
        ("cron(50-10/15 * * * ? *)", "minutes", (5, 50)),
        ("cron(0 22-2 * * ? *)", "hours", (0, 1, 2, 22, 23)),
        ("cron(0 22-2/2 * * ? *)", "hours", (0, 2, 22)),
        ("cron(0 23-0 * * ? *)", "hours", (0, 23)),
        ("cron(0 0 * NOV-FEB ? *)", "months", (1, 2, 11, 12)),
        ("cron(0 0 * 11-2/2 ? *)", "months", (1, 11)),
    ],
)
def test_reversed_range_values(expression: str, field: str, values: tuple[int, ...]) -> None:
    assert getattr(spec(expression), field) == values


def test_reversed_day_of_month_range() -> None:
    fires = parse("cron(0 0 30-2 * ? *)").next_fire_times(utc(2026, 1, 29), 7)
    assert stamps(fires) == [
        "2026-01-30 00:00",
        "2026-01-31 00:00",
        "2026-02-01 00:00",
        "2026-02-02 00:00",
        "2026-03-01 00:00",  # February has no 30th or 31st
        "2026-03-02 00:00",
        "2026-03-30 00:00",
    ]


def test_reversed_day_of_week_range_fri_to_mon() -> None:
    fires = parse("cron(0 9 ? * FRI-MON *)").next_fire_times(utc(2026, 2, 2, 12), 5)  # a Monday
    assert stamps(fires) == [
        "2026-02-06 09:00",  # Friday
        "2026-02-07 09:00",
        "2026-02-08 09:00",
        "2026-02-09 09:00",  # Monday
        "2026-02-13 09:00",
    ]
    assert spec("cron(0 9 ? * 6-2 *)") == spec("cron(0 9 ? * FRI-MON *)")


def test_the_day_of_week_is_the_calendar_day_of_each_fire_across_midnight() -> None:
    # Hours 22-2 on SAT only: Saturday 00:00-02:00 and 22:00-23:00 fire; Sunday 00:00 does not,
    # though it follows Saturday 23:00 within the same "night".
    fires = parse("cron(0 22-2 ? * SAT *)").next_fire_times(utc(2026, 2, 6, 12), 6)
    assert stamps(fires) == [
        "2026-02-07 00:00",
        "2026-02-07 01:00",
        "2026-02-07 02:00",
        "2026-02-07 22:00",
        "2026-02-07 23:00",
        "2026-02-14 00:00",
    ]


def test_a_wrapping_range_is_kept_as_written() -> None:
    assert parse("cron(0/30 20-2 ? * mon-fri *)").aws_expression == (
        "cron(0/30 20-2 ? * MON-FRI *)"
    )


def test_min_interval_of_a_wrapping_hours_range() -> None:
    # 23:00 then 00:00: one hour, across midnight.
    assert parse("cron(0 23-0 * * ? *)").min_interval() == timedelta(hours=1)
    assert parse("cron(0 22-2/2 * * ? *)").min_interval() == timedelta(hours=2)


def test_years_do_not_wrap() -> None:
    with pytest.raises(ScheduleError) as caught:
        parse("cron(0 0 * * ? 2030-2027)")
    assert caught.value.message == 'year range "2030-2027" runs backwards'


def test_unix_ranges_still_do_not_wrap() -> None:
    # Vixie cron and cronie read no range backwards; the hint gives the split line.
    with pytest.raises(ScheduleError) as caught:
        parse("0 22-2 * * *")
    assert caught.value.hint == (
        'Unix cron ranges do not wrap around past the end of the field; write "0 22-23,0-2 * * *"'
    )
