"""Commands for a versioned job's function: `versions` (its kept versions with their runs) and
`rollback` (move its live alias back)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import click

from scheduler.cli.common import complete_jobs, with_catalogue
from scheduler.cli.deploy import aws_options, checked_catalogue, connection
from scheduler.cli.ops import READ_ONLY, _duration

# Local runs call the handler in this process, so no published version runs there.
LOCAL_NOTE = (
    "note: local runs always run the handler's current code, as $LATEST: they count under no"
    " version, and a local rollback changes what the local schedule would invoke, not what"
    " sched run --local runs"
)


@click.command()
@click.argument("job", shell_complete=complete_jobs)
@with_catalogue(legacy=False)
@aws_options
@click.option("--since", default="7d", show_default=True, help="Runs counted: 7d, 12h, 30m.")
def versions(
    job: str, catalogue: Path, local: bool, profile: str | None, region: str | None, since: str
) -> None:
    """JOB's kept published versions, the live one marked, with runs and failures of each."""
    from scheduler.app import operate
    from scheduler.app import versions as app_versions
    from scheduler.report.versions import versions_text

    checked = checked_catalogue(catalogue, READ_ONLY, findings_in_full=False)
    target = operate.find_job(checked.catalogue, job)
    found = app_versions.job_versions(
        checked.catalogue,
        target,
        connection(local, profile, region),
        now=datetime.now(UTC),
        window=_duration(since, "--since"),
    )
    click.echo(versions_text(found))
    if local:
        click.echo(LOCAL_NOTE)


@click.command()
@click.argument("job", shell_complete=complete_jobs)
@with_catalogue(legacy=False)
@aws_options
@click.option("--to", "to", help="The version to roll back to (default: the one before live).")
@click.option(
    "--latest", is_flag=True, help="Move the live alias to the newest version and unpin it."
)
def rollback(
    job: str,
    catalogue: Path,
    local: bool,
    profile: str | None,
    region: str | None,
    to: str | None,
    latest: bool,
) -> None:
    """Point JOB's live alias back at an older kept version and pin it there; the schedule
    runs it from now.

    apply leaves a pinned alias where it is (the plan says so), also when it publishes a new
    version; `--latest` moves it to the newest version and unpins it.
    """
    from scheduler.app import operate
    from scheduler.app import versions as app_versions
    from scheduler.report.versions import rollback_text

    checked = checked_catalogue(catalogue, READ_ONLY)
    target = operate.find_job(checked.catalogue, job)
    if latest and to is not None:
        raise click.UsageError("give --to VERSION or --latest, not both")
    done = app_versions.rollback(
        checked.catalogue, target, connection(local, profile, region), to=to, latest=latest
    )
    click.echo(rollback_text(done))


COMMANDS = (versions, rollback)
