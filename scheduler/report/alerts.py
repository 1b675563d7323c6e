"""Render the alert watcher: `sched alerts` (what it would send now, job by job, and why), the
alerts a local tick's watcher pass sent, and a test message sent to a channel."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC
from typing import TYPE_CHECKING

from scheduler.catalogue.durations import format_duration
from scheduler.report.commands import Commands
from scheduler.report.style import GAP, WIDTH, clip, safe, wrap
from scheduler.watch.decide import Alert, JobDecision
from scheduler.watch.watcher import Sent

if TYPE_CHECKING:
    from scheduler.app.alerts import Health


def _what(alert: Alert | None) -> str:
    if alert is None:
        return "-"
    again = "again " if alert.repeat else ""
    return f"{again}{alert.outcome} → {', '.join(alert.channels)}"


def health_lines(health: Health | None, width: int = WIDTH) -> list[str]:
    """Notes on the watcher itself: its last pass long ago (it may be failing), and what that
    pass could not send (logged text, so shown through `safe`). None or a healthy one: none."""
    if health is None or not health.troubled:
        return []
    lines = []
    at = health.last_pass
    when = f"{at.astimezone(UTC):%Y-%m-%d %H:%M} UTC" if at is not None else "-"
    if health.overdue is not None:
        text = (
            f"note: the watcher's last pass was at {when}, though it runs every"
            f" {format_duration(health.overdue)}: it may be failing (its own log group:"
            f" {health.log_group})"
        )
        lines += ["", *wrap(text, width, hang="      ")]
    if health.unsent:
        lines += [
            "",
            f"note: the watcher's last pass ({when}) could not send {len(health.unsent)} alert(s);",
            "      it tries again on its next pass:",
        ]
        for u in health.unsent:
            what = f"{safe(u.job)} {safe(u.outcome)} → {safe(u.channel)}"
            lines.append(clip(f"  {what}: {safe(u.error)}", width))
    return lines


def preview_text(
    catalogue: str,
    decisions: Sequence[JobDecision],
    *,
    remembered: bool,
    deployed: bool = True,
    width: int = WIDTH,
    health: Health | None = None,
    commands: Commands | None = None,
) -> str:
    """One line per watched job: `! JOB  SENDS  WHY`, the ones that would alert first. Then
    notes: not deployed (with the apply `commands` points), no state yet, and the watcher's
    own `health`."""
    head = f"Alert watcher of {catalogue}: what it would send now (dry run: nothing is sent)"
    rows = sorted(decisions, key=lambda d: (d.alert is None, d.job))
    name = max([len("JOB"), *(len(d.job) for d in rows)])
    sends = max([len("SENDS"), *(len(_what(d.alert)) for d in rows)])
    lines = [head, "", f"  {'JOB':<{name}}{GAP}{'SENDS':<{sends}}{GAP}WHY"]
    for d in rows:
        mark = "!" if d.alert is not None else "·"
        lines.append(
            clip(f"{mark} {d.job:<{name}}{GAP}{_what(d.alert):<{sends}}{GAP}{safe(d.why)}", width)
        )
    if not deployed:
        apply = (commands or Commands()).aws("apply")
        lines += ["", *wrap(f"note: the watcher is not deployed: {apply} deploys it", width)]
    elif not remembered:
        lines += [
            "",
            "note: the watcher has logged no state yet (it has not run since apply); jobs are",
            "      judged from their deployment",
        ]
    lines += health_lines(health, width)
    would = sum(1 for d in rows if d.alert is not None)
    lines += ["", f"{would} alert(s) would be sent." if would else "No alert would be sent."]
    return "\n".join(lines)


def preview_json(
    catalogue: str,
    decisions: Sequence[JobDecision],
    *,
    remembered: bool,
    health: Health | None = None,
) -> str:
    jobs = [
        {
            "job": d.job,
            "alert": None
            if d.alert is None
            else {
                "outcome": d.alert.outcome,
                "channels": list(d.alert.channels),
                "repeat": d.alert.repeat,
                "detail": d.alert.detail,
            },
            "why": d.why,
        }
        for d in decisions
    ]
    failed = _unsent_json(health)
    document = {"catalogue": catalogue, "remembered": remembered, "jobs": jobs, "unsent": failed}
    return json.dumps(document, indent=2)


def _unsent_json(health: Health | None) -> list[dict[str, str]]:
    return [
        {"job": u.job, "outcome": u.outcome, "channel": u.channel, "error": u.error}
        for u in (health.unsent if health is not None else ())
    ]


def health_json(health: Health | None) -> dict[str, object] | None:
    """The watcher's own health as `status --format json` gives it: None when no watcher is
    deployed; `overdue_after_s` is its period when its last pass is long past, else null."""
    if health is None:
        return None
    at = health.last_pass
    return {
        "log_group": health.log_group,
        "last_pass": None if at is None else at.astimezone(UTC).isoformat(),
        "overdue_after_s": None if health.overdue is None else health.overdue.total_seconds(),
        "unsent": _unsent_json(health),
        "troubled": health.troubled,
    }


def sent_lines(sent: Sequence[Sent]) -> list[str]:
    """What a watcher pass published: `alert: log-backup failed → ops (message 1a2b...)`."""
    lines = []
    for s in sent:
        what = f"{s.alert.job} {'still ' if s.alert.repeat else ''}{s.alert.outcome} → {s.channel}"
        if s.error is not None:
            lines.append(f"alert NOT sent: {what}: {s.error}")
        elif s.topic.startswith("arn:"):
            lines.append(f"alert sent: {what} (SNS message {s.message_id})")
        else:
            lines.append(f"alert sent: {what} (webhook answered {s.message_id})")
    return lines
