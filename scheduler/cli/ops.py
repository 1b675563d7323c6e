"""Commands for operations: `history`, `status`, `run`, `trigger`, `logs` and `local tick` (which
also makes the alert watcher's pass and says what it sent)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from scheduler.cli.common import (
    EXIT_FINDINGS,
    EXIT_OK,
    complete_jobs,
    env_option,
    format_option,
    hint_commands,
    parse_instant,
    terminal_width,
    use_colour,
    with_catalogue,
)
from scheduler.cli.deploy import aws_options, checked_catalogue, connection, local
from scheduler.errors import UsageError
from scheduler.history.read import STATUS_FILTERS

if TYPE_CHECKING:
    from scheduler.catalogue.model import Job

READ_ONLY = "fix the catalogue first"


def _duration(text: str, option: str) -> timedelta:
    """One wording for every duration option: what is wrong in the line, how to write it in
    the hint."""
    from scheduler.catalogue.durations import parse_duration

    try:
        return parse_duration(text)
    except ValueError:
        raise UsageError(
            f"{option} {text!r} is not a duration", "write it like 7d, 12h, 30m, 1h30m or PT5M"
        ) from None


def since_option(default: str) -> Callable[..., Any]:
    """--since (status's old --window is an alias of it)."""
    return click.option(
        "--since",
        "--window",
        "since",
        default=default,
        show_default=True,
        help="How far back: 7d, 12h, 30m (--window is an alias).",
    )


def logs_option() -> Callable[..., Any]:
    """--logs: how run history is read (see `scheduler.app.log_path`)."""
    return click.option(
        "--logs",
        "logs",
        type=click.Choice(["auto", "filter", "insights"]),
        default="auto",
        show_default=True,
        help="Read runs group by group (filter), through Logs Insights (insights), or "
        "insights from 50 log groups on (auto).",
    )


@click.command()
@click.argument("jobs", nargs=-1, metavar="[JOB]... [CATALOGUE]", shell_complete=complete_jobs)
@with_catalogue(among="jobs")
@aws_options
@since_option("7d")
@click.option("--until", "until_text", help="End of the window, ISO time (default: now).")
@click.option(
    "--status",
    "statuses",
    help=f"Only runs with these statuses, comma-separated (e.g. failed,missed): "
    f"{', '.join(STATUS_FILTERS)}.",
)
@click.option(
    "--grace", default="5m", show_default=True, help="How long after a fire a run counts as missed."
)
@logs_option()
@format_option("text", "json", "csv")
def history(
    jobs: tuple[str, ...],
    catalogue: Path,
    local: bool,
    profile: str | None,
    region: str | None,
    since: str,
    until_text: str | None,
    statuses: str | None,
    grace: str,
    logs: str,
    fmt: str,
) -> None:
    """Each run of JOBS (default: all) in a window: status, duration, errors, missed fires.

    The catalogue is the argument that ends in .yaml or .yml (default jobs.yaml):
    sched history log-backup ops/jobs.yaml.
    """
    from scheduler.app import operate
    from scheduler.app.log_path import LogPath
    from scheduler.report import history as report

    now = datetime.now(UTC)
    until = parse_instant(until_text, "--until") if until_text else None
    wanted = [s.strip() for s in statuses.split(",") if s.strip()] if statuses else None
    start = (until or now) - _duration(since, "--since")
    patience = _duration(grace, "--grace")
    checked = checked_catalogue(catalogue, READ_ONLY, findings_in_full=False)
    where = connection(local, profile, region)
    found = operate.history(
        checked.catalogue,
        where,
        now=now,
        since=start,
        until=until,
        jobs=jobs or None,
        statuses=wanted,
        grace=patience,
        logs=LogPath(logs),
    )
    match fmt:
        case "json":
            click.echo(report.to_json(found))
        case "csv":
            click.echo(report.to_csv(found), nl=False)
        case _:
            commands = hint_commands(catalogue, where)
            width = terminal_width()
            click.echo(report.to_text(found, colour=use_colour(), width=width, commands=commands))


@click.command()
@with_catalogue
@aws_options
@since_option("7d")
@logs_option()
@format_option("text", "json")
def status(
    catalogue: Path,
    local: bool,
    profile: str | None,
    region: str | None,
    since: str,
    logs: str,
    fmt: str,
) -> None:
    """Every job of CATALOGUE (default jobs.yaml) at a glance, failing and missing ones first.
    Exit 1 when any needs attention."""
    from scheduler.app import operate
    from scheduler.app.log_path import LogPath
    from scheduler.history.status import needs_attention
    from scheduler.report import status as report
    from scheduler.report.alerts import health_json, health_lines

    span = _duration(since, "--since")
    checked = checked_catalogue(catalogue, READ_ONLY, findings_in_full=False)
    where, now = connection(local, profile, region), datetime.now(UTC)
    found = operate.status(checked.catalogue, where, now=now, window=span, logs=LogPath(logs))
    if fmt == "json":
        click.echo(report.to_json(found.rows, health_json(found.watcher)))
    else:
        commands = hint_commands(catalogue, where)
        width = terminal_width()
        text = report.to_text(found.rows, colour=use_colour(), width=width, commands=commands)
        click.echo("\n".join([text, *health_lines(found.watcher, terminal_width())]))
    raise SystemExit(EXIT_FINDINGS if needs_attention(found.rows) else EXIT_OK)


@click.command()
@click.argument("job", shell_complete=complete_jobs)
@with_catalogue
@aws_options
@click.option(
    "--scheduled-time",
    help="The scheduled time the event carries (default: now); the run stays a manual one.",
)
def run(
    job: str,
    catalogue: Path,
    local: bool,
    profile: str | None,
    region: str | None,
    scheduled_time: str | None,
) -> None:
    """Run JOB now, as its schedule would, and wait for it to end.

    On AWS its deployed function is invoked with a manual event, so its own logs record the
    run (history shows it as manual); a failing handler's traceback comes from Lambda's answer.
    With --local its handler runs here, in the embedded local AWS, which records it the same way.
    """
    from scheduler.app import operate
    from scheduler.report.runs import outcome_line

    when = parse_instant(scheduled_time, "--scheduled-time") if scheduled_time else None
    checked = checked_catalogue(catalogue, READ_ONLY)
    target = operate.find_job(checked.catalogue, job)
    _note_local_python(local, target)
    outcome = operate.run(
        checked.catalogue,
        target,
        connection(local, profile, region),
        now=datetime.now(UTC),
        scheduled_time=when,
    )
    click.echo(outcome_line(outcome, target))
    raise SystemExit(EXIT_OK if outcome.ok else EXIT_FINDINGS)


def _note_local_python(local: bool, job: Job) -> None:
    """Before a handler runs here (--local), say when this Python is not the job's runtime."""
    from scheduler.catalogue.model import Compute
    from scheduler.report.runs import python_note

    if not local or job.handler is None or job.compute is not Compute.LAMBDA:
        return
    note = python_note(job, (sys.version_info.major, sys.version_info.minor))
    if note is not None:
        click.echo(note, err=True)


@click.command()
@click.argument("job", shell_complete=complete_jobs)
@with_catalogue
@aws_options
def trigger(
    job: str, catalogue: Path, local: bool, profile: str | None, region: str | None
) -> None:
    """Start JOB's deployed function now, asynchronously, as its schedule would.

    With --local the handler runs here, in the embedded local AWS, and its logs are written
    there as Lambda would write them.
    """
    from scheduler.app import operate
    from scheduler.report.runs import outcome_line, triggered_text

    checked = checked_catalogue(catalogue, READ_ONLY)
    target = operate.find_job(checked.catalogue, job)
    _note_local_python(local, target)
    sent = operate.trigger(
        checked.catalogue, target, connection(local, profile, region), now=datetime.now(UTC)
    )
    if not isinstance(sent, operate.Triggered):
        click.echo(outcome_line(sent, target))
        raise SystemExit(EXIT_OK if sent.ok else EXIT_FINDINGS)
    click.echo(triggered_text(job, sent.function, sent.request_id, endpoint=sent.endpoint))


@click.command()
@click.argument("job", shell_complete=complete_jobs)
@with_catalogue
@aws_options
@click.option("--run", "run_id", help="The run's request id (or its first characters).")
@click.option("--since", default="1d", show_default=True, help="How far back: 7d, 12h, 30m.")
@click.option("--follow", "-f", is_flag=True, help="Keep printing new lines as they come.")
@click.option("--raw", is_flag=True, help="Each line as CloudWatch Logs holds it (JSON as is).")
def logs(
    job: str,
    catalogue: Path,
    local: bool,
    profile: str | None,
    region: str | None,
    run_id: str | None,
    since: str,
    follow: bool,
    raw: bool,
) -> None:
    """JOB's log lines from CloudWatch Logs: the latest run's (or --run's), traceback included;
    with --follow, every run's lines as they are written (Ctrl-C stops)."""
    import time

    from scheduler.app import operate
    from scheduler.history.logs import lines_of_run
    from scheduler.report.logs import to_text

    now = datetime.now(UTC)
    start = now - _duration(since, "--since")
    checked = checked_catalogue(catalogue, READ_ONLY, findings_in_full=False)
    target = operate.find_job(checked.catalogue, job)
    where = connection(local, profile, region)
    if not follow:
        found = operate.job_logs(checked.catalogue, target, where, since=start, until=now)
        click.echo(to_text(lines_of_run(found, run_id, job=target.name), raw=raw))
        return
    polls = operate.follow_logs(
        checked.catalogue, target, where, since=start, clock=lambda: datetime.now(UTC),
        sleep=time.sleep,
    )  # fmt: skip
    for batch in polls:
        shown = [
            line for line in batch if run_id is None or (line.request_id or "").startswith(run_id)
        ]
        if shown:
            click.echo(to_text(shown, raw=raw))


@local.command()
@with_catalogue
@env_option
@click.option("--until", "until_text", help="Run fires up to this past ISO time (default: now).")
@click.option("--verbose", "-v", is_flag=True, help="One line per run instead of per job.")
def tick(catalogue: Path, until_text: str | None, verbose: bool) -> None:
    """Run, in time order, every fire of the deployed local jobs since the last tick.

    The first tick looks back one day, never before a job was deployed (apply). Each run is
    logged to the local AWS as Lambda would log it.
    """
    from scheduler.app import operate
    from scheduler.report.runs import (
        nothing_due,
        nothing_fired,
        outcome_line,
        skipped_line,
        tick_summary,
    )

    now = datetime.now(UTC)
    until = parse_instant(until_text, "--until") if until_text else None
    if until is not None and until > now:
        raise UsageError(
            f"--until {until_text} is in the future; a tick runs the fires whose time has come",
            "leave --until out to run everything due up to now",
        )
    checked = checked_catalogue(catalogue, READ_ONLY)
    done = operate.tick(checked.catalogue, now=now, until=until)
    ticked = done.ticked
    if ticked is None:
        click.echo(nothing_due(done.since, done.next_fire))
        return
    if verbose:
        for outcome in ticked.outcomes:
            job = checked.catalogue.job(outcome.job)
            assert job is not None
            when = f"{outcome.scheduled_time:%Y-%m-%d %H:%M}" if outcome.scheduled_time else "-"
            click.echo(f"[{when} UTC] {outcome_line(outcome, job)}")
    if ticked.outcomes:
        click.echo(tick_summary(ticked.outcomes, ticked.skipped))
    else:
        for name in sorted(ticked.skipped):
            click.echo(skipped_line(name))
        click.echo(nothing_fired(done.since, done.until, done.next_fire))
    if ticked.outcomes:
        environment = checked.catalogue.environment_name
        also = f" --env {environment}" if environment else ""
        click.echo(f"see them with: sched status --local{also}")
    if done.watched is not None and done.watched.sent:
        from scheduler.report.alerts import sent_lines

        for line in sent_lines(done.watched.sent):
            click.echo(line)


COMMANDS = (history, status, run, trigger, logs)
