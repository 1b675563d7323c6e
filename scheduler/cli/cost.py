"""`sched cost [JOB]`: what the jobs cost a month on Lambda, and on Fargate (offline)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from scheduler.cli.common import parse_instant, terminal_width
from scheduler.cli.deploy import checked_catalogue
from scheduler.cli.ops import CATALOGUE_OPTION, READ_ONLY


@click.command()
@click.argument("job", required=False)
@CATALOGUE_OPTION
@click.option("--from", "from_text", help="Count fires in the 30 days from this ISO time.")
def cost(job: str | None, catalogue: Path, from_text: str | None) -> None:
    """Estimate what JOB (default: every job and the alert watcher) costs a month, offline."""
    from scheduler.app import operate
    from scheduler.app.cost import cost as estimate
    from scheduler.report.cost import to_text

    checked = checked_catalogue(catalogue, READ_ONLY)
    target = operate.find_job(checked.catalogue, job) if job else None
    now = parse_instant(from_text, "--from") if from_text else datetime.now(UTC)
    report = estimate(checked.catalogue, now=now, job=target)
    click.echo(to_text(report, width=terminal_width()))


COMMANDS = (cost,)
