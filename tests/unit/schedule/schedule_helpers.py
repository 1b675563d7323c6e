"""Small builders shared by the schedule tests."""

from __future__ import annotations

from datetime import UTC, datetime


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def stamps(times: list[datetime]) -> list[str]:
    """Fire times as compact UTC strings, so expected lists stay readable."""
    return [t.astimezone(UTC).strftime("%Y-%m-%d %H:%M") for t in times]
