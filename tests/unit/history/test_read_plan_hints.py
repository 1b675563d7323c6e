"""What a job's read tells the reader to plan its pages by: the fires of its schedule in the
span, or the interval of a job firing more often than is worth listing; nothing for a disabled
job. The hints are not part of what is read (reads compare equal without them)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from history_support import at
from run_support import catalogue, job

from scheduler.history.window import job_read
from scheduler.ports import LogRead

NOW = at("2026-11-25T06:00:00")


def _read(schedule: str, **changes: object) -> LogRead:
    j = replace(job("j", schedule), **changes)
    read = job_read(catalogue(j), j, now=NOW, since=NOW - timedelta(days=7))
    assert read is not None
    return read


def test_a_daily_job_lists_its_fires_in_the_span() -> None:
    read = _read("cron(0 2 * * ? *)")
    assert len(read.fires_ms) == 7 and read.every_ms == 0
    assert all(read.start_ms <= t < read.end_ms for t in read.fires_ms)
    assert read == LogRead(read.log_group, read.start_ms, read.end_ms)


def test_a_frequent_job_gives_its_interval() -> None:
    assert _read("rate(5 minutes)").every_ms == 300_000
    every_minute = _read("cron(* * * * ? *)")
    assert len(every_minute.fires_ms) == 0 and every_minute.every_ms == 60_000


def test_a_disabled_job_gives_nothing_to_plan_by() -> None:
    read = _read("cron(0 2 * * ? *)", enabled=False)
    assert read.fires_ms == () and read.every_ms == 0
