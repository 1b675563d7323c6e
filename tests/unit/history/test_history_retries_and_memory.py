"""Lambda's retries of a failed asynchronous run are attempts of one fire, wrapped by sched or
not; an out-of-memory kill is told by Lambda's REPORT line, in its own words."""

from __future__ import annotations

from datetime import timedelta

from history_support import at, load_log_fixture
from run_fakes import FakeLogs
from run_support import catalogue, job, run_events

from scheduler import naming
from scheduler.history import RunStatus
from scheduler.history.read import history_for
from scheduler.history.reconstruct import reconstruct_runs
from scheduler.history.status import status_for
from scheduler.ports import LogEvent
from scheduler.report import status as report

ARN = "arn:aws:lambda:us-east-1:123456789012:function:legacy-backup"
GROUP = "/aws/lambda/legacy-backup"
NOW = at("2026-11-23T06:00:00")


def test_an_unwrapped_functions_retry_is_an_attempt_of_the_fire_not_a_late_run() -> None:
    legacy = job("legacy", "cron(0 2 * * ? *)", handler=None, function=ARN)
    logs = FakeLogs({GROUP: load_log_fixture("async_retry_unwrapped")})
    found = history_for(catalogue(legacy), logs, now=NOW, since=at("2026-11-23T00:00:00"))
    assert [(r.status, r.scheduled_time, r.attempt, r.late, r.start) for r in found.runs] == [
        (RunStatus.SUCCEEDED, at("2026-11-23T02:00:00"), 2, False, at("2026-11-23T02:01:01.6"))
    ]


def test_an_out_of_memory_kill_says_so_with_the_memory_it_used() -> None:
    for name in ("text_oom", "json_oom"):
        (run,) = reconstruct_runs(load_log_fixture(name), "log-backup", now=NOW)
        assert (name, run.status, run.error_type, run.error_message) == (
            name,
            RunStatus.FAILED,
            "Runtime.OutOfMemory",
            "out of memory (used 128 of 128 MB)",
        )


def test_out_of_memory_wins_over_the_runtimes_exit_line() -> None:
    events = [e for e in load_log_fixture("text_runtime_exit") if not e.message.startswith("REP")]
    rid = "0a7dxmpl-6b2c-4e9f-b1a0-8c5d4e3f2a16"
    report = (
        f"REPORT RequestId: {rid}\tDuration: 4809.77 ms\tBilled Duration: 4810 ms\t"
        "Memory Size: 128 MB\tMax Memory Used: 128 MB\tStatus: error\t"
        "Error Type: Runtime.OutOfMemory\n"
    )
    events.append(LogEvent(1795399205210, report, events[0].log_stream))
    (run,) = reconstruct_runs(events, "log-backup", now=NOW)
    assert (run.error_type, run.error_message) == (
        "Runtime.OutOfMemory",
        "out of memory (used 128 of 128 MB)",
    )


def test_status_hints_at_more_memory_after_an_out_of_memory_kill() -> None:
    daily = job("log-backup", "cron(0 2 * * ? *)", memory=128)
    group = naming.log_group_name("acme-ops", "log-backup")
    earlier = run_events("log-backup", at("2026-11-22T02:00:00"), request_id="r0")
    logs = FakeLogs({group: earlier + load_log_fixture("text_oom")})
    (row,) = status_for(catalogue(daily), logs, now=NOW, window=timedelta(days=2))
    assert row.status is not None
    assert row.status.reasons[:2] == (
        "last run failed: out of memory (used 128 of 128 MB)",
        "give it more memory: raise `memory:` above 128 MB in the catalogue",
    )


def test_status_shows_the_most_memory_a_run_used_of_its_size() -> None:
    daily = job("daily", "cron(0 2 * * ? *)")
    events = [
        e
        for day in (21, 22)
        for e in run_events("daily", at(f"2026-11-{day}T02:00:00"), request_id=f"d{day}")
    ]
    events = [
        LogEvent(e.timestamp_ms, e.message.replace("80 MB", "61 MB"), e.log_stream)
        if "d21" in e.message
        else e
        for e in events
    ]
    logs = FakeLogs({naming.log_group_name("acme-ops", "daily"): events})
    (row,) = status_for(catalogue(daily), logs, now=NOW, window=timedelta(days=3))
    assert row.status is not None
    assert (row.status.max_memory_used_mb, row.status.memory_size_mb) == (80, 256)
    assert report.to_text([row]).splitlines()[2] == (
        "    next Tue 2026-11-24 02:00 UTC · at 02:00 every day · uses 80 of 256 MB"
    )
