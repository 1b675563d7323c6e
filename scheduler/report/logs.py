"""Render `sched logs`: one line per logged line, its time (UTC) and the first characters of its
run's request id, then the text with no control characters (it comes from the function)."""

from __future__ import annotations

from collections.abc import Iterable

from scheduler.history.logs import LogLine
from scheduler.report.style import safe
from scheduler.runtime.contract import utc_from_ms

ID_CHARS = 8


def to_text(lines: Iterable[LogLine]) -> str:
    """`2026-12-02 03:57:01.123  5b6cxmpl  [ERROR] KeyError: 'missing'`; a traceback's further
    lines are indented under the first."""
    out: list[str] = []
    for line in lines:
        when = utc_from_ms(line.timestamp_ms)
        stamp = f"{when:%Y-%m-%d %H:%M:%S}.{when.microsecond // 1000:03d}"
        run = (line.request_id or "-")[:ID_CHARS].ljust(ID_CHARS)
        lead = f"{stamp}  {safe(run)}  "
        first, *rest = line.lines
        out.append(f"{lead}{safe(first)}".rstrip())
        out += [f"{' ' * len(lead)}{safe(more)}".rstrip() for more in rest]
    return "\n".join(out)
