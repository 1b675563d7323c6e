"""Render `sched logs`: one line per logged line, its time (UTC) and the first characters of its
run's request id, then the text with no control characters (it comes from the function).

Lambda's JSON log format writes its platform lines, the runtime wrapper's lines and the
function's log records as JSON objects; they are shown as words (`START`, `END failure after
942.57 ms`, `REPORT Duration: ...` as the text format words it), unless `raw` asks for the lines
as CloudWatch Logs holds them. A line that is not one of those is shown as it is."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

from scheduler.history.logs import LogLine
from scheduler.history.records import (
    PlatformReport,
    PlatformStart,
    RuntimeDone,
    WrapperLine,
    WrapperStart,
)
from scheduler.report.style import safe
from scheduler.runtime.contract import utc_from_ms

ID_CHARS = 8


def to_text(lines: Iterable[LogLine], *, raw: bool = False) -> str:
    """`2026-12-02 03:57:01.123  5b6cxmpl  [ERROR] KeyError: 'missing'`; a traceback's further
    lines are indented under the first."""
    out: list[str] = []
    for line in lines:
        when = utc_from_ms(line.timestamp_ms)
        stamp = f"{when:%Y-%m-%d %H:%M:%S}.{when.microsecond // 1000:03d}"
        run = (line.request_id or "-")[:ID_CHARS].ljust(ID_CHARS)
        lead = f"{stamp}  {safe(run)}  "
        first, *rest = line.lines if raw else readable(line)
        out.append(f"{lead}{safe(first)}".rstrip())
        out += [f"{' ' * len(lead)}{safe(more)}".rstrip() for more in rest]
    return "\n".join(out)


def readable(line: LogLine) -> tuple[str, ...]:
    """The line in words when it is a JSON line sched knows; else as it is."""
    if not line.lines[0].startswith("{"):
        return line.lines
    record = line.record
    worded: str | None = None
    if isinstance(record, PlatformStart):
        worded = "START"
    elif isinstance(record, RuntimeDone):
        worded = _end(record)
    elif isinstance(record, PlatformReport):
        worded = _report(record)
    elif isinstance(record, WrapperStart):
        worded = _wrapper_start(record)
    elif isinstance(record, WrapperLine):
        worded = _wrapper_run(record)
    if worded is not None:
        return (worded,)
    return _app_record(line.lines) or line.lines


def _ms(value: float) -> str:
    return f"{value:g} ms"


def _end(done: RuntimeDone) -> str:
    text = f"END {done.status or 'unknown'}"
    if done.error_type:
        text += f" ({done.error_type})"
    return text + (f" after {_ms(done.duration_ms)}" if done.duration_ms is not None else "")


def _report(report: PlatformReport) -> str:
    parts = [
        ("Duration", report.duration_ms, _ms),
        ("Billed Duration", report.billed_duration_ms, _ms),
        ("Memory Size", report.memory_size_mb, lambda v: f"{v} MB"),
        ("Max Memory Used", report.max_memory_used_mb, lambda v: f"{v} MB"),
        ("Init Duration", report.init_duration_ms, _ms),
    ]
    shown = [f"{name}: {show(value)}" for name, value, show in parts if value is not None]
    if report.status and report.status != "success":
        shown.append(f"Status: {report.status}")
    return "REPORT " + "  ".join(shown)


def _when(instant: datetime | None) -> str:
    return f"{instant:%Y-%m-%d %H:%M:%S} UTC" if instant is not None else "unknown"


def _wrapper_start(start: WrapperStart) -> str:
    text = f"sched: {start.trigger or 'unknown'} run of {start.job or 'unknown job'}"
    if start.scheduled_time is not None:
        text += f", due {_when(start.scheduled_time)}"
    if start.attempt:
        text += f", attempt {start.attempt}"
    return text + (", skipped" if start.skipped else "")


def _wrapper_run(done: WrapperLine) -> str:
    text = f"sched: {done.status or 'ended'}"
    if done.duration_ms is not None:
        text += f" in {_ms(round(done.duration_ms, 2))}"
    if done.error_type:
        text += f": {done.error_type}"
        if done.error_message:
            text += f": {done.error_message}"
    return text


def _app_record(lines: tuple[str, ...]) -> tuple[str, ...] | None:
    """A record of the function's logger in Lambda's JSON format: `[LEVEL] message`."""
    try:
        body = json.loads("\n".join(lines))
    except ValueError:
        return None
    if not isinstance(body, dict) or not isinstance(body.get("level"), str):
        return None
    message = body.get("message")
    text = message if isinstance(message, str) else json.dumps(message)
    first, *rest = text.splitlines() or [""]
    return (f"[{body['level']}] {first}", *rest)
