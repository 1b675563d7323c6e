"""Render `sched status` as a text table, most urgent jobs first (`✗` failing, `!` missing,
`~` at risk, `✓` ok), each with its next run and schedule in words; or as JSON for dashboards.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any, assert_never
from zoneinfo import ZoneInfo

from scheduler.history import Attention, JobStatus, RunStatus, status_to_json
from scheduler.history.memory import suggested_memory
from scheduler.history.model import Skipped
from scheduler.history.status import StatusRow, needs_attention
from scheduler.report.commands import Commands, apply_hint, missed_hint
from scheduler.report.history import human_duration, skipped_json, skipped_text
from scheduler.report.style import (
    DIM,
    GAP,
    GREEN,
    MAX_JOB_WIDTH,
    RED,
    WIDTH,
    YELLOW,
    clip,
    columns_that_fit,
    paint,
    safe,
    wrap,
)

HEADERS = ("JOB", "STATE", "LAST RUN", "SUCCESS", "P50", "P95", "EXPECTED", "HEADROOM")
_RIGHT = frozenset({"SUCCESS", "P50", "P95", "EXPECTED", "HEADROOM"})
# Left out in this order when the table is too wide: the median says least once P95 is there,
# STATE already counts the failures, and EXPECTED is in the catalogue.
_DROPPABLE = tuple(HEADERS.index(h) for h in ("P50", "SUCCESS", "EXPECTED", "P95"))
_STATE = HEADERS.index("STATE")
_LEAD = len("✓ ")
_MARKS = {
    Attention.FAILING: "✗",
    Attention.MISSING: "!",
    Attention.AT_RISK: "~",
    Attention.NOT_DEPLOYED: "?",
    Attention.HEALTHY: "✓",
    Attention.NO_RUNS: "·",
}
_COLOURS = {
    Attention.FAILING: RED,
    Attention.MISSING: YELLOW,
    Attention.AT_RISK: YELLOW,
    Attention.NOT_DEPLOYED: YELLOW,
    Attention.HEALTHY: GREEN,
    Attention.NO_RUNS: DIM,
}
_LAST = {
    RunStatus.SUCCEEDED: "ok",
    RunStatus.FAILED: "failed",
    RunStatus.TIMED_OUT: "timed out",
    RunStatus.RUNNING: "running",
    RunStatus.MISSED: "missed",
    RunStatus.UNKNOWN: "unknown",
}


def _concluded(status: JobStatus) -> int:
    return status.succeeded + status.failed + status.timed_out + status.missed


def state(row: StatusRow) -> str:
    """`failed 2/4`, `missed 1/7`, `at risk`, `not deployed`, `ok`, `no runs`, `disabled`,
    `not tracked`."""
    status = row.status
    if status is None:
        return "not tracked"
    match status.attention:
        case Attention.FAILING:
            return f"failed {status.failed + status.timed_out}/{_concluded(status)}"
        case Attention.MISSING:
            return f"missed {status.missed}/{_concluded(status)}"
        case Attention.AT_RISK:
            return "at risk"
        case Attention.NOT_DEPLOYED:
            return "not deployed"
        case Attention.HEALTHY:
            return "ok"
        case Attention.NO_RUNS:
            return "no runs" if row.enabled else "disabled"
        case _:
            assert_never(status.attention)


def _duration(value: timedelta | None) -> str:
    return human_duration(value) if value is not None else "-"


def _last(row: StatusRow) -> str:
    run = row.status.last_run if row.status else None
    when = run.anchor if run else None
    if run is None or when is None:
        return "-"
    local = when.astimezone(ZoneInfo(row.timezone))
    return f"{local:%m-%d %H:%M} {_LAST[run.status]}"


def _cells(row: StatusRow) -> tuple[str, ...]:
    status = row.status
    if status is None:
        return (clip(row.job, MAX_JOB_WIDTH), state(row), "-", "-", "-", "-", "-", "-")
    rate = status.success_rate
    return (
        clip(row.job, MAX_JOB_WIDTH),
        state(row),
        _last(row),
        f"{rate:.0%}" if rate is not None else "-",
        _duration(status.p50_duration),
        _duration(status.p95_duration),
        _duration(status.expected_runtime),
        _duration(status.headroom_limit),
    )


def next_run_text(row: StatusRow, commands: Commands | None = None) -> str:
    """`next Tue 2026-11-24 01:30 CET (00:30 UTC)`, or why there is no next run (with the
    command that deploys a job that is not)."""
    if row.next_run is None:
        if not row.deployed:
            return f"{row.note or 'not deployed'}; {apply_hint(commands or Commands())}"
        if not row.enabled:
            return "disabled"
        if row.schedule.startswith("rate("):
            return "next run unknown (a rate counts from its deployment)"
        return "never fires again" if row.description else "next run unknown"
    zone = ZoneInfo(row.timezone)
    local = row.next_run.astimezone(zone)
    text = f"next {local:%a %Y-%m-%d %H:%M %Z}"
    if local.utcoffset() != timedelta(0) or row.timezone not in ("UTC", "Etc/UTC"):
        utc = row.next_run.astimezone(UTC)
        same_day = utc.date() == local.date()
        text += f" ({utc:%H:%M} UTC)" if same_day else f" ({utc:%m-%d %H:%M} UTC)"
    return text


def memory_text(status: JobStatus | None) -> str | None:
    """`uses 61 of 256 MB`: the most a run used (REPORT's Max Memory Used) of the memory size."""
    if status is None or status.max_memory_used_mb is None or status.memory_size_mb is None:
        return None
    used, size = status.max_memory_used_mb, status.memory_size_mb
    text = f"uses {used} of {size} MB"
    better = suggested_memory(used, size)
    if better is None:
        return text
    return (
        f"{text} (near its size: try memory: {better})"
        if better > size
        else f"{text} (memory: {better} would do)"
    )


def _details(row: StatusRow, commands: Commands) -> list[str]:
    words = row.description or row.schedule
    status = row.status
    memory = memory_text(status)
    lines = [f"{next_run_text(row, commands)} · {words}" + (f" · {memory}" if memory else "")]
    if status is not None and status.attention in (
        Attention.FAILING,
        Attention.MISSING,
        Attention.AT_RISK,
    ):
        lines.append(safe("; ".join(status.reasons)))  # they quote logged error types
    # A disabled or undeployed job's note only repeats its state.
    if row.note and row.enabled and row.deployed:
        lines.append(f"note: {row.note}")
    return lines


def _mark(row: StatusRow) -> tuple[str, str]:
    if row.status is None:
        return "-", DIM
    return _MARKS[row.status.attention], _COLOURS[row.status.attention]


def to_text(
    rows: Sequence[StatusRow],
    *,
    colour: bool = False,
    width: int = WIDTH,
    commands: Commands | None = None,
) -> str:
    """Rows in the order given (status_for sorts them), each with an indented detail block,
    within `width`: the table leaves out P50, SUCCESS, EXPECTED and P95, in that order, until it
    fits, and the details wrap. The commands hints name are pointed by `commands`."""
    commands = commands or Commands()
    if not rows:
        return "no jobs in the catalogue"
    cells = [_cells(row) for row in rows]
    sizes = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(HEADERS)]
    shown = columns_that_fit(sizes, width, droppable=_DROPPABLE, lead=_LEAD)
    lines = [_join(" " * _LEAD, _pad(HEADERS, sizes, shown))]
    for row, row_cells in zip(rows, cells, strict=True):
        mark, tint = _mark(row)
        padded = _pad(row_cells, sizes, shown, tint=tint, colour=colour)
        lines.append(_join(f"{paint(mark, tint, colour)} ", padded))
        for detail in _details(row, commands):
            lines += wrap(detail, width, indent="    ", hang="      ")
    lines.append("")
    lines += wrap(
        "HEADROOM: what the slowest run left of the function's timeout (its timeout:)", width
    )
    skipped = skipped_text(sum((row.skipped for row in rows), Skipped()))
    if skipped is not None:
        lines += wrap(skipped, width, hang="  ")
    hint = missed_hint(commands)
    if hint is not None and any(row.status is not None and row.status.missed for row in rows):
        lines += wrap(f"hint: {hint}", width, hang="  ")
    return "\n".join(lines)


def _pad(
    cells: Sequence[str],
    sizes: Sequence[int],
    shown: Sequence[int],
    *,
    tint: str = "",
    colour: bool = False,
) -> list[str]:
    """The `shown` cells padded to their column; STATE painted in `tint`."""
    padded = [
        cells[i].rjust(sizes[i]) if HEADERS[i] in _RIGHT else cells[i].ljust(sizes[i])
        for i in shown
    ]
    return [paint(p, tint, colour and i == _STATE) for i, p in zip(shown, padded, strict=True)]


def _join(lead: str, padded: Sequence[str]) -> str:
    return (lead + GAP.join(padded)).rstrip()


def _time(when: datetime | None, tz: str) -> dict[str, str] | None:
    if when is None:
        return None
    return {
        "utc": when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "local": when.astimezone(ZoneInfo(tz)).isoformat(),
    }


def _row_json(row: StatusRow) -> dict[str, Any]:
    return {
        "job": row.job,
        "attention": row.status.attention.label if row.status else "not-tracked",
        "state": state(row),
        "tracked": row.tracked,
        "enabled": row.enabled,
        "deployed": row.deployed,
        "schedule": row.schedule,
        "description": row.description,
        "timezone": row.timezone,
        "next_run": _time(row.next_run, row.timezone),
        "timeout_ms": round(row.timeout.total_seconds() * 1000),
        "note": row.note,
        "status": status_to_json(row.status) if row.status else None,
        "skipped": skipped_json(row.skipped),
    }


def to_json(rows: Sequence[StatusRow], watcher: dict[str, object] | None = None) -> str:
    """`watcher` is the watcher's own health (report.alerts.health_json), null without one."""
    document = {
        "needs_attention": needs_attention(rows),
        "jobs": [_row_json(row) for row in rows],
        "watcher": watcher,
    }
    return json.dumps(document, indent=2)
