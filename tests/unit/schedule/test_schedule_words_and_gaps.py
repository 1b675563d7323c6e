"""describe() in exact words, and min_interval() in UTC and across DST."""

from __future__ import annotations

from datetime import timedelta

import pytest

from scheduler.schedule import parse


@pytest.mark.parametrize(
    ("expression", "words"),
    [
        ("cron(0 2 ? * MON *)", "at 02:00, only on Monday"),
        ("0 2 * * 1", "at 02:00, only on Monday"),
        ("rate(5 minutes)", "every 5 minutes"),
        ("rate(1 minute)", "every minute"),
        ("rate(1 hour)", "every hour"),
        ("rate(3 days)", "every 3 days"),
        ("cron(0 8 1 * ? *)", "at 08:00 on day 1 of the month"),
        ("cron(0 10 * * ? *)", "at 10:00 every day"),
        ("cron(0 18 ? * MON-FRI *)", "at 18:00, only on Monday through Friday"),
        ("cron(0/15 * * * ? *)", "every 15 minutes"),
        ("cron(0/10 * ? * MON-FRI *)", "every 10 minutes, only on Monday through Friday"),
        (
            "cron(0/5 8-17 ? * MON-FRI *)",
            "every 5 minutes from 08:00 to 17:55, only on Monday through Friday",
        ),
        ("cron(0 9 ? * 2#1 *)", "at 09:00 on the first Monday of the month"),
        ("cron(5,35 14 * * ? *)", "at 14:05 and 14:35 every day"),
        (
            "cron(15 10 ? * 6L 2002-2005)",
            "at 10:15 on the last Friday of the month, only in 2002 through 2005",
        ),
        ("cron(0 0 L * ? *)", "at 00:00 on the last day of the month"),
        ("cron(0 0 LW * ? *)", "at 00:00 on the last weekday of the month"),
        ("cron(0 0 15W * ? *)", "at 00:00 on the weekday nearest day 15 of the month"),
        ("cron(0 0 ? * L *)", "at 00:00, only on Saturday"),
        ("cron(* * * * ? *)", "every minute"),
        ("cron(* 8 * * ? *)", "every minute from 08:00 to 08:59"),
        ("cron(5/15 * * * ? *)", "every 15 minutes starting at minute 5"),
        ("cron(0/20 9,17 * * ? *)", "at 09:00, 09:20, 09:40, 17:00, 17:20 and 17:40 every day"),
        ("cron(0/30 8,12,18,22 * * ? *)", "every 30 minutes during hours 8, 12, 18 and 22"),
        ("@hourly", "every hour at minute 0"),
        ("cron(0,30 * * * ? *)", "every 30 minutes"),
        ("cron(0,15 * * * ? *)", "every hour at minutes 0 and 15"),
        ("cron(0 8-17 * * ? *)", "every hour from 08:00 to 17:00"),
        ("cron(0 11-23/2 * * ? *)", "every 2 hours from 11:00 to 23:00"),
        (
            "cron(5-40/5 8-17 * * ? *)",
            "at minutes 5, 10, 15, 20, 25, 30, 35 and 40 past hours 8 through 17",
        ),
        ("cron(0 0 1,15 * ? *)", "at 00:00 on days 1 and 15 of the month"),
        ("cron(0 0 1-10 * ? *)", "at 00:00 on days 1 through 10 of the month"),
        (
            "cron(0 0 */2 * ? *)",
            "at 00:00 on every 2nd day of the month from day 1 through 31",
        ),
        ("0 0 * * */2", "at 00:00, only on Tuesday, Thursday, Saturday and Sunday"),
        ("0 0 * * 6,0", "at 00:00, only on Saturday and Sunday"),
        ("cron(0 12 * JAN-MAR ? *)", "at 12:00 every day, only in January through March"),
        (
            "cron(0 0 1 */3 ? *)",
            "at 00:00 on day 1 of the month, only in January, April, July and October",
        ),
        ("cron(0 0 1 1 ? 2027,2029)", "at 00:00 on January 1, only in 2027 and 2029"),
        ("@yearly", "at 00:00 on January 1"),
        ("cron(0 9 1,15 DEC ? *)", "at 09:00 on December 1 and 15"),
        ("cron(0 0 30 2 ? *)", "at 00:00 on February 30"),
        ("at(2026-01-01T09:30:00)", "once, at 2026-01-01 09:30"),
        ("at(2026-01-01T09:30:15)", "once, at 2026-01-01 09:30:15"),
    ],
)
def test_describe(expression: str, words: str) -> None:
    assert parse(expression).describe() == words


HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


@pytest.mark.parametrize(
    ("expression", "tz", "gap"),
    [
        ("rate(5 minutes)", "UTC", timedelta(minutes=5)),
        ("rate(2 days)", "Europe/London", 2 * DAY),
        ("cron(0/15 * * * ? *)", "UTC", timedelta(minutes=15)),
        ("cron(0/15 * * * ? *)", "Europe/London", timedelta(minutes=15)),
        ("cron(* * * * ? *)", "America/New_York", timedelta(minutes=1)),
        ("cron(0 23 * * ? *)", "UTC", DAY),
        ("cron(0 23 * * ? *)", "Europe/London", 23 * HOUR),  # the spring day has 23 hours
        ("cron(0 23 * * ? *)", "America/New_York", 23 * HOUR),
        ("cron(0 8,20 * * ? *)", "UTC", 12 * HOUR),
        ("cron(0 2,22 * * ? *)", "UTC", 4 * HOUR),
        ("cron(30 0,3 * * ? *)", "UTC", 3 * HOUR),
        ("cron(30 0,3 * * ? *)", "Europe/London", 2 * HOUR),  # 00:30 GMT to 03:30 BST
        ("cron(0 9 ? * MON-FRI *)", "UTC", DAY),
        ("cron(0 8 1 * ? *)", "UTC", 28 * DAY),
        ("cron(0 8 1 * ? *)", "Europe/London", 28 * DAY),
        ("cron(0 0 L * ? *)", "UTC", 28 * DAY),
        ("cron(0 12 ? * 2#1 *)", "UTC", 28 * DAY),
        ("cron(0 23 ? * SUN *)", "UTC", 7 * DAY),
        ("cron(0 23 ? * SUN *)", "Europe/London", 7 * DAY - HOUR),
        ("0 2 * * 1", "UTC", 7 * DAY),
        ("@yearly", "UTC", 365 * DAY),
        ("cron(0 0 1 1 ? 2027,2031)", "UTC", 4 * 365 * DAY + DAY),
        ("cron(0/5 8-17 ? * MON-FRI *)", "America/New_York", timedelta(minutes=5)),
        ("cron(0 1 * * ? *)", "Australia/Lord_Howe", DAY - timedelta(minutes=30)),
        # Only on the last Sunday of March, the day London springs forward at 01:00 GMT:
        ("cron(0 0,2 ? 3 1L *)", "UTC", 2 * HOUR),
        ("cron(0 0,2 ? 3 1L *)", "Europe/London", HOUR),  # 00:00 GMT to 02:00 BST
        ("cron(0 3,4 ? 3 1L *)", "Europe/London", HOUR),  # both after the change
        # 01:30 never exists that day, so 03:30 BST runs once a year: 364 days at the least
        ("cron(30 1,3 ? 3 1L *)", "Europe/London", 364 * DAY),
    ],
)
def test_min_interval(expression: str, tz: str, gap: timedelta) -> None:
    assert parse(expression).min_interval(tz) == gap


@pytest.mark.parametrize(
    "expression",
    ["at(2026-01-01T00:00:00)", "cron(0 0 30 2 ? *)", "cron(0 0 1 1 ? 2030)"],
)
def test_min_interval_is_none_without_two_fires(expression: str) -> None:
    assert parse(expression).min_interval("UTC") is None


def test_min_interval_defaults_to_utc() -> None:
    assert parse("cron(0 23 * * ? *)").min_interval() == DAY
