"""`sched logs`: each log line tied to its run, one run's lines picked out (the latest by
default), tracebacks a frame a line, and no control character from the logs shown."""

from __future__ import annotations

import json

import pytest
from run_support import at, ms, run_events

from scheduler.errors import UsageError
from scheduler.history.logs import attribute, lines_of_run, runs_in
from scheduler.ports import LogEvent
from scheduler.report.logs import to_text

FIRE = at("2026-11-25T02:00:00")


def two_runs() -> list[LogEvent]:
    first = run_events("daily", FIRE, request_id="aaaa1111-run")
    second = run_events(
        "daily",
        at("2026-11-26T02:00:00"),
        request_id="bbbb2222-run",
        status="failed",
        error=("KeyError", "'missing'"),
    )
    stream = second[0].log_stream
    start = second[0].timestamp_ms
    second[1:1] = [
        LogEvent(start + 10, "copying app/web-1.log \x1b[2J\n", stream),
        LogEvent(
            start + 20,
            "[ERROR] KeyError: 'missing'\rTraceback (most recent call last):\r"
            '  File "/var/task/handler.py", line 3, in main\r    return event["missing"]\n',
            stream,
        ),
    ]
    return first + second


def test_a_print_line_belongs_to_the_run_going_on_in_its_stream() -> None:
    lines = attribute(two_runs())
    assert runs_in(lines) == ["aaaa1111-run", "bbbb2222-run"]
    assert [line.request_id for line in lines if "copying" in line.lines[0]] == ["bbbb2222-run"]


def test_the_latest_runs_lines_with_its_traceback_a_frame_a_line() -> None:
    chosen = lines_of_run(attribute(two_runs()), None, job="daily")
    text = to_text(chosen).splitlines()
    start = ms(at("2026-11-26T02:00:00.400"))
    assert text[:6] == [
        "2026-11-26 02:00:00.400  bbbb2222  START RequestId: bbbb2222-run Version: $LATEST",
        "2026-11-26 02:00:00.410  bbbb2222  copying app/web-1.log [2J",
        "2026-11-26 02:00:00.420  bbbb2222  [ERROR] KeyError: 'missing'",
        "                                   Traceback (most recent call last):",
        '                                     File "/var/task/handler.py", line 3, in main',
        '                                       return event["missing"]',
    ]
    assert chosen[0].timestamp_ms == start


def test_a_run_is_picked_by_the_start_of_its_request_id() -> None:
    chosen = lines_of_run(attribute(two_runs()), "aaaa", job="daily")
    assert {line.request_id for line in chosen} == {"aaaa1111-run"}


def test_a_run_id_that_names_no_run_says_which_there_are() -> None:
    with pytest.raises(UsageError) as raised:
        lines_of_run(attribute(two_runs()), "cccc", job="daily")
    assert (raised.value.message, raised.value.hint) == (
        '--run cccc names no run of job "daily" in the window',
        "runs: aaaa1111-run, bbbb2222-run",
    )


def test_no_run_in_the_window_is_said_with_what_to_do() -> None:
    with pytest.raises(UsageError, match='no run of job "daily" logged in the window'):
        lines_of_run([], None, job="daily")


def _json_run() -> list[LogEvent]:
    """One failed run as Lambda's JSON log format writes it (the telemetry schema), with a
    record of the function's logger."""
    stream, rid, base = "2026/11/26/f[$LATEST]0", "cccc3333-run", ms(FIRE)
    record = {"requestId": rid}
    lines = [
        {"time": "t", "type": "platform.start", "record": {**record, "version": "$LATEST"}},
        {
            "timestamp": "t",
            "level": "WARNING",
            "message": "slow bucket\nretrying",
            "requestId": rid,
        },
        {
            "time": "t",
            "type": "platform.runtimeDone",
            "record": {**record, "status": "failure", "metrics": {"durationMs": 12.5}},
        },
        {
            "time": "t",
            "type": "platform.report",
            "record": {
                **record,
                "status": "failure",
                "metrics": {"durationMs": 12.5, "billedDurationMs": 13, "memorySizeMB": 128},
            },
        },
    ]
    return [LogEvent(base + i, json.dumps(line), stream) for i, line in enumerate(lines)]


def test_json_lines_are_shown_in_words_and_raw_as_they_are() -> None:
    lines = attribute(_json_run())
    assert [line[35:] for line in to_text(lines).splitlines()] == [
        "START",
        "[WARNING] slow bucket",
        "retrying",
        "END failure after 12.5 ms",
        "REPORT Duration: 12.5 ms  Billed Duration: 13 ms  Memory Size: 128 MB  Status: failure",
    ]
    raw = [json.loads(line[35:]) for line in to_text(lines, raw=True).splitlines()]
    assert [line.get("type", line.get("level")) for line in raw] == [
        "platform.start",
        "WARNING",
        "platform.runtimeDone",
        "platform.report",
    ]


def test_a_logged_exception_keeps_the_loggers_words_and_level() -> None:
    record = {
        "timestamp": "t",
        "level": "WARNING",
        "message": "could not copy app/web.log",
        "logger": "handler",
        "stackTrace": ['  File "/var/task/handler.py", line 9, in main\n    copy()\n'],
        "errorType": "ClientError",
        "errorMessage": "Access Denied",
        "requestId": "dddd4444-run",
    }
    [line] = attribute([LogEvent(ms(FIRE), json.dumps(record), "s")])
    assert line.lines == (
        "[WARNING] could not copy app/web.log",
        "ClientError: Access Denied",
        "Traceback (most recent call last):",
        '  File "/var/task/handler.py", line 9, in main',
        "    copy()",
    )
