"""Render `sched next` results as text (local and UTC side by side) or JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from scheduler.upcoming import Upcoming

# %a in the C locale, which sched never changes: a fixed table is several times faster than
# strftime, and `sched next` prints up to a million lines.
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _minute(when: datetime) -> str:
    """`when` as `Mon 2026-11-30 02:00`, its wall clock in its own zone."""
    # str() of a datetime starts with its ISO date and time: "2026-11-30 02:00:00+01:00".
    return f"{_WEEKDAYS[when.weekday()]} {str(when)[:16]}"


def to_text(items: Sequence[Upcoming]) -> str:
    blocks = []
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
            lines += [f"  {_minute(when)} UTC" for when in item.fire_times]
        else:
            zone = ZoneInfo(item.shown_in)
            for when in item.fire_times:
                local = when.astimezone(zone)
                lines.append(f"  {_minute(local)} {local.tzname()}   ({str(when)[:16]} UTC)")
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
