"""Invalid expressions: exact code, offset and length of the bad part, and the message."""

from __future__ import annotations

import pytest

from scheduler.schedule import ScheduleError, parse


def error_of(expression: str) -> ScheduleError:
    with pytest.raises(ScheduleError) as caught:
        parse(expression)
    return caught.value


@pytest.mark.parametrize(
    ("expression", "code", "offset", "length"),
    [
        # field count
        ("cron(0 10 * * ?)", "SCH101", 5, 10),
        ("cron(0 10 * * ? * *)", "SCH103", 5, 1),
        ("cron(0 10 * *)", "SCH101", 5, 8),
        ("cron()", "SCH101", 5, 0),
        # the ? rule
        ("cron(0 10 * * * *)", "SCH101", 10, 5),
        ("cron(0 10 ? * ? *)", "SCH101", 10, 5),
        ("cron(0 10 1 * MON *)", "SCH101", 10, 7),
        ("cron(? 10 * * ? *)", "SCH101", 5, 1),
        ("cron(0 10 * * ? ?)", "SCH101", 16, 1),
        ("cron(0 10 1,? * ? *)", "SCH101", 12, 1),
        # values out of range, per field
        ("cron(60 10 * * ? *)", "SCH101", 5, 2),
        ("cron(0 24 * * ? *)", "SCH101", 7, 2),
        ("cron(0 10 0 * ? *)", "SCH101", 10, 1),
        ("cron(0 10 32 * ? *)", "SCH101", 10, 2),
        ("cron(0 10 * 13 ? *)", "SCH101", 12, 2),
        ("cron(0 10 ? * 8 *)", "SCH101", 14, 1),
        ("cron(0 10 ? * 0 *)", "SCH101", 14, 1),
        ("cron(0 10 * * ? 1969)", "SCH101", 16, 4),
        ("cron(0 10 * * ? 2200)", "SCH101", 16, 4),
        ("cron(0 10 * * ? 2020-2200)", "SCH101", 21, 4),
        ("cron(0 10 * FOO ? *)", "SCH101", 12, 3),
        ("cron(0 10 ? * MON-FRX *)", "SCH101", 18, 3),
        ("cron(0 1.5 * * ? *)", "SCH101", 7, 3),
        ("cron(0 10 1,,2 * ? *)", "SCH101", 12, 0),
        ("cron(0 10 1- * ? *)", "SCH101", 12, 0),
        # steps
        ("cron(0/0 * * * ? *)", "SCH101", 7, 1),
        ("cron(0/60 * * * ? *)", "SCH101", 7, 2),
        ("cron(0/x * * * ? *)", "SCH101", 7, 1),
        ("cron(0/ * * * ? *)", "SCH101", 7, 0),
        ("cron(0 0/24 * * ? *)", "SCH101", 9, 2),
        ("cron(0 0 ? * */2 *)", "SCH101", 14, 2),
        # reversed ranges: only years cannot wrap
        ("cron(0 0 * * ? 2030-2027)", "SCH101", 15, 9),
        # L, W, #
        ("cron(0 0 L,15 * ? *)", "SCH101", 9, 4),
        ("cron(0 0 L-3 * ? *)", "SCH101", 9, 3),
        ("cron(0 0 1-5W * ? *)", "SCH101", 9, 4),
        ("cron(0 0 32W * ? *)", "SCH101", 9, 2),
        ("cron(0 0 1#2 * ? *)", "SCH101", 10, 1),
        ("cron(0 0 ? * 2#6 *)", "SCH101", 15, 1),
        ("cron(0 0 ? * 2#0 *)", "SCH101", 15, 1),
        ("cron(0 0 ? * 8#1 *)", "SCH101", 13, 1),
        ("cron(0 0 ? * 3#1,6#3 *)", "SCH101", 13, 7),
        ("cron(0 0 ? * 9L *)", "SCH101", 13, 1),
        ("cron(L 0 * * ? *)", "SCH101", 5, 1),
        # the cron( ) wrapper
        ("cron(0 10 * * ? *", "SCH101", 17, 0),
        ("cron(0 10 * * ? *) now", "SCH101", 18, 4),
        ("Cron(0 10 * * ? *)", "SCH101", 0, 5),
        ("cron (0 10 * * ? *)", "SCH101", 0, 6),
        ("  cron(0 10 ? * 8 *)", "SCH101", 0, 2),
        ("cron(0 10 ? * 8 *)\t", "SCH101", 18, 1),
        # blanks AWS refuses inside the expression
        ("cron( 0 10 * * ? *)", "SCH101", 5, 1),
        ("cron(0 10 * * ? * )", "SCH101", 17, 1),
        ("cron(0  10 * * ? *)", "SCH101", 6, 2),
        ("cron(0\t10 * * ? *)", "SCH101", 6, 1),
        ("rate( 5 minutes)", "SCH101", 5, 1),
        ("rate(5 minutes )", "SCH101", 14, 1),
        ("rate(5  minutes)", "SCH101", 6, 2),
        ("rate(5\tminutes)", "SCH101", 6, 1),
        (" rate(5 minutes)", "SCH101", 0, 1),
        ("rate(5 minutes)  ", "SCH101", 15, 2),
        ("at( 2030-01-01T09:00:00)", "SCH101", 3, 1),
        ("RATE(5 minutes)", "SCH101", 0, 5),
        ("rate\t(5 minutes)", "SCH101", 0, 6),
        # rate
        ("rate(1 minutes)", "SCH101", 7, 7),
        ("rate(5 minute)", "SCH101", 7, 6),
        ("rate(1 hours)", "SCH101", 7, 5),
        ("rate(2 day)", "SCH101", 7, 3),
        ("rate(5 Minutes)", "SCH101", 7, 7),
        ("rate(2 weeks)", "SCH101", 7, 5),
        ("rate(30 seconds)", "SCH103", 8, 7),
        ("rate(1 second)", "SCH103", 7, 6),
        ("rate(0 minutes)", "SCH101", 5, 1),
        ("rate(-5 minutes)", "SCH101", 5, 2),
        ("rate(1.5 hours)", "SCH101", 5, 3),
        ("rate(5)", "SCH101", 5, 1),
        ("rate(5 minutes now)", "SCH101", 5, 13),
        # at
        ("at(2026-02-30T00:00:00)", "SCH101", 3, 19),
        ("at(2026-01-01T24:00:00)", "SCH101", 3, 19),
        ("at(2026-01-01 00:00:00)", "SCH101", 3, 19),
        ("at(2026-01-01T00:00)", "SCH101", 3, 16),
        # bare fields, presets, nothing
        ("0 */5 * * * *", "SCH103", 0, 1),
        ("30 0 12 * * ? 2026", "SCH103", 0, 2),
        ("0 10 * * ? *", "SCH101", 0, 12),
        ("0 10 1 * MON 2026", "SCH101", 0, 17),
        ("0 10 * *", "SCH101", 0, 8),
        ("daily", "SCH101", 0, 5),
        ("", "SCH101", 0, 0),
        ("   ", "SCH101", 0, 0),
        ("@reboot", "SCH101", 0, 7),
        ("@fortnightly", "SCH101", 0, 12),
        (" @often", "SCH101", 1, 6),
    ],
)
def test_code_offset_and_length(expression: str, code: str, offset: int, length: int) -> None:
    error = error_of(expression)
    assert (error.code, error.offset, error.length) == (code, offset, length), error.message
    assert error.message and "\n" not in error.message
    assert error.hint


@pytest.mark.parametrize(
    ("expression", "message", "hint"),
    [
        (
            "cron(0 10 ? * 8 *)",
            'day-of-week "8" is outside 1-7 (SUN-SAT)',
            "AWS numbers weekdays 1-7 = SUN-SAT; write names such as MON-FRI",
        ),
        (
            "cron(0 10 * * ?)",
            "cron() has 5 fields; AWS cron has 6",
            "AWS cron ends with a year field: write cron(0 10 * * ? *)",
        ),
        (  # the year added, the hint goes on to the ? AWS also needs (issue 10)
            "cron(0 2 * * *)",
            "cron() has 5 fields; AWS cron has 6",
            "AWS cron ends with a year field: write cron(0 2 * * ? *)",
        ),
        (
            "0 2 * * * 2026",
            'AWS cron fields must be wrapped in "cron(...)"',
            "write cron(0 2 * * ? 2026)",
        ),
        (
            "cron(0 0 10 * * ? *)",
            'cron() has 7 fields; the first, "0", looks like seconds',
            "AWS cron has no seconds field and runs at most once a minute: "
            "write cron(0 10 * * ? *)",
        ),
        (
            "rate( 5 minutes)",
            'a space after "rate(": AWS refuses spaces inside the parentheses',
            "write rate(5 minutes)",
        ),
        (
            "rate(5 minutes )",
            'a space before ")": AWS refuses spaces inside the parentheses',
            "write rate(5 minutes)",
        ),
        (
            "cron(0\t10  * * ? *)",
            "a tab between values: AWS takes exactly one space",
            "write cron(0 10 * * ? *)",
        ),
        (
            " rate(5 minutes)",
            "the expression has a space before it, which AWS refuses",
            "remove it: rate(5 minutes)",
        ),
        (
            "Cron (0 10 * * ? *)",
            '"Cron (" must be written "cron("',
            'write "cron(" in lower case, with no space before "(": cron(0 10 * * ? *)',
        ),
        (
            "cron(0 10 * * * *)",
            'one of day-of-month and day-of-week must be "?"',
            "write ? in day-of-week: cron(0 10 * * ? *)",
        ),
        (
            "cron(0 10 * * MON *)",
            'one of day-of-month and day-of-week must be "?"',
            "write ? in day-of-month: cron(0 10 ? * MON *)",
        ),
        (
            "cron(0 0 * * ? 2030-2027)",
            'year range "2030-2027" runs backwards',
            "year ranges do not wrap around; write cron(0 0 * * ? 2027-2030)",
        ),
        (
            "cron(0 0 ? * */2 *)",
            'AWS day-of-week does not take "/" steps',
            "list the days instead: cron(0 0 ? * SUN,TUE,THU,SAT *)",
        ),
        (
            "cron(0 0 ? * 2-6/2 *)",
            'AWS day-of-week does not take "/" steps',
            "list the days instead: cron(0 0 ? * MON,WED,FRI *)",
        ),
        (
            "cron(0/60 * * * ? *)",
            "minutes step 60 is outside 1-59",
            "write a step between 1 and 59",
        ),
        (
            "cron(0 10 * * ? 2200)",
            'year "2200" is outside 1970-2199',
            "AWS cron years run 1970-2199",
        ),
        (
            "rate(1 minutes)",
            'rate unit "minutes" must be singular for a value of 1',
            "write rate(1 minute)",
        ),
        (
            "rate(5 minute)",
            'rate unit "minute" must be plural for a value above 1',
            "write rate(5 minutes)",
        ),
        ("rate(5 Minutes)", 'rate unit "Minutes" must be lower case', "write rate(5 minutes)"),
        (
            "rate(30 seconds)",
            'rate unit "seconds" is finer than one minute',
            "EventBridge runs a schedule at most once a minute: use rate(1 minute) or slower",
        ),
        (
            "0 10 * * ? *",
            'AWS cron fields must be wrapped in "cron(...)"',
            "write cron(0 10 * * ? *)",
        ),
        (
            "0 */5 * * * *",
            '6 fields: the first, "0", looks like seconds',
            'AWS runs schedules at most once a minute: drop the seconds field, "*/5 * * * *"',
        ),
        (
            "30 0 12 * * ? 2026",
            '7 fields: the first, "30", looks like seconds',
            "AWS runs schedules at most once a minute: drop the seconds field, "
            "cron(0 12 * * ? 2026)",
        ),
        (
            "rate(2 weeks)",
            'rate unit "weeks" is not minute(s), hour(s) or day(s)',
            "AWS rates count minutes, hours or days: write rate(14 days)",
        ),
        (
            "@reboot",
            '"@reboot" has no meaning for a scheduled job',
            "presets are @hourly, @daily, @midnight, @weekly, @monthly, @yearly and @annually",
        ),
    ],
)
def test_message_and_hint(expression: str, message: str, hint: str) -> None:
    error = error_of(expression)
    assert (error.message, error.hint) == (message, hint)
    assert str(error) == message


def test_schedule_error_is_a_value_error_with_defaults() -> None:
    error = ScheduleError("SCH101", "bad")
    assert isinstance(error, ValueError)
    assert (error.code, error.message, error.hint, error.offset, error.length) == (
        "SCH101",
        "bad",
        "",
        None,
        None,
    )


def test_l_in_a_day_of_week_list_is_named_as_the_problem() -> None:
    from scheduler.schedule import ScheduleError, parse

    with pytest.raises(ScheduleError) as caught:
        parse("cron(0 2 ? * 1,L *)")
    error = caught.value
    assert (error.code, error.offset, error.length) == ("SCH101", 13, 3)
    assert error.message == 'day-of-week "1,L" mixes L with other values'
