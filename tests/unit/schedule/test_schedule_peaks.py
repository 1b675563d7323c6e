"""Fire-time collisions: the busiest minutes over the coming weeks and the jobs running in them,
checked against a count of every run minute by minute."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from scheduler.schedule import parse
from scheduler.schedule.peaks import Load, busiest

START = datetime(2026, 12, 1, tzinfo=UTC)


def _load(name: str, schedule: str, minutes: float, tz: str = "UTC") -> Load:
    return Load(name, parse(schedule), tz, timedelta(minutes=minutes))


def test_jobs_still_running_count_at_a_later_fire() -> None:
    loads = [
        _load("a", "cron(0 0 * * ? *)", 60),
        _load("b", "cron(0 0 * * ? *)", 60),
        _load("c", "cron(30 0 * * ? *)", 1),
        _load("d", "cron(0 12 * * ? *)", 1),
    ]
    (peak,) = busiest(loads, START)
    assert (peak.minute, peak.jobs) == (datetime(2026, 12, 1, 0, 30, tzinfo=UTC), ("a", "b", "c"))


def test_a_run_of_61_seconds_overlaps_the_next_minutes_fire() -> None:
    loads = [_load("long", "cron(0 3 * * ? *)", 61 / 60), _load("next", "cron(1 3 * * ? *)", 1)]
    (peak,) = busiest(loads, START)
    assert peak.running == 2 and peak.minute == datetime(2026, 12, 1, 3, 1, tzinfo=UTC)


def test_a_rate_job_longer_than_its_period_overlaps_itself() -> None:
    (peak,) = busiest([_load("slow", "rate(1 minute)", 3)], START)
    assert (peak.running, peak.jobs) == (3, ("slow",))


def test_a_zoned_job_meets_a_utc_job_only_once_summer_time_starts() -> None:
    # 01:30 in London is 01:30 UTC in winter and 00:30 UTC in summer; on 28 March 2027 01:30
    # does not exist there, so Scheduler skips it and the first collision is the next day.
    loads = [
        _load("london", "cron(30 1 * * ? *)", 1, "Europe/London"),
        _load("utc", "cron(30 0 * * ? *)", 1),
    ]
    (peak,) = busiest(loads, datetime(2027, 3, 20, tzinfo=UTC))
    assert (peak.minute, peak.running) == (datetime(2027, 3, 29, 0, 30, tzinfo=UTC), 2)


def test_rate_jobs_laid_out_arithmetically_count_as_their_listed_fires() -> None:
    loads = [
        _load("r7", "rate(7 minutes)", 10),
        _load("r60", "rate(1 hour)", 2),
        _load("r1", "rate(1 minute)", 1),
        _load("c15", "*/15 * * * *", 4),
        _load("either", "0 0 1 * 1", 90),
    ]
    found = busiest(loads, START, days=3, top=5)
    expected = _brute_force(loads, START, days=3)
    assert [(p.minute, p.running) for p in found] == expected[:5]


def _brute_force(loads: list[Load], start: datetime, days: int) -> list[tuple[datetime, int]]:
    end = start + timedelta(days=days)
    counts: dict[datetime, int] = {}
    for load in loads:
        length = -(-int(load.runtime.total_seconds()) // 60)
        begin = start - timedelta(minutes=length)
        for fire in load.schedule.fire_times(begin, end, load.timezone):
            for i in range(length):
                minute = fire + timedelta(minutes=i)
                if start <= minute < end:
                    counts[minute] = counts.get(minute, 0) + 1
    starts = {f for load in loads for f in load.schedule.fire_times(start, end, load.timezone)}
    ranked = [(m, c) for m, c in counts.items() if m in starts or m == start]
    return sorted(ranked, key=lambda mc: (-mc[1], mc[0]))
