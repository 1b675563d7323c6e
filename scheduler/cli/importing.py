"""`sched import crontab|serverless FILE`: a server's crontab or a Serverless Framework
service's schedule events as catalogue entries (offline, no boto3)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from scheduler.cli.common import EXIT_FINDINGS, EXIT_OK, WholeHelpGroup, use_colour, with_catalogue
from scheduler.diagnostics import Severity
from scheduler.errors import UsageError

if TYPE_CHECKING:
    from scheduler.app.importing import Imported


@click.group(name="import", cls=WholeHelpGroup)
def import_() -> None:
    """Bring jobs from elsewhere into the catalogue."""


@import_.command(name="crontab")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True))
@with_catalogue(must_exist=False)
@click.option("--write", is_flag=True, help="Add the jobs to the catalogue and write the stubs.")
@click.option(
    "--force", is_flag=True, help="With --write, replace jobs and stubs of the same name."
)
@click.option(
    "--system",
    is_flag=True,
    help="A system crontab (/etc/crontab, /etc/cron.d): a user column before the command.",
)
@click.option(
    "--timezone",
    help="The server's IANA zone: the jobs run in it on EventBridge Scheduler (default UTC).",
)
def crontab(
    file: Path, catalogue: Path, write: bool, force: bool, system: bool, timezone: str | None
) -> None:
    """Turn the crontab FILE (- for stdin) into jobs of CATALOGUE (default jobs.yaml), one per
    line; with --write they are added to it, and the stubs go under jobs/ beside it.

    Each job keeps its command in its description and gets a handler stub under
    jobs/<name>/ saying what to port. Lines that cannot run on Lambda (@reboot, longer than
    15 minutes by a "# sched: expected_runtime 30m" comment above them, both day fields
    restricted) and malformed lines are reported with their line number. Without --write the
    entries are printed to paste under jobs:; with it they are added to the catalogue, keeping
    its comments, and nothing that exists is overwritten unless --force. Exit 1 when a line was
    not imported.
    """
    from scheduler.app.importing import crontab as run

    source = "<stdin>" if str(file) == "-" else str(file)
    text = _read(file, "pass a crontab, as `crontab -l` prints it")
    system = system or _is_system_crontab(file)
    done = run(text, source, catalogue, system=system, timezone=timezone, write=write, force=force)
    _report(done, source, catalogue, write, "line(s)")


@import_.command(name="serverless")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False, allow_dash=True))
@with_catalogue(must_exist=False, legacy=False)
@click.option("--write", is_flag=True, help="Add the jobs to the catalogue and write the stubs.")
@click.option(
    "--force", is_flag=True, help="With --write, replace jobs and stubs of the same name."
)
def serverless(file: Path, catalogue: Path, write: bool, force: bool) -> None:
    """Turn the schedule events of the serverless.yml FILE (- for stdin) into catalogue jobs.

    One job per schedule expression (a function with two rates becomes two jobs, the second
    named <function>-2), with the expression as written, enabled: false, input:, method:
    scheduler and timezone:, the function's memorySize and runtime (over provider:'s), its
    timeout as a guessed expected_runtime, and provider: and function environment merged;
    secret-looking values and ${ssm:/path} become secrets:. A handler whose Python file lies
    under the catalogue's folder is used as it is; otherwise a stub under jobs/<name>/ says
    where the code was. inputPath, inputTransformer and other ${...} variables cannot be
    carried over and are reported at their line and column. Without --write the entries are
    printed; with it they are added to the catalogue, keeping its comments, and nothing that
    exists is overwritten unless --force. Exit 1 when something was not imported.
    """
    from scheduler.app.importing import serverless as run

    source = "<stdin>" if str(file) == "-" else str(file)
    text = _read(file, "pass the Serverless Framework's serverless.yml")
    done = run(text, source, catalogue, write=write, force=force)
    _report(done, source, catalogue, write, "schedule(s)")


def _report(done: Imported, source: str, catalogue: Path, write: bool, unit: str) -> None:
    from scheduler.report import diagnostics as report

    result = done.result
    if not write and done.entries:
        click.echo(f"# {len(result.jobs)} job(s) to paste under jobs: in {catalogue}")
        click.echo(done.entries, nl=False)
    for path in done.written:
        click.echo(f"wrote {path}")
    if result.findings:
        click.echo(report.to_text(list(result.findings), colour=use_colour()), err=True)
    for note in result.notes:
        click.echo(f"{source}:{note.line}: note: {note.message}", err=True)
        click.echo(f"  hint: {note.hint}", err=True)
    skipped = sum(1 for finding in result.findings if finding.severity is Severity.ERROR)
    dropped = len(result.findings) - skipped
    click.echo(
        f"{source}: {len(result.jobs)} job(s) imported, {skipped} {unit} not imported"
        + (f", {dropped} setting(s) not carried over" if dropped else "")
        + (
            ""
            if write or not result.jobs
            else "; --write adds them to the catalogue with their handler stubs"
        ),
        err=True,
    )
    raise SystemExit(EXIT_FINDINGS if result.findings else EXIT_OK)


def _read(file: Path, what: str) -> str:
    try:
        data = sys.stdin.buffer.read() if str(file) == "-" else file.read_bytes()
    except OSError as error:
        raise UsageError(
            f"cannot read {file}: {error.strerror or error}", "check the path and permissions"
        ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UsageError(
            f"{file} is not UTF-8 text (byte {error.start})",
            what,
        ) from None


def _is_system_crontab(file: Path) -> bool:
    resolved = str(file)
    return resolved == "/etc/crontab" or resolved.startswith("/etc/cron.d/")


COMMANDS = (import_,)
