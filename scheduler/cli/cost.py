"""`sched cost [JOB]`: what the jobs cost a month on Lambda, and on Fargate (offline)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from scheduler.cli.common import (
    complete_jobs,
    parse_instant,
    scope_header,
    terminal_width,
    view_env_option,
    with_catalogue,
)
from scheduler.cli.deploy import checked_catalogue
from scheduler.cli.ops import READ_ONLY
from scheduler.errors import UsageError


@click.command()
@click.argument("jobs", nargs=-1, metavar="[JOB] [CATALOGUE]", shell_complete=complete_jobs)
@with_catalogue(among="jobs", legacy=False)
@view_env_option
@click.option("--from", "from_text", help="Count fires in the 30 days from this ISO time.")
def cost(jobs: tuple[str, ...], catalogue: Path, from_text: str | None) -> None:
    """Estimate what JOB (default: every job and the alert watcher) costs a month, offline;
    with --env, as the environment's merged catalogue runs it."""
    from scheduler.app import operate
    from scheduler.app.cost import cost as estimate
    from scheduler.report.cost import to_text

    if len(jobs) > 1:
        raise UsageError(f"one job at a time: {', '.join(jobs)}", "name one JOB, or none for all")
    job = jobs[0] if jobs else None
    checked = checked_catalogue(catalogue, READ_ONLY, findings_in_full=False)
    target = operate.find_job(checked.catalogue, job) if job else None
    now = parse_instant(from_text, "--from") if from_text else datetime.now(UTC)
    report = estimate(checked.catalogue, now=now, job=target)
    text = to_text(report, width=terminal_width())
    click.echo("\n".join([*scope_header(checked.catalogue), text]))


COMMANDS = (cost,)
