"""Offline commands: `validate`, `rules`, `schema` and `next`. None of them imports boto3."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from scheduler.cli.common import (
    CATALOGUE,
    EXIT_FINDINGS,
    EXIT_OK,
    EXIT_USAGE,
    as_written_note,
    chosen_environment,
    complete_jobs,
    format_option,
    parse_instant,
    scope_header,
    use_colour,
    view_env_option,
    with_catalogue,
)
from scheduler.errors import UsageError

if TYPE_CHECKING:
    from scheduler.diagnostics import Diagnostic


def _default_format() -> str:
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def render_diagnostics(diagnostics: list[Diagnostic], fmt: str, file: str) -> str:
    from scheduler.app.check import rule_docs
    from scheduler.report import diagnostics as report

    docs = rule_docs()
    urls = {code: doc.url for code, doc in docs.items()}
    # GitHub resolves annotation and SARIF paths from the repository root, not the step's
    # working-directory: https://docs.github.com/en/actions/reference/workflows-and-actions/variables
    root = os.environ.get("GITHUB_WORKSPACE") or None
    cwd = os.getcwd()
    match fmt:
        case "json":
            return report.to_json(diagnostics, urls)
        case "github":
            # Only a rule's own page is worth a line in every annotation; the README is one link.
            own = {code: doc.source_url for code, doc in docs.items() if doc.source_url}
            return report.to_github(diagnostics, own, cwd=cwd, root=root)
        case "sarif":
            return report.to_sarif(diagnostics, docs, cwd=cwd, root=root)
        case _:
            body = report.to_text(diagnostics, colour=use_colour())
            summary = report.summary_line(diagnostics, file)
            return f"{body}\n{summary}" if body else summary


@click.command()
@CATALOGUE
@format_option(
    "text",
    "json",
    "github",
    "sarif",
    default=_default_format,
    help="github is chosen automatically under GitHub Actions.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info"]),
    default="error",
    show_default=True,
    help="Lowest severity that makes the exit code 1.",
)
def validate(catalogue: Path, fmt: str, fail_on: str) -> None:
    """Check CATALOGUE (default jobs.yaml) offline: schema, schedules, limits, handlers."""
    from scheduler.app.check import validate as run
    from scheduler.diagnostics import Severity

    found = run(catalogue, now=datetime.now(UTC))
    click.echo(render_diagnostics(found, fmt, str(catalogue)))
    threshold = Severity.parse(fail_on)
    failing = any(d.severity >= threshold for d in found if d.suppressed is None)
    raise SystemExit(EXIT_FINDINGS if failing else EXIT_OK)


@click.command()
@click.argument("code", required=False)
def rules(code: str | None) -> None:
    """List every diagnostic code, or explain CODE with a failing and a passing example."""
    from scheduler.app.check import rule_docs

    docs = rule_docs()
    if code is None:
        for doc in docs.values():
            click.echo(f"{doc.code}  {doc.severity.label:<8} {doc.title}")
        return
    found = docs.get(code.upper())
    if found is None:
        raise UsageError(f"no rule {code}", "run `sched rules` to list every code")
    doc = found
    indent = "\n    "
    click.echo(f"{doc.code} ({doc.severity.label}): {doc.title}\n\n{doc.explanation}")
    if doc.failing:
        click.echo(f"\nFails:{indent}{doc.failing.replace(chr(10), indent)}")
    if doc.passing:
        click.echo(f"\nPasses:{indent}{doc.passing.replace(chr(10), indent)}")
    if doc.suppressible:
        click.echo(f'\nWhere intended, silence it on the job: ignore: {{{doc.code}: "why"}}')
    click.echo(f"\nDocs: {doc.url}")


@click.command()
def schema() -> None:
    """Print the JSON Schema of the catalogue, for editors and CI."""
    from scheduler.app.check import catalogue_schema

    click.echo(json.dumps(catalogue_schema(), indent=2))


@click.command(name="next")
@click.argument(
    "queries", nargs=-1, metavar="[JOB|EXPRESSION]... [CATALOGUE]", shell_complete=complete_jobs
)
@with_catalogue(among="queries", must_exist=False)
@view_env_option
@click.option("--from", "start", help="ISO time to start from (default: now).")
@click.option("--count", "-n", default=5, show_default=True, type=click.IntRange(1, 1000))
@click.option("--tz", help="Show times in this IANA zone instead of the job's.")
@format_option("text", "json")
def next_(
    queries: tuple[str, ...],
    catalogue: Path,
    start: str | None,
    count: int,
    tz: str | None,
    fmt: str,
) -> None:
    """When do JOBs or EXPRESSIONs fire next? e.g. sched next 'cron(0 2 ? * MON *)'.

    JOBs are those of the catalogue, the argument that ends in .yaml or .yml (default
    jobs.yaml): sched next log-backup ops/jobs.yaml; with --env, as the environment's merged
    catalogue schedules them.
    """
    from scheduler.app.check import upcoming
    from scheduler.report import upcoming as report

    after = parse_instant(start, "--from") if start else datetime.now(UTC)
    environment = chosen_environment()[1]
    found = upcoming(queries, catalogue, after=after, count=count, tz=tz, environment=environment)
    if found is None:
        raise UsageError(
            f"no expression given and no catalogue at {catalogue}",
            "pass an expression, e.g. sched next 'rate(1 hour)', or the catalogue's path",
        )
    items = found.items
    # Bare expressions owe nothing to the catalogue: no note, no header for them alone.
    known = found.catalogue if any(item.job is not None for item in items) else None
    if known is not None:
        as_written_note(known.environments)
    if fmt == "json":
        click.echo(report.to_json(items))
    else:
        header = scope_header(known) if known is not None else []
        click.echo("\n".join([*header, report.to_text(items)]))
    raise SystemExit(EXIT_USAGE if any(i.error for i in items) else EXIT_OK)


@click.command()
@click.argument("job", shell_complete=complete_jobs)
@CATALOGUE
@view_env_option
@click.option("--account", help="Account for ARNs (default: the environment's, else 123456789012).")
@click.option("--region", help="Region for ARNs (default: the environment's, else us-east-1).")
@format_option("text", "json")
def permissions(
    job: str, catalogue: Path, account: str | None, region: str | None, fmt: str
) -> None:
    """What JOB's own role may do (offline), each statement with the line it came from; with
    --env, the role of the environment's merged catalogue, in its account and region."""
    from scheduler.app.check import permissions as compute
    from scheduler.cli.deploy import checked_catalogue
    from scheduler.report import permissions as report

    checked = checked_catalogue(catalogue, "no role was computed")
    environment = checked.catalogue.environment
    account = account or (environment.account if environment else "123456789012")
    region = region or (environment.region if environment else "us-east-1")
    found = compute(checked, job, account=account, region=region)
    if fmt == "json":
        click.echo(report.to_json(found))
    else:
        click.echo("\n".join([*scope_header(checked.catalogue), report.to_text(found)]))


COMMANDS = (validate, rules, schema, next_, permissions)
