"""Renames: the notice `plan` and `apply` print when an older name of the catalogue is still
deployed, with the exact commands that move its jobs, and `sched prune`, which deletes a whole
old scope without its catalogue file."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import click

from scheduler.cli.common import (
    EXIT_OK,
    chosen_environment,
    remember_environment,
    terminal_width,
    use_colour,
    with_catalogue,
)
from scheduler.cli.deploy import FORCE_UNLOCK, aws_options, confirm_typed_name, connection
from scheduler.errors import OldScopeRuns, UsageError

if TYPE_CHECKING:
    from scheduler.app.connect import Connection
    from scheduler.app.deploy import Planned
    from scheduler.app.rename import OldScopes
    from scheduler.aws import AwsContext
    from scheduler.catalogue.model import Catalogue
    from scheduler.scopes import Scope

KEEP_OLD = "--keep-old-scopes"


def _where(connection: Connection, catalogue: Path, *, always: bool) -> list[str]:
    """The arguments that point a command at the same AWS (and, locally, the same folder,
    which the catalogue's path names)."""
    from scheduler.report.commands import Commands

    shown = str(catalogue) if always or connection.local else None
    where = Commands(
        shown, connection.local, connection.profile, connection.region, connection.environment
    )
    return where.pointing()


def prune_command(scope: Scope, connection: Connection, catalogue: Path) -> str:
    words = ["sched", "prune", scope.catalogue]
    if scope.environment is not None:
        words += ["--environment", scope.environment]
    return shlex.join([*words, *_where(connection, catalogue, always=False)])


@dataclass(frozen=True)
class Notice:
    """What a plan says of the old scopes it found, with the commands for this connection."""

    olds: OldScopes
    prune: dict[Scope, str] = field(default_factory=dict)
    apply: str = ""
    keep: bool = False

    def kept(self) -> Notice:
        """The notice of `apply --keep-old-scopes`: said, never refusing."""
        return Notice(self.olds, self.prune, self.apply, keep=True)

    @classmethod
    def of(cls, olds: OldScopes, connection: Connection, catalogue: Path) -> Notice:
        def there(scope: Scope) -> Connection:
            # Found in another local AWS of the folder: its prune is pointed at that one.
            if scope not in olds.elsewhere:
                return connection
            return replace(connection, environment=olds.elsewhere[scope])

        prune = {o.scope: prune_command(o.scope, there(o.scope), catalogue) for o in olds.found}
        apply = shlex.join(["sched", "apply", *_where(connection, catalogue, always=True)])
        return cls(olds, prune, apply)

    def lines(self) -> list[str]:
        from scheduler.report import rename as report

        return report.to_lines(
            self.olds.found,
            self.prune,
            self.apply,
            searched=self.olds.searched,
            colour=use_colour(),
            width=terminal_width(),
        )

    def json(self, document: str) -> str:
        from scheduler.report import rename as report

        return report.to_json(
            document, self.olds.found, self.prune, self.apply, searched=self.olds.searched
        )

    def refuse(self) -> None:
        """Raise `OldScopeRuns` when an old scope still runs the catalogue's jobs."""
        if self.keep or not self.olds.found:
            return
        old = self.olds.found[0]
        more = len(self.olds.found) - 1
        also = f" (and {more} more old name{'s' * (more != 1)})" if more else ""
        raise OldScopeRuns(
            f"{old.scope.label}, an older name of this catalogue{also}, still runs "
            f"{len(old.shared)} of its jobs; applying now would fire them twice, so nothing "
            "was changed",
            f"prune it first ({self.prune[old.scope]}), then apply again; or, if it is not an "
            f"old name of this catalogue, apply with {KEEP_OLD}",
        )


def elsewhere(catalogue_path: Path, catalogue: Catalogue, connection: Connection) -> OldScopes:
    """Locally, the old scopes in the folder's other local AWSs (an environment renamed): to
    be looked for before connecting (`scheduler.app.rename.find_old_scopes_elsewhere`)."""
    from scheduler.app.rename import find_old_scopes_elsewhere

    return find_old_scopes_elsewhere(catalogue, catalogue_path, connection)


def notice(
    catalogue_path: Path,
    planned: Planned,
    aws: AwsContext,
    connection: Connection,
    found_elsewhere: OldScopes | None = None,
) -> Notice:
    """Look for old scopes of the planned catalogue (one tag search) and word the notice, with
    those `found_elsewhere` (`elsewhere`)."""
    from scheduler.app.rename import find_old_scopes

    catalogue = planned.catalogue
    environment = catalogue.environment_name
    siblings = [name for name in catalogue.environments if name != environment]
    olds = find_old_scopes(catalogue, aws, environment=environment, siblings=siblings)
    if found_elsewhere is not None:
        olds = olds.beside(found_elsewhere)
    return Notice.of(olds, connection, catalogue_path)


def _confirm(planned: Planned, scope: Scope, yes: bool) -> None:
    """As destroy: the old scope's name typed back, or --yes."""
    typed_name = scope.catalogue if scope.environment is None else scope.environment
    what = "name" if scope.environment is None else "environment's name"
    confirm_typed_name(
        planned, yes, verb="prune", of=scope.label, asked=f"the old {what}", name=typed_name
    )


@click.command()
@click.argument("name")
@with_catalogue(must_exist=False, legacy=False)
@aws_options
@click.option(
    "--environment",
    help="Only what the old catalogue deployed for this environment (never read from SCHED_ENV).",
)
@click.option("--yes", "-y", is_flag=True, help="Do not ask to type the old name (for CI).")
@FORCE_UNLOCK
def prune(
    name: str,
    catalogue: Path,
    local: bool,
    profile: str | None,
    region: str | None,
    environment: str | None,
    yes: bool,
    force_unlock: bool,
) -> None:
    """Delete everything the old catalogue NAME owns in AWS, without its file (after a rename).

    Only resources sched created with NAME's tags (and, with --environment, that environment's
    tag) are deleted; CATALOGUE only says whose local AWS --local means.
    """
    from scheduler.app.rename import declared_environment

    chosen = chosen_environment()[1]
    if chosen is not None:
        remember_environment(declared_environment(catalogue, chosen))
    code = _prune(
        name,
        catalogue,
        environment,
        connection(local, profile, region),
        yes=yes,
        force_unlock=force_unlock,
    )
    raise SystemExit(code)


def _prune(
    name: str,
    catalogue: Path,
    environment: str | None,
    connection: Connection,
    *,
    yes: bool,
    force_unlock: bool,
) -> int:
    from scheduler.app import connect, deploy
    from scheduler.app.rename import live_scopes, plan_prune
    from scheduler.cli.deploy import _execute, where
    from scheduler.naming import scope_prefix
    from scheduler.report import plan as report
    from scheduler.scopes import Scope

    scope = Scope(name, environment)
    if scope in live_scopes(catalogue):
        words, also = "the catalogue", ""
        if environment is not None:
            words, also = f"environment {environment} of the catalogue", f" --env {environment}"
        raise UsageError(
            f"{name} is {words} in {catalogue}, not an old name",
            f"to delete what it owns, run sched destroy {catalogue}{also}",
        )
    with (
        connect.connect(connection, catalogue) as aws,
        deploy.locked_name(
            scope_prefix(name, environment), aws, now=datetime.now(UTC), force=force_unlock
        ) as lock,
    ):
        planned = plan_prune(scope, aws, catalogue)
        header = f"Old {scope.label} → {where(aws)}"
        if not planned.deployed.resources:
            _nothing(header, scope, aws, connection, catalogue)
            return EXIT_OK
        text = report.to_text(
            planned.plan,
            header=header,
            colour=use_colour(),
            width=terminal_width(),
            jobs=deploy.resource_jobs(planned),
        )
        click.echo(text)
        if not planned.plan.has_changes:
            return EXIT_OK
        _confirm(planned, scope, yes)
        return _execute(planned, aws, lock, verb="Prune")


def _nothing(
    header: str, scope: Scope, aws: AwsContext, connection: Connection, catalogue: Path
) -> None:
    """Nothing to prune; with no --environment, the prune of each of the name's environments
    that owns something here (a prune of the name alone leaves them)."""
    from scheduler.app.rename import environments_here
    from scheduler.scopes import Scope

    names = environments_here(scope.catalogue, aws) if scope.environment is None else ()
    outside = " outside its environments" if names else ""
    click.echo(f"{header}\n\nNothing to prune: {scope.label} owns nothing here{outside}.")
    for name in names:
        command = prune_command(Scope(scope.catalogue, name), connection, catalogue)
        click.echo(f"  hint: to prune its environment {name}: {command}")


COMMANDS = (prune,)
