"""`sched peaks [CATALOGUE]`: the minutes when most jobs run at once, and which (offline).

A command of its own rather than `sched next --peaks`: `next` answers when given jobs or
expressions fire; this looks at the whole catalogue at once and takes other options.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from scheduler.cli.common import (
    CATALOGUE,
    format_option,
    parse_instant,
    scope_header,
    view_env_option,
)
from scheduler.cli.deploy import checked_catalogue
from scheduler.schedule.peaks import DEFAULT_DAYS


@click.command()
@CATALOGUE
@view_env_option
@click.option("--from", "from_text", help="ISO time to start from (default: now).")
@click.option("--days", default=DEFAULT_DAYS, show_default=True, type=click.IntRange(1, 366))
@click.option("--top", "-n", default=10, show_default=True, type=click.IntRange(1, 1000))
@format_option("text", "json")
def peaks(catalogue: Path, from_text: str | None, days: int, top: int, fmt: str) -> None:
    """The busiest minutes (UTC, through DST) and the jobs running in them, offline.

    Each Lambda job runs for its expected_runtime from each fire; jobs with a flexible_window
    are left out, as EventBridge Scheduler spreads them over it. With --env, the environment's
    merged catalogue.
    """
    from scheduler.app.peaks import peaks as compute
    from scheduler.report import peaks as report

    checked = checked_catalogue(catalogue, "no peaks were computed")
    start = parse_instant(from_text, "--from") if from_text else datetime.now(UTC)
    found = compute(checked.catalogue, start=start, days=days, top=top)
    if fmt == "json":
        click.echo(report.to_json(found))
    else:
        click.echo("\n".join([*scope_header(checked.catalogue), report.to_text(found)]))


COMMANDS = (peaks,)
