"""Unix cron and @presets: the translation to AWS cron, and what cannot be translated."""

from __future__ import annotations

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
    ("unix", "dom", "dow"),
    [
        ("0 0 1 * 1", "1", "1"),
        ("0 0 1-31 * 1", "1-31", "1"),
        ("0 0 */2 * mon", "*/2", "mon"),
        ("0 0 13 * 5", "13", "5"),
        ("0 0 * * 1", None, None),
        ("0 0 1 * *", None, None),
    ],
)
def test_both_day_fields_restricted_is_sch104(unix: str, dom: str | None, dow: str | None) -> None:
    if dom is None:
        parse(unix)  # one restricted field is fine
        return
    with pytest.raises(ScheduleError) as caught:
        parse(unix)
    error = caught.value
    assert error.code == "SCH104"
    assert error.message == (
        f'day-of-month "{dom}" and day-of-week "{dow}" are both restricted: '
        "Unix cron runs when either matches, AWS cron cannot say either"
    )
    assert error.hint == f'split it into two jobs, "0 0 {dom} * *" and "0 0 * * {dow}"'
    assert (error.offset, error.length) == (4, len(f"{dom} * {dow}"))


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
