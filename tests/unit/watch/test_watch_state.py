"""The watcher's state line: written, read back, and a damaged or foreign line ignored."""

from __future__ import annotations

import json
from dataclasses import replace

from run_support import at

from scheduler.ports import LogEvent
from scheduler.report.alerts import preview_text
from scheduler.watch.state import (
    JobState,
    Unsent,
    WatchState,
    latest_state,
    parse_state_line,
    state_line,
)

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


AT = at("2026-12-01T01:05:00")


def test_a_state_line_reads_back_as_written_even_wrapped_by_lambdas_json_format() -> None:
    line = state_line(STATE, now=AT, sent=[])
    assert parse_state_line(line) == replace(STATE, at=AT)
    assert parse_state_line(json.dumps({"level": "INFO", "message": line})) == replace(STATE, at=AT)


def test_what_a_pass_could_not_send_reads_back_for_sched_alerts() -> None:
    sent = [
        {"job": "a", "outcome": "failed", "channel": "ops", "message_id": "m1"},
        {"job": "a", "outcome": "failed", "channel": "chat", "message_id": None,
         "error": "WebhookError: the webhook answered HTTP 404 Not Found"},
        {"job": "a", "error": ["not", "text"]},
        "junk",
    ]  # fmt: skip
    found = parse_state_line(state_line(STATE, now=AT, sent=sent))
    assert found is not None
    assert found.unsent == (
        Unsent("a", "failed", "chat", "WebhookError: the webhook answered HTTP 404 Not Found"),
    )
    shown = preview_text("acme", [], remembered=True, unsent=found.unsent, last_pass=found.at)
    assert shown.splitlines()[-6:] == [
        "",
        "note: the watcher's last pass (2026-12-01 01:05 UTC) could not send 1 alert(s);",
        "      it tries again on its next pass:",
        "  a failed → chat: WebhookError: the webhook answered HTTP 404 Not Found",
        "",
        "No alert would be sent.",
    ]


def test_the_newest_state_wins_and_damaged_or_foreign_lines_are_passed_over() -> None:
    old = state_line(WatchState(), now=at("2026-12-01T00:00:00"), sent=[])
    events = [
        LogEvent(1, old, "s"),
        LogEvent(2, state_line(STATE, now=at("2026-12-01T01:05:00"), sent=[]), "s"),
        LogEvent(3, '{"sched_watch": 1, "jobs": ', "s"),
        LogEvent(4, '{"sched_watch": 2, "jobs": {}}', "s"),
        LogEvent(5, "START RequestId: x", "s"),
    ]
    assert latest_state(events) == replace(STATE, at=AT)
    assert latest_state(events[2:]) is None
    assert parse_state_line('{"sched_watch": 1, "jobs": {"a": {"since": "never"}}}') == (
        WatchState({})
    )
