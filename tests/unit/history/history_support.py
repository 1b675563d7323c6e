"""Helpers for the history tests: log fixtures as `LogEvent`s, and aware UTC datetimes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from scheduler.ports import LogEvent

LOGS = Path(__file__).parents[2] / "fixtures" / "logs"


def load_log_fixture(name: str) -> list[LogEvent]:
    """The events of tests/fixtures/logs/<name>.json, in the shape FilterLogEvents returns."""
    body = json.loads((LOGS / f"{name}.json").read_text())
    return [LogEvent(e["timestamp"], e["message"], e["logStreamName"]) for e in body["events"]]


def at(text: str) -> datetime:
    """`2026-11-23T02:00:00.412` → an aware UTC datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)
