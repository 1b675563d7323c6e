"""Commands that deploy: `compile`, `plan`, `apply`, `destroy` and `local reset`."""

from __future__ import annotations

import shlex
import sys
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click

from scheduler.cli.common import (
    CATALOGUE,
    EXIT_AWS,
    EXIT_CHANGES,
    EXIT_FINDINGS,
    EXIT_INTERRUPTED,
    EXIT_OK,
    WholeHelpGroup,
    as_written_note,
    chosen_environment,
    ctrl_c_asks,
    declared_environment,
    env_option,
    format_option,
    remember_environment,
    settle,
    shown_path,
    terminal_width,
    use_colour,
)
from scheduler.cli.questions import confirmed, typed
from scheduler.errors import UsageError

if TYPE_CHECKING:
    from scheduler.app.check import Checked
    from scheduler.app.connect import Connection
    from scheduler.app.deploy import HeldLock, LogGroupLeft, Planned
    from scheduler.aws import AwsContext
    from scheduler.catalogue.model import Catalogue
    from scheduler.cli.rename import Notice
    from scheduler.package import PackageRef


def aws_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """--local / --profile / --region / --env, shared by every command that talks to AWS."""
    command = env_option(command)
    command = click.option(
        "--region", envvar="AWS_REGION", help="AWS region (default: the profile's)."
    )(command)
    command = click.option("--profile", envvar="AWS_PROFILE", help="AWS profile to use.")(command)
    return click.option(
        "--local",
        is_flag=True,
        help="Use the embedded local AWS (moto; or SCHED_LOCAL=1), kept under "
        ".sched/local-ENV/ for --env ENV, else .sched/local/.",
    )(command)


def connection(local: bool, profile: str | None, region: str | None) -> Connection:
    """Where the command's AWS is: with an environment, the one the checked catalogue declares
    (its account and region), or at least its name (its own local AWS)."""
    from scheduler.app.connect import Connection
    from scheduler.catalogue.model import Environment

    declared = declared_environment()
    if isinstance(declared, Environment):
        return Connection.from_options(local, profile, region, declared)
    return Connection.from_options(local, profile, region, chosen_environment()[1])


def checked_catalogue(
    path: Path, consequence: str = "nothing was sent to AWS", *, findings_in_full: bool = True
) -> Checked:
    """Validate before anything reaches AWS; errors are printed, then the command stops. A
    command with --env gets the catalogue of that environment (one must be chosen when the
    catalogue declares any); one without, the catalogue as written. Without `findings_in_full`
    (commands that only read what ran) warnings are counted in one line, not listed again."""
    from scheduler.app.check import check
    from scheduler.diagnostics import active
    from scheduler.errors import CatalogueHasErrors
    from scheduler.report.diagnostics import summary_line, to_text

    takes, environment = chosen_environment()
    try:
        checked = check(
            path, now=datetime.now(UTC), consequence=consequence, environment=environment,
            choose=takes,
        )  # fmt: skip
    except CatalogueHasErrors as failed:
        click.echo(to_text(failed.diagnostics, colour=use_colour()), err=True)
        raise
    shown = active(checked.diagnostics)
    if shown and findings_in_full:
        click.echo(to_text(shown, colour=use_colour()), err=True)
    elif shown:
        validate = shlex.join(["sched", "validate", str(path)])
        click.echo(f"{summary_line(shown, str(path))}; `{validate}` lists them", err=True)
    remember_environment(checked.catalogue.environment)
    as_written_note(checked.catalogue.environments)
    return checked


def where(aws: AwsContext) -> str:
    if aws.local:
        return f"local AWS (moto; account {aws.account}, {aws.region})"
    return f"AWS account {aws.account} in {aws.region}"


def show_plan(
    planned: Planned,
    aws: AwsContext,
    fmt: str,
    notice: Notice | None = None,
    *,
    destroy: bool = False,
) -> None:
    """The plan; with `notice`, what it found of the catalogue's old names after it. A
    `destroy` with nothing to delete says that nothing sched owns is left there."""
    from scheduler.app.deploy import changed_packages, code_diffs, resource_jobs
    from scheduler.report import plan as report
    from scheduler.report import quotas

    if fmt == "json":
        data = quotas.to_data(planned.quotas)
        extra = {"quotas": data} if data is not None else None
        document = report.to_json(planned.plan, jobs=resource_jobs(planned), extra=extra)
        click.echo(document if notice is None else notice.json(document))
        return

    header = f"Catalogue {planned.catalogue.name}{_of(planned.catalogue)} → {where(aws)}"
    text = report.to_text(
        planned.plan,
        header=header,
        colour=use_colour(),
        width=terminal_width(),
        jobs=resource_jobs(planned),
        packages=changed_packages(planned),
        diffs=code_diffs(planned),
        unchanged=_nothing_left(planned.catalogue) if destroy else None,
    )
    click.echo(text)
    if planned.quotas is not None:
        found = quotas.to_text(planned.quotas, colour=use_colour(), width=terminal_width())
        if found:
            click.echo("\n" + found)
    for line in notice.lines() if notice is not None else ():
        click.echo(line)


def _nothing_left(catalogue: Catalogue) -> str:
    name = catalogue.environment_name
    where = "" if name is None else f" in environment {name}"
    return f"Nothing to destroy: nothing sched owns is left of catalogue {catalogue.name}{where}."


def _of(catalogue: Catalogue) -> str:
    name = catalogue.environment_name
    return "" if name is None else f", environment {name}"


@click.command(name="compile")
@CATALOGUE
@env_option
@click.option("--account", help="Account for ARNs (default: the environment's, else 123456789012).")
@click.option("--region", help="Region for ARNs (default: the environment's, else us-east-1).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json"]),
    default="json",
    hidden=True,
    help="Accepted for old scripts: the output is always JSON.",
)
@click.option(
    "--list-packages",
    is_flag=True,
    help="Instead, list the files in each job's zip and the credential-looking ones left out.",
)
def compile_(
    catalogue: Path, account: str | None, region: str | None, fmt: str, list_packages: bool
) -> None:
    """Print the AWS resources CATALOGUE compiles to (offline; packages the job code); with
    --env, the environment's merged catalogue."""
    from scheduler.app.deploy import build_packages, desired_state
    from scheduler.compile import desired_state_to_json

    checked = checked_catalogue(catalogue, "nothing was compiled")
    if list_packages:
        _list_packages(build_packages(checked.catalogue))
        return
    environment = checked.catalogue.environment
    account = account or (environment.account if environment else "123456789012")
    region = region or (environment.region if environment else "us-east-1")
    state = desired_state(checked.catalogue, account=account, region=region)
    click.echo(desired_state_to_json(state))


def _list_packages(packages: Mapping[str, PackageRef]) -> None:
    """Per job, the names read back from its built zip, then what packaging left out."""
    from scheduler.package import archive_names

    for job, ref in packages.items():
        names = archive_names(ref.path)
        click.echo(f"{job}: {len(names)} file{'s' * (len(names) != 1)}")
        for name in names:
            click.echo(f"  {name}")
        if ref.left_out:
            click.echo(f"  left out: {', '.join(ref.left_out)}")


@click.command()
@CATALOGUE
@aws_options
@format_option("text", "json")
@click.option(
    "--detailed-exitcode", is_flag=True, help="Exit 4 when there are changes (drift in CI)."
)
def plan(
    catalogue: Path,
    local: bool,
    profile: str | None,
    region: str | None,
    fmt: str,
    detailed_exitcode: bool,
) -> None:
    """Show what `apply` would change in AWS for CATALOGUE (default jobs.yaml)."""
    from scheduler.app import connect, deploy
    from scheduler.cli.rename import elsewhere, notice

    checked = checked_catalogue(catalogue)
    where = connection(local, profile, region)
    older = elsewhere(catalogue, checked.catalogue, where)
    with connect.connect(where, catalogue) as aws:
        planned = deploy.plan(checked.catalogue, aws)
        found = notice(catalogue, planned, aws, where, older)
    show_plan(planned, aws, fmt, found)
    if detailed_exitcode and planned.plan.has_changes:
        raise SystemExit(EXIT_CHANGES)


def _confirm_deletions(planned: Planned, yes: bool, what: str) -> None:
    from scheduler.report.plan import deletions

    doomed = deletions(planned.plan)
    if not doomed or yes:
        return
    question = f"{what} deletes {len(doomed)} resource(s) that sched created. Go ahead?"
    if not sys.stdin.isatty():
        raise UsageError(
            f"{what} deletes {len(doomed)} resource(s); refusing without --yes in a "
            "non-interactive run",
            "review the plan, then run again with --yes",
        )
    if not confirmed(question):
        click.echo("Nothing was changed.")
        raise SystemExit(EXIT_FINDINGS)


def _confirm_destroy(planned: Planned, yes: bool) -> None:
    """As Terraform asks for `yes`: the catalogue's name typed back, or --yes."""
    name = planned.catalogue.name
    confirm_typed_name(
        planned,
        yes,
        verb="destroy",
        of=f"catalogue {name}",
        asked="the catalogue's name",
        name=name,
    )


def confirm_typed_name(
    planned: Planned, yes: bool, *, verb: str, of: str, asked: str, name: str
) -> None:
    """Go ahead with `verb`'s deletions only when `name` is typed back at a terminal, or with
    --yes; refuse without --yes when not at a terminal. `of` names whose resources they are in
    the refusal, `asked` what is to be typed in the question."""
    from scheduler.report.plan import deletions

    count = len(deletions(planned.plan))
    if yes:
        return
    if not sys.stdin.isatty():
        raise UsageError(
            f"{verb} deletes {count} resource(s) of {of}; refusing without --yes "
            "in a non-interactive run",
            "review the plan, then run again with --yes",
        )
    answer = typed(
        f"{verb.capitalize()} deletes {count} resource(s). Type {asked} ({name}) to go ahead"
    )
    if answer.strip() != name:
        click.echo("Nothing was changed.")
        raise SystemExit(EXIT_FINDINGS)


def _execute(planned: Planned, aws: AwsContext, lock: HeldLock, verb: str = "Apply") -> int:
    from scheduler.app import deploy
    from scheduler.apply import StopRequest
    from scheduler.report import plan as report

    started = time.monotonic()
    total = len(planned.plan.pending)
    finished = 0
    # Only at a terminal: a status line rewritten in place would garble a log or a pipe.
    status_line = sys.stderr.isatty()

    def on_progress(change: Any, status: str) -> None:
        nonlocal finished
        # What was skipped is listed once, in the summary: it is not something that happened.
        if status in ("started", "skipped"):
            return
        finished += 1
        if status_line:
            click.echo("\r\x1b[K", nl=False, err=True)
        click.echo(report.progress_line(change, status))
        if status_line:
            line = report.eta_line(finished, total, time.monotonic() - started)
            click.echo(line, nl=False, err=True)

    click.echo("")
    stop = StopRequest()
    with ctrl_c_asks(stop.request):
        result = deploy.apply(
            planned,
            aws,
            on_progress=on_progress,
            on_interrupt=lambda running: click.echo(report.interrupted_line(running), err=True),
            lock=lock,
            stop=stop,
        )
        settle()
    try:
        if status_line:
            click.echo("\r\x1b[K", nl=False, err=True)
        click.echo("")
        summary = report.result_summary(result, seconds=time.monotonic() - started, verb=verb)
        click.echo(summary, err=not result.ok)
    except KeyboardInterrupt:
        # Only where sched is not its own process (`settle`): the changes were made, so this
        # must not read as an interrupt before any change.
        raise SystemExit(EXIT_INTERRUPTED) from None
    if result.interrupted:
        return EXIT_INTERRUPTED
    return EXIT_OK if result.ok else EXIT_AWS


def _before_any_change(verb: str, code: int | None) -> NoReturn:
    """A Ctrl-C that stopped the command before its apply wrote anything (while it read,
    planned or asked) says so. `code` is the apply's, when it had already ended: then only
    where sched is not its own process (`settle`), and nothing is said of what was changed."""
    from scheduler.report.plan import nothing_changed_line

    if code is None:
        click.echo(nothing_changed_line(verb), err=True)
    raise SystemExit(EXIT_INTERRUPTED)


def _carry_out(
    planned: Planned,
    aws: AwsContext,
    lock: HeldLock,
    *,
    yes: bool,
    what: str,
    notice: Notice | None = None,
) -> int:
    """Show the plan, confirm its deletions, apply it: the exit code. With `notice`, an old
    name of the catalogue still deployed refuses it (`Notice.refuse`)."""
    from scheduler.app.deploy import refuse_collisions, refuse_quotas

    show_plan(planned, aws, "text", notice, destroy=what == "Destroy")
    if not planned.plan.has_changes:
        return EXIT_OK
    refuse_collisions(planned)
    refuse_quotas(planned)
    if notice is not None:
        notice.refuse()
    if what == "Destroy":
        _confirm_destroy(planned, yes)
    else:
        _confirm_deletions(planned, yes, what)
    return _execute(planned, aws, lock, verb="Destroy" if what == "Destroy" else "Apply")


# `sched apply --keep-old-scopes` (see scheduler.cli.rename.Notice.refuse).
KEEP_OLD_OPTION = click.option(
    "--keep-old-scopes",
    is_flag=True,
    help="Apply although an older name of this catalogue still runs its jobs (both fire until "
    "it is pruned), or when what plan takes for an old name is another catalogue.",
)

FORCE_UNLOCK = click.option(
    "--force-unlock",
    is_flag=True,
    help="Take the catalogue's apply lock even if another apply holds it (only when that apply "
    "was killed: a lock otherwise expires an hour after it was taken).",
)


@click.command()
@CATALOGUE
@aws_options
@click.option("--yes", "-y", is_flag=True, help="Do not ask before deleting (for CI).")
@FORCE_UNLOCK
@KEEP_OLD_OPTION
def apply(
    catalogue: Path,
    local: bool,
    profile: str | None,
    region: str | None,
    yes: bool,
    force_unlock: bool,
    keep_old_scopes: bool,
) -> None:
    """Validate, plan and apply CATALOGUE: create, update and prune what it owns."""
    from scheduler.app import connect, deploy
    from scheduler.cli.rename import elsewhere, notice
    from scheduler.report.diagnostics import summary_line

    code: int | None = None
    try:
        checked = checked_catalogue(catalogue)
        click.echo(summary_line(checked.diagnostics, str(catalogue)) + "\n")
        where = connection(local, profile, region)
        older = elsewhere(catalogue, checked.catalogue, where)
        with (
            connect.connect(where, catalogue) as aws,
            deploy.locked(
                checked.catalogue, aws, now=datetime.now(UTC), force=force_unlock
            ) as lock,
        ):
            planned = deploy.plan(checked.catalogue, aws)
            found = notice(catalogue, planned, aws, where, older)
            if keep_old_scopes:
                found = found.kept()
            code = _carry_out(planned, aws, lock, yes=yes, what="This plan", notice=found)
    except KeyboardInterrupt:
        _before_any_change("Apply", code)
    raise SystemExit(code)


@click.command()
@CATALOGUE
@aws_options
@click.option("--yes", "-y", is_flag=True, help="Do not ask to type the catalogue's name (for CI).")
@click.option(
    "--delete-logs",
    is_flag=True,
    help="Also delete the jobs' log groups sched created, and the default groups the deleted "
    "functions logged to before, with their logs; others are left.",
)
@FORCE_UNLOCK
def destroy(
    catalogue: Path,
    local: bool,
    profile: str | None,
    region: str | None,
    yes: bool,
    delete_logs: bool,
    force_unlock: bool,
) -> None:
    """Delete everything CATALOGUE owns in AWS (only resources sched created), and say which
    log groups are left."""
    from scheduler.app import connect, deploy

    code: int | None = None
    try:
        checked = checked_catalogue(catalogue)
        with (
            connect.connect(connection(local, profile, region), catalogue) as aws,
            deploy.locked(
                checked.catalogue, aws, now=datetime.now(UTC), force=force_unlock
            ) as lock,
        ):
            planned = deploy.plan(checked.catalogue, aws, destroy=True)
            code = _carry_out(planned, aws, lock, yes=yes, what="Destroy")
            if code == EXIT_OK:
                _say_what_is_left(deploy.log_groups_left(planned, aws, delete=delete_logs))
    except KeyboardInterrupt:
        _before_any_change("Destroy", code)
    raise SystemExit(code)


def _say_what_is_left(groups: list[LogGroupLeft]) -> None:
    from scheduler.report.style import wrap

    def named(names: list[str]) -> str:
        noun = "log group" if len(names) == 1 else "log groups"
        return f"{noun} {', '.join(names)}, with {'its' if len(names) == 1 else 'their'} logs"

    deleted = [g.name for g in groups if g.deleted]
    ours = [g.name for g in groups if g.ours and not g.legacy and not g.deleted]
    lambdas = [g.name for g in groups if not g.ours or (g.legacy and not g.deleted)]
    texts = []
    if deleted:
        texts.append(f"deleted: {named(deleted)}")
    if ours:
        texts.append(f"left: {named(ours)} (sched destroy --delete-logs deletes those)")
    if lambdas:
        texts.append(
            f"left: {named(lambdas)} (created by Lambda on a first run, not by sched, which"
            " deletes those only with the function they belong to, in destroy --delete-logs;"
            " aws logs delete-log-group --log-group-name NAME does)"
        )
    for text in texts:
        for line in wrap(text, terminal_width(), hang="  "):
            click.echo(line)


@click.group(cls=WholeHelpGroup)
def local() -> None:
    """Manage the embedded local AWS (moto) kept under .sched/local-ENV/ (for --env ENV)."""


@local.command()
@CATALOGUE
@env_option
@click.option("--yes", "-y", is_flag=True, help="Do not ask before wiping (for scripts).")
def reset(catalogue: Path, yes: bool) -> None:
    """Wipe the local AWS state of CATALOGUE's folder; start again from local-data.yaml.

    Everything applied, run and logged locally goes; it asks first, unless --yes.
    """
    from scheduler.app.check import require_environment
    from scheduler.app.connect import local_dir, reset_local

    environment = chosen_environment()[1]
    require_environment(catalogue, environment)
    directory = shown_path(local_dir(catalogue, environment))
    if not yes:
        what = f"wipe the local AWS in {directory} (what was applied, runs, logs and data)"
        if not sys.stdin.isatty():
            raise UsageError(
                f"sched local reset would {what}; refusing without --yes in a non-interactive run",
                "run again with --yes",
            )
        if not confirmed(f"{what[0].upper()}{what[1:]}?"):
            click.echo("Nothing was wiped.")
            raise SystemExit(EXIT_FINDINGS)
    done = reset_local(catalogue, environment)
    click.echo(f"local AWS state wiped ({directory})")
    if done.loaded is not None:
        click.echo(f"local AWS created from {shown_path(done.data_file)}: {done.loaded.summary()}")


COMMANDS = (compile_, plan, apply, destroy, local)
