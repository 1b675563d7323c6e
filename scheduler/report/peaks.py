"""Render `sched peaks`: the busiest minutes, how many jobs run in each and which (text, JSON)."""

from __future__ import annotations

import json
from datetime import UTC

from scheduler.rules.concurrency_rules import crowd
from scheduler.schedule.peaks import Peaks


def to_text(found: Peaks) -> str:
    source = "policy max_concurrent_jobs" if found.from_policy else "Lambda's default concurrency"
    start = f"{found.start.astimezone(UTC):%Y-%m-%d %H:%M}"
    lines = [
        f"Busiest minutes of the {found.days} days from {start} UTC "
        f"(threshold {found.threshold}: {source}):"
    ]
    if not found.minutes:
        lines.append("  no Lambda job runs")
    for peak in found.minutes:
        mark = "  over" if peak.running > found.threshold else ""
        lines.append(
            f"  {peak.minute:%Y-%m-%d %H:%M} UTC  {peak.running:>5} running{mark}  "
            f"{crowd(peak.jobs, peak.running)}"
        )
    if any(p.running > found.threshold for p in found.minutes):
        lines.append(
            "hint: give some a flexible_window on backend: scheduler, or stagger their minutes"
        )
    return "\n".join(lines)


def to_json(found: Peaks) -> str:
    return json.dumps(
        {
            "start": found.start.astimezone(UTC).isoformat(),
            "days": found.days,
            "threshold": found.threshold,
            "minutes": [
                {"minute": p.minute.isoformat(), "running": p.running, "jobs": list(p.jobs)}
                for p in found.minutes
            ],
        },
        indent=2,
    )
