"""The watcher's state line: written, read back, and a damaged or foreign line ignored."""

from __future__ import annotations

import json

from run_support import at

from scheduler.ports import LogEvent
from scheduler.watch.state import JobState, WatchState, latest_state, parse_state_line, state_line

STATE = WatchState(
    {
        "a": JobState(
            since=at("2026-12-01T00:00:00"),
            open=True,
            outcome="failed",
            fire=at("2026-12-01T01:00:00"),
            sent=at("2026-12-01T01:05:00"),
        )
    }
)


def test_a_state_line_reads_back_as_written_even_wrapped_by_lambdas_json_format() -> None:
    line = state_line(STATE, now=at("2026-12-01T01:05:00"), sent=[])
    assert parse_state_line(line) == STATE
    assert parse_state_line(json.dumps({"level": "INFO", "message": line})) == STATE


def test_the_newest_state_wins_and_damaged_or_foreign_lines_are_passed_over() -> None:
    old = state_line(WatchState(), now=at("2026-12-01T00:00:00"), sent=[])
    events = [
        LogEvent(1, old, "s"),
        LogEvent(2, state_line(STATE, now=at("2026-12-01T01:05:00"), sent=[]), "s"),
        LogEvent(3, '{"sched_watch": 1, "jobs": ', "s"),
        LogEvent(4, '{"sched_watch": 2, "jobs": {}}', "s"),
        LogEvent(5, "START RequestId: x", "s"),
    ]
    assert latest_state(events) == STATE
    assert latest_state(events[2:]) is None
    assert parse_state_line('{"sched_watch": 1, "jobs": {"a": {"since": "never"}}}') == (
        WatchState({})
    )
