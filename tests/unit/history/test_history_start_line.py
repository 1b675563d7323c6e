"""The wrapper's start line: parsed in every shape the run line is, it gives a run Lambda killed
(no run line) its trigger, scheduled time and attempt, so that expected_vs_observed matches it
exactly."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from history_support import at, load_log_fixture

from scheduler.history import (
    Run,
    RunStatus,
    Trigger,
    expected_vs_observed,
    reconstruct_runs,
)
from scheduler.history.parse import parse_message
from scheduler.history.records import WrapperStart
from scheduler.ports import LogEvent

NOW = at("2026-11-25T02:05:00")
DAILY = [at(f"2026-11-{day:02d}T02:00:00") for day in (23, 24)]
RID = "8f507cfc-xmpl-4697-b07a-ac58fc914c95"
START = {
    "sched": "start",
    "v": 1,
    "job": "log-backup",
    "catalogue": "acme-ops",
    "trigger": "scheduler",
    "trigger_id": "exec-9",
    "scheduled_time": "2026-11-23T02:00:00Z",
    "attempt": 2,
    "request_id": RID,
}
START_RECORD = WrapperStart(
    request_id=RID,
    job="log-backup",
    trigger="scheduler",
    scheduled_time=at("2026-11-23T02:00:00"),
    attempt=2,
)


def _match(runs: list[Run]) -> list[Run]:
    return expected_vs_observed(
        runs,
        DAILY,
        job="log-backup",
        now=NOW,
        grace=timedelta(hours=1),
        late_after=timedelta(minutes=10),
    )


def _missed(fire_day: int) -> Run:
    return Run(
        job="log-backup",
        request_id="",
        status=RunStatus.MISSED,
        scheduled_time=at(f"2026-11-{fire_day:02d}T02:00:00"),
    )


@pytest.mark.parametrize(
    "message",
    [
        json.dumps(START),
        json.dumps(START) + "\n",
        # Lambda's JSON app-log format: the line as a string, or as an object whose request id
        # is missing (the envelope's is used).
        json.dumps({"timestamp": "t", "level": "INFO", "message": json.dumps(START)}),
        json.dumps(
            {
                "timestamp": "t",
                "level": "INFO",
                "message": START | {"request_id": None},
                "requestId": RID,
            }
        ),
        # Python logging in the text format: the request id comes from the line itself.
        f"[INFO]\t2026-11-23T02:00:00.415Z\t{RID}\t{json.dumps(START | {'request_id': None})}\n",
    ],
)
def test_the_start_line_parses_in_every_shape_the_run_line_does(message: str) -> None:
    assert parse_message(message) == START_RECORD


def test_a_line_of_another_sched_kind_is_not_a_start_line() -> None:
    assert parse_message(json.dumps(START | {"sched": "begin"})) is None


def test_a_timed_out_scheduled_run_keeps_its_scheduled_time_and_status() -> None:
    runs = reconstruct_runs(load_log_fixture("text_timeout_started"), "log-backup", now=NOW)
    assert runs == [
        Run(
            job="log-backup",
            request_id="7c2dxmpl-5b1e-4f3a-9d8c-2a6e0b4f1c93",
            status=RunStatus.TIMED_OUT,
            scheduled_time=at("2026-11-23T02:00:00"),
            start=at("2026-11-23T02:00:00.410"),
            end=at("2026-11-23T02:00:03.416"),
            duration=timedelta(milliseconds=3000),
            billed_duration=timedelta(milliseconds=3000),
            memory_size_mb=128,
            max_memory_used_mb=48,
            error_message="Task timed out after 3.00 seconds",
            attempt=1,
            trigger=Trigger.RULE,
            delay=timedelta(milliseconds=410),
            log_stream="2026/11/23/[$LATEST]3893xmpl7fac4485b47bb75b671a283c",
        )
    ]
    assert _match(runs) == [runs[0], _missed(24)]


def test_a_timed_out_retry_matches_its_own_fire_not_the_nearest_one() -> None:
    # Attempt 2 of the 23rd's fire starts a minute before the 24th's and is killed.
    retry = at("2026-11-24T01:59:30")
    ms = int(retry.timestamp() * 1000)
    events = [
        LogEvent(ms, f"START RequestId: {RID} Version: $LATEST", "s"),
        LogEvent(ms + 1, json.dumps(START), "s"),
        LogEvent(
            ms + 3000, f"2026-11-24T01:59:33.000Z {RID} Task timed out after 3.00 seconds", "s"
        ),
        LogEvent(ms + 3001, f"REPORT RequestId: {RID}\tDuration: 3000.00 ms\tStatus: timeout", "s"),
    ]
    (run,) = reconstruct_runs(events, "log-backup", now=NOW)
    assert (run.status, run.scheduled_time, run.attempt, run.trigger) == (
        RunStatus.TIMED_OUT,
        at("2026-11-23T02:00:00"),
        2,
        Trigger.SCHEDULER,
    )
    matched = _match([run])
    assert [(r.request_id, r.status, r.scheduled_time, r.late) for r in matched] == [
        (RID, RunStatus.TIMED_OUT, at("2026-11-23T02:00:00"), False),
        ("", RunStatus.MISSED, at("2026-11-24T02:00:00"), False),
    ]
    # Without its start line the same run is taken for the 24th's fire, and the 23rd's is missed.
    (bare,) = reconstruct_runs(events[:1] + events[2:], "log-backup", now=NOW)
    assert [(r.request_id, r.scheduled_time) for r in _match([bare])] == [
        ("", at("2026-11-23T02:00:00")),
        (RID, at("2026-11-24T02:00:00")),
    ]


def test_a_timed_out_manual_run_never_fills_a_fire() -> None:
    events = load_log_fixture("json_timeout_manual")
    (run,) = reconstruct_runs(events, "log-backup", now=NOW)
    assert run == Run(
        job="log-backup",
        request_id="4e9axmpl-2c7d-4b1f-8a3e-6d0c5b9f7a12",
        status=RunStatus.TIMED_OUT,
        scheduled_time=at("2026-11-24T02:00:05"),
        start=at("2026-11-24T02:00:05.200"),
        end=at("2026-11-24T02:10:05.202"),
        duration=timedelta(minutes=10),
        billed_duration=timedelta(minutes=10),
        memory_size_mb=256,
        max_memory_used_mb=98,
        attempt=1,
        trigger=Trigger.MANUAL,
        delay=timedelta(milliseconds=200),
        log_stream="2026/11/24/[$LATEST]a41cxmpl9be04d0f8e2d67a5c0f1b2d3",
    )
    assert _match([run]) == [_missed(23), _missed(24), run]
    # Without its start line it would stand for the 24th's fire.
    (bare,) = reconstruct_runs(
        [e for e in events if '"sched"' not in e.message], "log-backup", now=NOW
    )
    assert [(r.request_id, r.scheduled_time) for r in _match([bare])] == [
        ("", at("2026-11-23T02:00:00")),
        (run.request_id, at("2026-11-24T02:00:00")),
    ]


def test_the_run_line_wins_over_the_start_line() -> None:
    run_line = {
        **START,
        "sched": "run",
        "trigger": "rule",
        "scheduled_time": "2026-11-24T02:00:00Z",
        "attempt": None,
        "start": "2026-11-24T02:00:00.400Z",
        "end": "2026-11-24T02:00:01.400Z",
        "duration_ms": 1000.0,
        "status": "succeeded",
    }
    events = [
        LogEvent(0, f"START RequestId: {RID} Version: $LATEST", "s"),
        LogEvent(1, json.dumps(START), "s"),
        LogEvent(2, json.dumps(run_line), "s"),
        LogEvent(3, f"END RequestId: {RID}", "s"),
    ]
    (run,) = reconstruct_runs(events, "log-backup", now=NOW)
    assert (run.status, run.scheduled_time, run.attempt, run.trigger) == (
        RunStatus.SUCCEEDED,
        at("2026-11-24T02:00:00"),
        1,
        Trigger.RULE,
    )


def test_a_start_line_naming_another_job_leaves_its_request_out() -> None:
    events = [
        LogEvent(0, f"START RequestId: {RID} Version: $LATEST", "s"),
        LogEvent(1, json.dumps(START | {"job": "tmp-cleanup"}), "s"),
        LogEvent(3000, f"REPORT RequestId: {RID}\tDuration: 3000.00 ms\tStatus: timeout", "s"),
    ]
    assert reconstruct_runs(events, "log-backup", now=NOW) == []
    assert [r.status for r in reconstruct_runs(events, "tmp-cleanup", now=NOW)] == [
        RunStatus.TIMED_OUT
    ]


def test_a_start_line_alone_is_a_run_still_running_from_its_own_time() -> None:
    ms = int(at("2026-11-25T02:00:00").timestamp() * 1000)
    (run,) = reconstruct_runs([LogEvent(ms, json.dumps(START), "s")], "log-backup", now=NOW)
    assert (run.status, run.start, run.scheduled_time, run.attempt, run.end) == (
        RunStatus.RUNNING,
        at("2026-11-25T02:00:00"),
        at("2026-11-23T02:00:00"),
        2,
        None,
    )
