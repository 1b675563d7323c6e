"""Render `sched next` results as text (local and UTC side by side) or JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from scheduler.upcoming import Upcoming

# %a in the C locale, which sched never changes.
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# "00:00" to "23:59", by minute of the day.
_CLOCK = tuple(f"{hour:02}:{minute:02}" for hour in range(24) for minute in range(60))


class _Stamps:
    """Datetimes as `Mon 2026-11-30 02:00` (or `2026-11-30 02:00`), their wall clock in their
    own zone.

    `sched next` prints up to a million fire times, falling on few days: each day's text is made
    once and the clock read from a table, ten times faster than strftime or str().
    """

    def __init__(self, *, weekday: bool) -> None:
        self._weekday = weekday
        self._days: dict[int, str] = {}

    def __call__(self, when: datetime) -> str:
        day = self._days.get(ordinal := when.toordinal())
        if day is None:
            date = when.date().isoformat()
            day = f"{_WEEKDAYS[when.weekday()]} {date}" if self._weekday else date
            self._days[ordinal] = day
        return f"{day} {_CLOCK[when.hour * 60 + when.minute]}"


def to_text(items: Sequence[Upcoming]) -> str:
    blocks = []
    minute, utc_minute = _Stamps(weekday=True), _Stamps(weekday=False)
    for item in items:
        title = f"{item.job}: {item.expression}" if item.job else item.expression
        if item.error:
            hint = f"\n  hint: {item.hint}" if item.hint else ""
            code = f" {item.error_code}" if item.error_code else ""
            blocks.append(f"{title}\n  error{code} {item.error}{hint}")
            continue
        lines = [title]
        if item.also_expression:
            lines.append(
                f"  as AWS: {item.aws_expression} and {item.also_expression} "
                "(either day, two rules; a day both match runs once)"
            )
        elif item.aws_expression and item.aws_expression != item.expression:
            lines.append(f"  as AWS: {item.aws_expression}")
        zone_note = "" if item.timezone == "UTC" else f" ({item.timezone})"
        lines.append(f"  {item.description}{zone_note}")
        if item.created is not None:
            lines.append(
                f"  if created at {item.created.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
                " (AWS counts a rate from its creation)"
            )
        if not item.fire_times:
            lines.append("  never fires again")
        # Fire times are UTC instants (the engine's), so their own wall clock is UTC's.
        if item.shown_in in ("UTC", "Etc/UTC"):
            lines += [f"  {minute(when)} UTC" for when in item.fire_times]
        else:
            zone = ZoneInfo(item.shown_in)
            for when in item.fire_times:
                local = when.astimezone(zone)
                lines.append(f"  {minute(local)} {local.tzname()}   ({utc_minute(when)} UTC)")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def to_json(items: Sequence[Upcoming]) -> str:
    out = []
    for item in items:
        entry: dict[str, object] = {
            "query": item.query,
            "job": item.job,
            "expression": item.expression,
            "timezone": item.timezone,
        }
        if item.error:
            entry["error"] = {"code": item.error_code, "message": item.error, "hint": item.hint}
        else:
            zone = ZoneInfo(item.shown_in)
            entry["shown_in"] = item.shown_in
            entry["aws_expression"] = item.aws_expression
            if item.also_expression:
                entry["aws_expressions"] = [item.aws_expression, item.also_expression]
            entry["description"] = item.description
            if item.created is not None:
                entry["if_created_at"] = item.created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            entry["fire_times"] = [
                {
                    "utc": t.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "local": t.astimezone(zone).isoformat(),
                }
                for t in item.fire_times
            ]
        out.append(entry)
    return json.dumps({"schedules": out}, indent=2)
