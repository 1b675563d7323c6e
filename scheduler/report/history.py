"""Render `sched history` as a text table (job, scheduled time in the job's zone, start, status,
duration against the expected runtime, error; under a run its role refused, the `permissions:`
entry that would allow it), JSON or CSV, with a count of the log lines left out. Also
`human_duration`, the compact duration (`4m12s`) every ops table uses. Log text is untrusted: it
is shown through `style.safe`, and no CSV cell starts like a formula.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from scheduler.access import denial_hint
from scheduler.history import Run, RunStatus, Trigger, run_to_json
from scheduler.history.model import Skipped
from scheduler.history.read import History
from scheduler.report.commands import Commands, apply_hint, missed_hint
from scheduler.report.style import (
    CYAN,
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

MIN_ERROR_WIDTH = 20
HEADERS = ("JOB", "SCHEDULED", "STARTED", "STATUS", "DURATION", "ERROR")
_STATUS = HEADERS.index("STATUS")
# Left out when the table is too wide: the start is the scheduled time plus a delay.
_DROPPABLE = (HEADERS.index("STARTED"),)
# Shown before ERROR when a run names the published version that ran (`versions:`).
VERSION_HEADER = "VERSION"
_COLOURS = {
    RunStatus.SUCCEEDED: GREEN,
    RunStatus.FAILED: RED,
    RunStatus.TIMED_OUT: RED,
    RunStatus.MISSED: YELLOW,
    RunStatus.RUNNING: CYAN,
    RunStatus.UNKNOWN: DIM,
}


def human_duration(value: timedelta) -> str:
    """`412ms`, `1.4s`, `42s`, `4m12s`, `5m`, `1h05m`, `2d03h`; negative with a leading `-`.

    For people reading measured durations in a table: at most two units, the second one padded
    (`1h05m`), so columns stay short and comparable. Not for settings: it rounds (3661 s is
    `1h01m`) and `ms` is no catalogue unit; `catalogue.durations.format_duration` writes those.
    """
    if value < timedelta(0):
        return f"-{human_duration(-value)}"
    seconds = value.total_seconds()
    if seconds < 1:
        return f"{round(seconds * 1000)}ms" if seconds else "0s"
    if seconds < 10 and round(seconds, 1) < 10:
        return f"{seconds:.1f}s".replace(".0s", "s")
    whole = round(seconds)
    if whole < 60:
        return f"{whole}s"
    if whole < 3600:
        return _pair(*divmod(whole, 60), "m", "s")
    if whole < 86400:
        return _pair(whole // 3600, whole % 3600 // 60, "h", "m")
    return _pair(whole // 86400, whole % 86400 // 3600, "d", "h")


def _pair(major: int, minor: int, big: str, small: str) -> str:
    return f"{major}{big}{minor:02d}{small}" if minor else f"{major}{big}"


def _status(run: Run) -> str:
    label = run.status.value.replace("_", " ")
    return f"{label}, late" if run.late else label


def _error(run: Run) -> str:
    text = ": ".join(part for part in (run.error_type, run.error_message) if part)
    return safe(text.splitlines()[0]) if text else ""


def _lines(count: int) -> str:
    return f"{count} log line{'' if count == 1 else 's'}"


def skipped_text(skipped: Skipped) -> str | None:
    """`3 log lines skipped as malformed`, or each reason counted; None when none was."""
    reasons = [
        (skipped.malformed, "malformed"),
        (skipped.unbound, "not written by the job's deployed wrapper"),
        (skipped.repeated, "repeated for one invocation"),
        (skipped.unattributed, "Lambda's records that no sched line ties to the job"),
    ]
    counted = [(n, why) for n, why in reasons if n]
    if not counted:
        return None
    if len(counted) == 1 and counted[0][1] == "malformed":
        return f"{_lines(counted[0][0])} skipped as malformed"
    parts = ", ".join(f"{n} {why}" for n, why in counted)
    return f"{_lines(skipped.total)} skipped: {parts}"


def skipped_json(skipped: Skipped) -> dict[str, int]:
    return {
        "malformed": skipped.malformed,
        "unbound": skipped.unbound,
        "repeated": skipped.repeated,
        "unattributed": skipped.unattributed,
    }


class _Cells:
    """Turns runs into the table's cells, in each job's zone."""

    def __init__(self, history: History) -> None:
        self.versions = any(run.function_version for run in history.runs)
        self.zones = {name: ZoneInfo(tz) for name, tz in history.timezones.items()}
        self.expected = {jh.job.name: jh.job.expected_runtime for jh in history.jobs}
        self.date = "%Y-%m-%d" if history.since.year != history.until.year else "%m-%d"

    def local(self, run: Run, when: datetime) -> datetime:
        zone = self.zones.get(run.job)
        return when.astimezone(zone) if zone else when

    def scheduled(self, run: Run) -> str:
        # A manual run stands for no fire, whatever scheduled time its event carried.
        if run.trigger is Trigger.MANUAL:
            return "manual"
        if run.scheduled_time is None:
            return "-"
        local = self.local(run, run.scheduled_time)
        return f"{local:{self.date} %H:%M} {local:%Z}"

    def started(self, run: Run) -> str:
        if run.start is None:
            return "-"
        start = self.local(run, run.start)
        same_day = (
            run.trigger is not Trigger.MANUAL
            and run.scheduled_time is not None
            and self.local(run, run.scheduled_time).date() == start.date()
        )
        return f"{start:%H:%M:%S}" if same_day else f"{start:{self.date} %H:%M:%S}"

    def duration(self, run: Run) -> str:
        if run.duration is None:
            return "-"
        expected = self.expected.get(run.job)
        if expected is None:
            return human_duration(run.duration)
        over = " !" if run.duration > expected else ""
        return f"{human_duration(run.duration)} / {human_duration(expected)}{over}"

    def row(self, run: Run) -> tuple[str, ...]:
        return (
            clip(run.job, MAX_JOB_WIDTH),
            self.scheduled(run),
            self.started(run),
            _status(run),
            self.duration(run),
            *((run.function_version or "-",) if self.versions else ()),
            _error(run),
        )


def _utc(when: datetime) -> str:
    return f"{when:%Y-%m-%d %H:%M} UTC"


def _summary(runs: Sequence[Run]) -> str:
    counts = [(s, sum(r.status is s for r in runs)) for s in RunStatus]
    parts = [f"{n} {s.value.replace('_', ' ')}" for s, n in counts if n]
    late = sum(r.late for r in runs)
    if late:
        parts.append(f"{late} late")
    noun = "run" if len(runs) == 1 else "runs"
    return f"{len(runs)} {noun}: " + ", ".join(parts)


def to_text(
    history: History,
    *,
    colour: bool = False,
    width: int = WIDTH,
    commands: Commands | None = None,
) -> str:
    """One line per run, oldest first, columns padded to fit `width`: the error gets what is
    left (clipped), and STARTED is left out when that is less than MIN_ERROR_WIDTH. The
    commands hints name are pointed by `commands`."""
    commands = commands or Commands()
    runs = history.runs
    lines: list[str] = []
    if not runs:
        lines.append(f"no runs from {_utc(history.since)} to {_utc(history.until)}")
    else:
        cells = _Cells(history)
        headers = (*HEADERS[:-1], VERSION_HEADER, HEADERS[-1]) if cells.versions else HEADERS
        rows = [cells.row(run) for run in runs]
        sizes = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers[:-1])]
        longest_error = max(len(headers[-1]), *(len(r[-1]) for r in rows))
        shown = columns_that_fit(
            sizes, width, droppable=_DROPPABLE, rest=min(MIN_ERROR_WIDTH, longest_error)
        )
        room = width - sum(sizes[i] for i in shown) - len(GAP) * len(shown)
        error_width = room if room > 0 else MIN_ERROR_WIDTH
        lines.append(_line(headers, sizes, shown, error_width))
        for run, row in zip(runs, rows, strict=True):
            tint = _COLOURS[run.status]
            lines.append(_line(row, sizes, shown, error_width, tint=tint, colour=colour))
            mates = history.role_mates.get(run.job, ())
            hint = denial_hint(run.error_message, mates) if run.error_message else None
            if hint is not None:  # the entry that would have allowed the refused call
                lines += wrap(f"  hint: {safe(hint)}", width, hang="    ")
        lines.append("")
        lines.append(_summary(runs))
    undeployed = {jh.job.name for jh in history.shown if not jh.deployed}
    for jobs, note in history.grouped_notes:
        then = f"; {apply_hint(commands)}" if undeployed.issuperset(jobs) else ""
        lines += wrap(f"note: {', '.join(jobs)}: {note}{then}", width, hang="  ")
    skipped = skipped_text(history.skipped)
    if skipped is not None:
        lines += wrap(skipped, width, hang="  ")
    hint = missed_hint(commands)
    if hint is not None and any(run.status is RunStatus.MISSED for run in runs):
        lines += wrap(f"hint: {hint}", width, hang="  ")
    return "\n".join(lines)


def _line(
    cells: Sequence[str],
    sizes: Sequence[int],
    shown: Sequence[int],
    error_width: int,
    *,
    tint: str = "",
    colour: bool = False,
) -> str:
    padded = [paint(cells[i].ljust(sizes[i]), tint, colour and i == _STATUS) for i in shown]
    return GAP.join([*padded, clip(cells[-1], error_width)]).rstrip()


def _run(run: Run, timezones: dict[str, str]) -> dict[str, Any]:
    return {**run_to_json(run), "timezone": timezones.get(run.job, "UTC")}


def _iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def to_json(history: History) -> str:
    zones = history.timezones
    document = {
        "since": _iso(history.since),
        "until": _iso(history.until),
        "runs": [_run(run, zones) for run in history.runs],
        "notes": [
            {"job": jh.job.name, "tracked": jh.tracked, "note": jh.note}
            for jh in history.shown
            if jh.note
        ],
        "skipped": skipped_json(history.skipped),
    }
    return json.dumps(document, indent=2)


# A spreadsheet runs a cell starting with one of these as a formula (OWASP, CSV Injection:
# https://owasp.org/www-community/attacks/CSV_Injection); a leading quote makes it text.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        text = safe(value)
        return f"'{text}" if text.startswith(_FORMULA_STARTS) else text
    return value


def to_csv(history: History) -> str:
    """One row per run with the JSON fields as columns (empty when unknown)."""
    zones = history.timezones
    rows = [_run(run, zones) for run in history.runs]
    fields = list(_run(Run(job="", request_id="", status=RunStatus.MISSED), {}))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_value(v) for k, v in row.items()})
    return out.getvalue()
