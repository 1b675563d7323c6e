"""`sched logs`: a job's log lines, each tied to the run (Lambda request) that wrote it, and one
run's lines picked out. Lines without a request id of their own (a handler's `print` in the text
log format) belong to the request running in their log stream, from its START to its REPORT.
Messages are the function's output: untrusted, shown through `report.style.safe`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from scheduler.errors import UsageError
from scheduler.history.parse import parse_message
from scheduler.history.records import Malformed, PlatformReport, PlatformStart, Record
from scheduler.ports import LogEvent


@dataclass(frozen=True, slots=True)
class LogLine:
    """One log event, with the request it belongs to (None when no run was going on) and its
    text as lines: a traceback logged in one event (JSON `stackTrace`, or the text format's
    `\\r`-separated frames) comes out one frame line each."""

    timestamp_ms: int
    request_id: str | None
    log_stream: str
    lines: tuple[str, ...]
    # What the line is to history (a platform line, the wrapper's, an error), when anything.
    record: Record | Malformed | None = None


def _json_lines(message: str) -> tuple[str, ...] | None:
    if not message.startswith("{"):
        return None
    try:
        body: Any = json.loads(message)
    except ValueError:
        return None
    inner = body.get("message") if isinstance(body, dict) else None
    error = inner if isinstance(inner, dict) else body
    if not isinstance(error, dict) or not isinstance(error.get("stackTrace"), list):
        return None
    frames = [line for f in error["stackTrace"] if isinstance(f, str) for line in f.splitlines()]
    failure = f"{error.get('errorType')}: {error.get('errorMessage')}"
    head: tuple[str, ...]
    if isinstance(inner, str):  # a logger's record with the exception: its own words first
        head = (f"[{body.get('level')}] {inner}", failure)
    else:
        head = (f"[ERROR] {failure}",)
    return (*head, "Traceback (most recent call last):", *frames)


def _lines(message: str) -> tuple[str, ...]:
    text = message.rstrip("\n")
    unpacked = _json_lines(text)
    if unpacked is not None:
        return unpacked
    return tuple(part for part in text.replace("\r", "\n").split("\n") if part.strip()) or ("",)


class Attributor:
    """Ties events to requests as they come, oldest first, remembering across calls which
    request is running in each log stream (`sched logs --follow` reads in polls)."""

    def __init__(self) -> None:
        self._running: dict[str, str] = {}

    def add(self, events: Iterable[LogEvent]) -> list[LogLine]:
        out: list[LogLine] = []
        for event in sorted(events, key=lambda e: e.timestamp_ms):
            record = parse_message(event.message)
            named = getattr(record, "request_id", None)
            if isinstance(record, PlatformStart):
                self._running[event.log_stream] = record.request_id
            request = named if isinstance(named, str) else self._running.get(event.log_stream)
            lines = _lines(event.message)
            out.append(LogLine(event.timestamp_ms, request, event.log_stream, lines, record))
            if isinstance(record, PlatformReport):
                self._running.pop(event.log_stream, None)  # REPORT is an invocation's last
        return out


def attribute(events: Iterable[LogEvent]) -> list[LogLine]:
    """Each event (oldest first) with the request it belongs to; see module doc."""
    return Attributor().add(events)


def runs_in(lines: Sequence[LogLine]) -> list[str]:
    """The request ids of `lines`, in the order they first appear."""
    return list(dict.fromkeys(line.request_id for line in lines if line.request_id))


def lines_of_run(lines: Sequence[LogLine], run: str | None, *, job: str) -> list[LogLine]:
    """The lines of `run` (a request id, or its first characters), or of the latest run when
    None. No run in the window, or no run `run` names, is a usage error saying which exist."""
    ids = runs_in(lines)
    if not ids:
        raise UsageError(
            f'no run of job "{job}" logged in the window', "look further back with --since 7d"
        )
    if run is None:
        chosen = ids[-1]
    else:
        matching = [rid for rid in ids if rid.startswith(run)]
        if len(matching) != 1:
            what = "names no run" if not matching else "names more than one run"
            raise UsageError(
                f'--run {run} {what} of job "{job}" in the window',
                f"runs: {', '.join(ids[-5:])}" + (" (the latest 5)" if len(ids) > 5 else ""),
            )
        chosen = matching[0]
    return [line for line in lines if line.request_id == chosen]
