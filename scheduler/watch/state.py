"""What the watcher remembers between passes, kept in AWS as its own log lines: one JSON line
per pass (`{"sched_watch": 1, ...}`), the newest of which the next pass reads back. Per job:
since when it is watched (no fire before counts), and the alert still open, if any.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from scheduler.ports import LogEvent
from scheduler.runtime.contract import iso_ms, parse_time

LINE_KEY = "sched_watch"
LINE_VERSION = 1


@dataclass(frozen=True)
class JobState:
    """One job: watched since `since`; `open` while an alert of `outcome` (about the bad streak
    that began at the fire `fire`) stands unrecovered; `sent` is when it was last sent."""

    since: datetime
    open: bool = False
    outcome: str | None = None
    fire: datetime | None = None
    sent: datetime | None = None


@dataclass(frozen=True)
class Unsent:
    """An alert a pass could not send to a channel, and why (as the pass logged it)."""

    job: str
    outcome: str
    channel: str
    error: str


@dataclass(frozen=True)
class WatchState:
    """Every job's state; read back, also when the pass was (`at`) and what it could not send
    (`unsent`), for `sched alerts` to show."""

    jobs: Mapping[str, JobState] = field(default_factory=dict)
    at: datetime | None = None
    unsent: tuple[Unsent, ...] = ()


def _time(value: datetime | None) -> str | None:
    return None if value is None else iso_ms(value)


def state_line(state: WatchState, *, now: datetime, sent: Iterable[Mapping[str, Any]]) -> str:
    """The log line a pass ends with: its state, and what it sent (for people reading logs)."""
    jobs = {
        name: {
            "since": _time(s.since),
            "open": s.open,
            "outcome": s.outcome,
            "fire": _time(s.fire),
            "sent": _time(s.sent),
        }
        for name, s in sorted(state.jobs.items())
    }
    line = {LINE_KEY: LINE_VERSION, "at": iso_ms(now), "jobs": jobs, "sent": list(sent)}
    return json.dumps(line, sort_keys=True, separators=(",", ":"))


def _job(value: object) -> JobState | None:
    if not isinstance(value, dict):
        return None
    since = parse_time(value.get("since"))
    if since is None:
        return None
    outcome = value.get("outcome")
    return JobState(
        since=since,
        open=value.get("open") is True,
        outcome=outcome if isinstance(outcome, str) else None,
        fire=parse_time(value.get("fire")),
        sent=parse_time(value.get("sent")),
    )


def parse_state_line(message: str) -> WatchState | None:
    """The state in a log message, or None when it holds none (any other line, or a damaged
    one: the watcher then starts afresh rather than failing)."""
    text = message.strip()
    if LINE_KEY not in text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if isinstance(data, dict) and isinstance(data.get("message"), str):
        return parse_state_line(data["message"])  # a line wrapped by Lambda's JSON log format
    if not isinstance(data, dict) or data.get(LINE_KEY) != LINE_VERSION:
        return None
    jobs = data.get("jobs")
    if not isinstance(jobs, dict):
        return None
    parsed = {str(k): j for k, v in jobs.items() if (j := _job(v)) is not None}
    sent = data.get("sent")
    unsent = (
        tuple(u for r in sent if (u := _unsent(r)) is not None) if isinstance(sent, list) else ()
    )
    return WatchState(parsed, parse_time(data.get("at")), unsent)


def _unsent(record: object) -> Unsent | None:
    if not isinstance(record, dict):
        return None
    fields = [record.get(k) for k in ("job", "outcome", "channel", "error")]
    if not all(isinstance(f, str) for f in fields):
        return None  # sent, or not a record a pass writes
    return Unsent(*(str(f) for f in fields))


def latest_state(events: Iterable[LogEvent]) -> WatchState | None:
    """The newest state among `events` (oldest first), None when there is none."""
    found: WatchState | None = None
    for event in events:
        state = parse_state_line(event.message)
        if state is not None:
            found = state
    return found
