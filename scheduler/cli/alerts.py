"""`sched alerts`: what the alert watcher would send now and why; `sched alerts test CHANNEL`."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from scheduler.cli.common import (
    CatalogueGroup,
    format_option,
    group_catalogue,
    hint_commands,
    resolve_catalogue,
    terminal_width,
    with_catalogue,
)
from scheduler.cli.deploy import aws_options, checked_catalogue, connection
from scheduler.cli.ops import READ_ONLY


@click.group(cls=CatalogueGroup, invoke_without_command=True)
@group_catalogue
@aws_options
@format_option("text", "json")
@click.pass_context
def alerts(
    ctx: click.Context,
    catalogue: Path | None,
    legacy_catalogue: Path | None,
    local: bool,
    profile: str | None,
    region: str | None,
    fmt: str,
) -> None:
    """What the alert watcher would send now, job by job, and why (a dry run from here: it reads
    the jobs' logs and the watcher's state, and sends nothing)."""
    if ctx.invoked_subcommand is not None:
        return
    from scheduler.app import alerts as app
    from scheduler.report import alerts as report

    path = resolve_catalogue(catalogue, legacy_catalogue, must_exist=True)
    checked = checked_catalogue(path, READ_ONLY, findings_in_full=False)
    where = connection(local, profile, region)
    found = app.preview(checked.catalogue, where, now=datetime.now(UTC))
    name = checked.catalogue.name
    if fmt == "json":
        click.echo(
            report.preview_json(
                name, found.decisions, remembered=found.remembered, health=found.health
            )
        )
    else:
        click.echo(
            report.preview_text(
                name,
                found.decisions,
                remembered=found.remembered,
                deployed=found.deployed,
                width=terminal_width(),
                health=found.health,
                commands=hint_commands(path, where),
            )
        )


@alerts.command("test")
@click.argument("channel")
@with_catalogue
@aws_options
def test(
    channel: str, catalogue: Path, local: bool, profile: str | None, region: str | None
) -> None:
    """Send a test message to CHANNEL: its SNS topic, or its Slack or other webhook."""
    from scheduler.app import alerts as app

    checked = checked_catalogue(catalogue, READ_ONLY)
    sent = app.send_test(
        checked.catalogue, connection(local, profile, region), channel, now=datetime.now(UTC)
    )
    if sent.hook is not None:
        click.echo(
            f"test message sent to {sent.channel} ({sent.hook}, URL from {sent.topic}): "
            f"it answered {sent.message_id}"
        )
    else:
        click.echo(
            f"test message sent to {sent.channel} ({sent.topic}): SNS message {sent.message_id}"
        )


COMMANDS = (alerts,)
