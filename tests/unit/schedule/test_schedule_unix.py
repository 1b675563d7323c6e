"""Unix cron and @presets: the translation to AWS cron, and what cannot be translated."""

from __future__ import annotations

from datetime import timedelta

import pytest
from schedule_helpers import stamps, utc

from scheduler.schedule import ScheduleError, parse


@pytest.mark.parametrize(
    ("unix", "aws"),
    [
        ("0 2 * * 1", "cron(0 2 ? * MON *)"),
        ("*/15 * * * *", "cron(*/15 * * * ? *)"),
        ("30 9 * * 1-5", "cron(30 9 ? * MON-FRI *)"),
        ("0 0 * * */2", "cron(0 0 ? * SUN,TUE,THU,SAT *)"),
        ("0 0 * * 1-7/2", "cron(0 0 ? * SUN,MON,WED,FRI *)"),
        ("0 0 * * 0", "cron(0 0 ? * SUN *)"),
        ("0 0 * * 7", "cron(0 0 ? * SUN *)"),
        ("0 0 * * 0,7", "cron(0 0 ? * SUN *)"),
        ("0 0 * * 6,0", "cron(0 0 ? * SUN,SAT *)"),
        ("0 0 * * 5-7", "cron(0 0 ? * SUN,FRI,SAT *)"),
        ("0 0 * * sat,sun", "cron(0 0 ? * SUN,SAT *)"),
        ("0 0 * * mon-wed,fri", "cron(0 0 ? * MON-WED,FRI *)"),
        ("0 0 * * Tue", "cron(0 0 ? * TUE *)"),
        ("0 0 * * 0-6", "cron(0 0 * * ? *)"),
        ("0 0 * * */1", "cron(0 0 * * ? *)"),
        ("0 0 */1 * 1", "cron(0 0 ? * MON *)"),
        ("0 0 1 * *", "cron(0 0 1 * ? *)"),
        ("0 0 1,15 * *", "cron(0 0 1,15 * ? *)"),
        ("0 12 */2 * *", "cron(0 12 */2 * ? *)"),
        ("0 0 1 jan *", "cron(0 0 1 JAN ? *)"),
        ("0 0,12 1 */2 *", "cron(0 0,12 1 */2 ? *)"),
        ("0 9-17/2 * * *", "cron(0 9-17/2 * * ? *)"),
        ("00 02 * * *", "cron(0 2 * * ? *)"),
        ("5/10 * * * *", "cron(5/10 * * * ? *)"),
        ("* * * * *", "cron(* * * * ? *)"),
        ("  0 2 * * 1  ", "cron(0 2 ? * MON *)"),
    ],
)
def test_unix_to_aws(unix: str, aws: str) -> None:
    schedule = parse(unix)
    assert (schedule.aws_expression, schedule.kind, schedule.dialect, schedule.source) == (
        aws,
        "cron",
        "unix",
        unix,
    )


def test_the_translation_fires_like_the_aws_form() -> None:
    after = utc(2026, 1, 1)
    unix = parse("0 0 * * */2").next_fire_times(after, 8)
    aws = parse("cron(0 0 ? * SUN,TUE,THU,SAT *)").next_fire_times(after, 8)
    assert unix == aws
    assert [t.strftime("%a") for t in unix] == ["Sat", "Sun", "Tue", "Thu"] * 2


@pytest.mark.parametrize(
    ("preset", "aws", "first"),
    [
        ("@hourly", "cron(0 * * * ? *)", "2026-01-30 18:00"),
        ("@daily", "cron(0 0 * * ? *)", "2026-01-31 00:00"),
        ("@midnight", "cron(0 0 * * ? *)", "2026-01-31 00:00"),
        ("@weekly", "cron(0 0 ? * SUN *)", "2026-02-01 00:00"),
        ("@monthly", "cron(0 0 1 * ? *)", "2026-02-01 00:00"),
        ("@yearly", "cron(0 0 1 1 ? *)", "2027-01-01 00:00"),
        ("@annually", "cron(0 0 1 1 ? *)", "2027-01-01 00:00"),
        ("@Daily", "cron(0 0 * * ? *)", "2026-01-31 00:00"),
    ],
)
def test_presets(preset: str, aws: str, first: str) -> None:
    schedule = parse(preset)
    assert (schedule.aws_expression, schedule.kind, schedule.dialect) == (aws, "cron", "preset")
    assert stamps(schedule.next_fire_times(utc(2026, 1, 30, 17, 50), 1)) == [first]


@pytest.mark.parametrize(
    ("unix", "by_day", "by_weekday"),
    [
        ("0 0 1 * 1", "cron(0 0 1 * ? *)", "cron(0 0 ? * MON *)"),
        ("0 0 1-31 * 1", "cron(0 0 1-31 * ? *)", "cron(0 0 ? * MON *)"),
        ("0 0 */2 * mon", "cron(0 0 */2 * ? *)", "cron(0 0 ? * MON *)"),
        ("30 6 13 1-6 5", "cron(30 6 13 1-6 ? *)", "cron(30 6 ? 1-6 FRI *)"),
    ],
)
def test_both_day_fields_restricted_is_two_expressions(
    unix: str, by_day: str, by_weekday: str
) -> None:
    schedule = parse(unix)
    assert (schedule.aws_expression, schedule.also) == (by_day, by_weekday)
    assert schedule.aws_expressions == (by_day, by_weekday)


@pytest.mark.parametrize("unix", ["0 0 * * 1", "0 0 1 * *", "0 0 * * *"])
def test_one_restricted_day_field_is_one_expression(unix: str) -> None:
    assert parse(unix).also is None


def test_either_day_fires_when_either_matches_once_a_day() -> None:
    # January 2026: the 1st is a Thursday, the 15th a Thursday; Mondays are 5, 12, 19, 26.
    # In June 2026 the 1st and the 15th are Mondays: each fires once.
    schedule = parse("0 0 1,15 * 1")
    january = schedule.fire_times(utc(2025, 12, 31), utc(2026, 1, 31))
    assert [t.day for t in january] == [1, 5, 12, 15, 19, 26]
    june = schedule.fire_times(utc(2026, 5, 31), utc(2026, 6, 30))
    assert [t.day for t in june] == [1, 8, 15, 22, 29]


def test_either_day_matches_every_unix_minute_of_a_year() -> None:
    # What Vixie cron runs: day-of-month OR day-of-week, each day checked by hand.
    schedule = parse("15 3 13 * 5")
    fires = list(schedule.fire_times(utc(2025, 12, 31), utc(2026, 12, 31)))
    day, expected = utc(2026, 1, 1), []
    while day.year == 2026:
        if day.day == 13 or day.weekday() == 4:
            expected.append(day.replace(hour=3, minute=15))
        day += timedelta(days=1)
    assert fires == expected


def test_either_day_min_interval_spans_the_halves() -> None:
    # Monday the 31st, then Tuesday the 1st: one day apart, less than either half's gap.
    assert parse("0 0 1 * 1").min_interval() == timedelta(days=1)
    assert parse("0 0 1 * 1").describe() == "at 00:00 on day 1 of the month, or only on Monday"


@pytest.mark.parametrize(
    ("unix", "code", "offset", "length", "message"),
    [
        ("60 * * * *", "SCH101", 0, 2, 'minutes "60" is outside 0-59'),
        ("0 0 * * 8", "SCH101", 8, 1, 'day-of-week "8" is outside 0-7 (SUN-SAT)'),
        ("0 0 0 * *", "SCH101", 4, 1, 'day-of-month "0" is outside 1-31'),
        ("0 0 L * *", "SCH101", 4, 1, 'day-of-month "L" uses AWS-only syntax (L, W, # or ?)'),
        ("0 0 15W * *", "SCH101", 4, 3, 'day-of-month "15W" uses AWS-only syntax (L, W, # or ?)'),
        ("0 0 * * 5#2", "SCH101", 8, 3, 'day-of-week "5#2" uses AWS-only syntax (L, W, # or ?)'),
        ("0 0 * * 5L", "SCH101", 8, 2, 'day-of-week "5L" uses AWS-only syntax (L, W, # or ?)'),
        ("0 0 ? * *", "SCH101", 4, 1, 'day-of-month "?" uses AWS-only syntax (L, W, # or ?)'),
        ("0 22-2 * * *", "SCH101", 2, 4, 'hours range "22-2" runs backwards'),
        ("0 0 * * FRI-MON", "SCH101", 8, 7, 'day-of-week range "FRI-MON" runs backwards'),
        ("0 0 * * 1/0", "SCH101", 10, 1, "day-of-week step 0 is outside 1-7"),
    ],
)
def test_unix_errors(unix: str, code: str, offset: int, length: int, message: str) -> None:
    with pytest.raises(ScheduleError) as caught:
        parse(unix)
    error = caught.value
    assert (error.code, error.offset, error.length, error.message) == (
        code,
        offset,
        length,
        message,
    )


def test_unix_reversed_weekday_range_hint_uses_unix_numbers() -> None:
    with pytest.raises(ScheduleError) as caught:
        parse("0 0 * * 5-1")
    assert caught.value.hint == (
        'Unix cron ranges do not wrap around past the end of the field; write "0 0 * * 5-6,0-1"'
    )


def test_july_is_a_month_name_not_aws_syntax() -> None:
    assert parse("0 0 1 jul *").aws_expression == "cron(0 0 1 JUL ? *)"
