"""Exit codes, error printing and output helpers shared by every command.

Exit codes (the one table):
    0 ok · 1 findings at or above --fail-on · 2 usage or bad input · 3 AWS or apply failure
    4 `plan --detailed-exitcode` found changes · 130 interrupted (Ctrl-C)
    141 stdout closed before the output ended (`sched rules | head -1`), as for a program that
        SIGPIPE stops (128 + 13), like git and ls
"""

from __future__ import annotations

import contextlib
import functools
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO, overload

import click

from scheduler.errors import UsageError, UserError
from scheduler.report.style import WIDTH

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

    from scheduler.app.connect import Connection
    from scheduler.catalogue.model import Catalogue
    from scheduler.report.commands import Commands

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_AWS = 3
EXIT_CHANGES = 4
EXIT_INTERRUPTED = 130
EXIT_BROKEN_PIPE = 141


class _Settled:
    """Whether this is the `sched` process itself (`main`), whose SIGINT handling may change for
    good, rather than a test runner invoking the commands in its own process."""

    own_process = False


def own_process() -> None:
    _Settled.own_process = True


def settle() -> None:
    """The exit status is decided (an apply's summary is about to be printed): a Ctrl-C from
    now on, while the local AWS's state is saved or the lock released, must not change it."""
    if _Settled.own_process and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextlib.contextmanager
def ctrl_c_asks(stop: Callable[[], None]) -> Iterator[None]:
    """While an apply writes, in the `sched` process itself: a Ctrl-C calls `stop` instead of
    raising KeyboardInterrupt wherever the main thread happens to be (which could lose a change
    being recorded), and a second Ctrl-C only asks again, so the apply still ends with its
    summary. The handler before is put back on the way out, unless `settle` replaced it."""
    if not (_Settled.own_process and threading.current_thread() is threading.main_thread()):
        yield
        return

    def asked(signum: int, frame: object) -> None:
        stop()

    before = signal.signal(signal.SIGINT, asked)
    try:
        yield
    finally:
        if signal.getsignal(signal.SIGINT) is asked:
            signal.signal(signal.SIGINT, before)


CATALOGUE_ENV = "SCHED_CATALOGUE"
DEFAULT_CATALOGUE = "jobs.yaml"
CATALOGUE_SUFFIXES = (".yaml", ".yml")
LEGACY_CATALOGUE = "legacy_catalogue"


Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


@overload
def with_catalogue(command: Callable[..., Any]) -> Callable[..., Any]: ...


@overload
def with_catalogue(
    *, among: str | None = None, must_exist: bool = True, legacy: bool = True
) -> Decorator: ...


def with_catalogue(
    command: Callable[..., Any] | None = None,
    *,
    among: str | None = None,
    must_exist: bool = True,
    legacy: bool = True,
) -> Callable[..., Any] | Decorator:
    """Every command's catalogue, one convention: a positional `[CATALOGUE]` (default
    `$SCHED_CATALOGUE`, else `jobs.yaml`), and `-c` kept as a deprecated alias for one release.

    Apply it right under the command's own arguments: the catalogue comes after them
    (`sched run JOB [CATALOGUE]`). A command whose arguments are many (`among`, e.g. history's
    JOBs) takes the one ending in .yaml or .yml as the catalogue: job names cannot contain a
    dot (`limits.NAME_PATTERN`). The callback receives `catalogue` as a resolved Path.
    `legacy`: the command had -c before, so keeps it for a release.
    """

    def decorate(callback: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(callback)
        def resolved(*args: Any, **kwargs: Any) -> Any:
            old = kwargs.pop(LEGACY_CATALOGUE, None)
            given = None if among is not None else kwargs.pop("catalogue")
            if among is not None:
                kwargs[among], given = split_catalogue(kwargs[among])
            elif _swapped(kwargs.get("job"), given):
                kwargs["job"], given = str(given), Path(kwargs["job"])
            kwargs["catalogue"] = resolve_catalogue(given, old, must_exist=must_exist)
            return callback(*args, **kwargs)

        if legacy:
            resolved = click.option(
                "--catalogue",
                "-c",
                LEGACY_CATALOGUE,
                type=click.Path(path_type=Path),
                help="Deprecated alias of the CATALOGUE argument, removed in the next release.",
            )(resolved)
        if among is None:
            resolved = click.argument("catalogue", required=False, type=click.Path(path_type=Path))(
                resolved
            )
        return resolved

    return decorate if command is None else decorate(command)


GROUP_CATALOGUE = "--catalogue-argument"


def group_catalogue(command: Callable[..., Any]) -> Callable[..., Any]:
    """The catalogue options of a `CatalogueGroup` (the hidden argument and -c); the callback
    still receives `catalogue` and `legacy_catalogue`, to resolve when it runs itself."""
    command = click.option(
        "--catalogue",
        "-c",
        LEGACY_CATALOGUE,
        type=click.Path(path_type=Path),
        help="Deprecated alias of the CATALOGUE argument, removed in the next release.",
    )(command)
    return click.option(GROUP_CATALOGUE, "catalogue", type=click.Path(path_type=Path), hidden=True)(
        command
    )


# The positional catalogue alone, on the commands that never had -c (validate, compile, plan,
# apply, destroy, permissions, local reset).
CATALOGUE = with_catalogue(legacy=False)


def names_catalogue(value: str) -> bool:
    return value.lower().endswith(CATALOGUE_SUFFIXES)


def _swapped(job: object, given: Path | None) -> bool:
    """`sched logs jobs.yaml log-backup`: the catalogue came first. A job name holds no dot,
    so a JOB ending in .yaml is the catalogue, and the other argument the job."""
    return (
        isinstance(job, str)
        and names_catalogue(job)
        and given is not None
        and not names_catalogue(given.name)
    )


def split_catalogue(values: tuple[str, ...]) -> tuple[tuple[str, ...], Path | None]:
    """(the other arguments, the catalogue) from arguments one of which may be the catalogue."""
    named = [value for value in values if names_catalogue(value)]
    if len(named) > 1:
        raise UsageError(
            f"two catalogues given: {named[0]} and {named[1]}", "give one catalogue per command"
        )
    rest = tuple(value for value in values if not names_catalogue(value))
    return rest, Path(named[0]) if named else None


def resolve_catalogue(given: Path | None, legacy: Path | None, *, must_exist: bool) -> Path:
    """The catalogue to use; a missing file or a folder is bad input (exit 2), said once,
    before any AWS."""
    if legacy is not None:
        if given is not None and given != legacy:
            raise UsageError(
                f"two catalogues given: {given} and -c {legacy}",
                "give one, as the CATALOGUE argument",
            )
        usage = click.get_current_context().command_path
        click.echo(
            "warning: -c/--catalogue is deprecated and goes in the next release; give the "
            f"catalogue as the CATALOGUE argument (see {usage} --help)",
            err=True,
        )
    path = given or legacy or Path(os.environ.get(CATALOGUE_ENV) or DEFAULT_CATALOGUE)
    if path.is_dir():  # as wrong a path as a missing file: the same exit, before any reading
        inside = path / DEFAULT_CATALOGUE
        raise UsageError(
            f"{path} is a folder, not a catalogue file",
            f"give the catalogue's YAML file itself: {inside}"
            if inside.is_file()
            else "give the catalogue's YAML file itself; without a CATALOGUE argument sched "
            f"reads {DEFAULT_CATALOGUE} in the current folder",
        )
    if must_exist and not path.exists():
        raise UsageError(
            f"no catalogue at {path}",
            f"run sched in the folder that holds {DEFAULT_CATALOGUE}, give its path as the "
            f"CATALOGUE argument, or set {CATALOGUE_ENV}",
        )
    return path


def hint_commands(catalogue: Path, where: Connection) -> Commands:
    """The commands a hint prints, pointed where this one is (see `report.commands`)."""
    from scheduler.report.commands import Commands

    default = Path(os.environ.get(CATALOGUE_ENV) or DEFAULT_CATALOGUE)
    return Commands(
        catalogue=None if catalogue == default else str(catalogue),
        local=where.local,
        profile=where.profile,
        region=where.region,
        environment=where.environment,
    )


ENV_VAR = "SCHED_ENV"
_CHOSEN = "sched.environment"  # click's context meta: the --env of the running command
_DECLARED = "sched.declared-environment"  # ... and the environment as the catalogue declares it
_OPTIONAL = "sched.optional-environment"  # ... which it may go without (`view_env_option`)


def env_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """--env NAME (default $SCHED_ENV): which of the catalogue's environments the command works
    on. A command with it refuses a catalogue with environments when none is given: sched never
    guesses one (`scheduler.app.check.check`)."""
    return _env_option(command, "required when it declares environments.", optional=False)


def view_env_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """--env NAME (default $SCHED_ENV) of an offline command that only shows the catalogue
    (cost, peaks, next, permissions): with one, the environment's merged catalogue; without,
    the catalogue as written, which reads fine for a catalogue with environments too (a note
    says so: `as_written_note`)."""
    return _env_option(command, "default: the catalogue as written.", optional=True)


def _env_option(command: Callable[..., Any], default: str, *, optional: bool) -> Callable[..., Any]:
    @functools.wraps(command)
    def chosen(*args: Any, **kwargs: Any) -> Any:
        meta = click.get_current_context().meta
        meta[_CHOSEN] = kwargs.pop("env") or None
        meta[_OPTIONAL] = optional
        return command(*args, **kwargs)

    return click.option(
        "--env",
        "env",
        envvar=ENV_VAR,
        metavar="NAME",
        help=f"The catalogue's environment to work on (or {ENV_VAR}); {default}",
    )(chosen)


def chosen_environment() -> tuple[bool, str | None]:
    """Whether the running command needs an environment when the catalogue declares any (it
    takes --env, and not as `view_env_option`), and the environment it was given."""
    meta = click.get_current_context().meta
    return _CHOSEN in meta and not meta.get(_OPTIONAL, False), meta.get(_CHOSEN)


def as_written_note(declared: tuple[str, ...]) -> None:
    """Under `view_env_option` with no --env, on a catalogue that declares environments: one
    line (on stderr, so JSON output stays JSON) saying what is shown and how to see one."""
    meta = click.get_current_context().meta
    if declared and meta.get(_OPTIONAL) and meta.get(_CHOSEN) is None:
        click.echo(
            f"note: showing the catalogue as written; --env {'|'.join(declared)} for an "
            "environment",
            err=True,
        )


def remember_environment(environment: object) -> None:
    """The environment the checked catalogue declares (account, region), for `connection`."""
    click.get_current_context().meta[_DECLARED] = environment


def declared_environment() -> object:
    return click.get_current_context().meta.get(_DECLARED)


def scope_header(catalogue: Catalogue) -> list[str]:
    """The lines an offline command's text starts with when it shows an environment's merged
    catalogue (none for the catalogue as written, whose output stays as it was)."""
    if catalogue.environment_name is None:
        return []
    return [f"Catalogue {catalogue.name}, environment {catalogue.environment_name}", ""]


def format_option(*choices: str, default: Any = "text", help: str = "") -> Decorator:
    """--format, with its choices in its help (`help` says anything more)."""
    text = f"Output format: {', '.join(choices)}." + (f" {help}" if help else "")
    return click.option(
        "--format", "fmt", type=click.Choice(list(choices)), default=default, help=text
    )


def complete_jobs(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    """Shell completion of a JOB argument: the names in the catalogue given so far (else
    $SCHED_CATALOGUE, else jobs.yaml here), with each one's description as help (zsh and fish
    show it). Never fails: a catalogue that does not load completes nothing."""
    from click.shell_completion import CompletionItem

    from scheduler.app.check import job_names

    among = (v for values in ctx.params.values() if isinstance(values, tuple) for v in values)
    given = (
        ctx.params.get("catalogue")
        or ctx.params.get(LEGACY_CATALOGUE)
        or next((v for v in among if isinstance(v, str) and names_catalogue(v)), None)
    )
    catalogue = given or os.environ.get(CATALOGUE_ENV) or DEFAULT_CATALOGUE
    return [
        CompletionItem(name, help=description or None)
        for name, description in job_names(Path(catalogue))
        if name.startswith(incomplete)
    ]


def shown_path(path: Path) -> Path:
    """`path` as a user reads it: relative to the working folder when it is under it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def use_colour() -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def terminal_width(stream: TextIO | None = None) -> int:
    """The terminal's width when `stream` (stdout) is one; else the fixed WIDTH (100), so that
    pipes, CI logs and tests get the same text whatever the terminal around them."""
    out = sys.stdout if stream is None else stream
    if not out.isatty():
        return WIDTH
    import shutil  # with bz2 and lzma: imported by the commands that need a width only

    return shutil.get_terminal_size((WIDTH, 24)).columns


def parse_instant(text: str, option: str) -> datetime:
    """An ISO time from the command line (`Z` allowed; no zone means UTC)."""
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(
            f"{option} {text!r} is not an ISO time", "write it like 2026-11-30T02:00:00Z"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def error_line(message: str, hint: str = "") -> None:
    click.echo(f"error: {message}", err=True)
    if hint:
        click.echo(f"  hint: {hint}", err=True)


def _stdout_closed() -> None:
    """Point stdout at /dev/null: Python flushes it at exit, and that flush would fail again on
    the closed pipe (https://docs.python.org/3/library/signal.html#note-on-sigpipe)."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a file (a test runner's capture)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)


class WholeHelpGroup(click.Group):
    """A group whose help lists its commands' summaries whole (click clips them with "...")."""

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=10_000)))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


class SchedGroup(WholeHelpGroup):
    """A group that turns every failure into one clear line and the exit code it deserves."""

    def invoke(self, ctx: click.Context) -> Any:
        debug = "--debug" in sys.argv[1:] or bool((ctx.obj or {}).get("debug"))
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.exceptions.Abort):
            raise
        except BrokenPipeError:
            # Whoever read the output has gone (`| head`): not a failure of sched, so nothing is
            # said. botocore wraps the errors of its own sockets, so this is stdout.
            _stdout_closed()
            ctx.exit(EXIT_BROKEN_PIPE)
        except UserError as error:
            if debug:
                _print_traceback()
            for message, hint in error.lines():
                error_line(message, hint)
            ctx.exit(error.exit_code)
        except KeyboardInterrupt:
            error_line("interrupted")
            ctx.exit(EXIT_INTERRUPTED)
        except Exception as error:
            if debug:
                _print_traceback()
            error_line(
                f"unexpected {type(error).__name__}: {error}",
                "this is a bug in sched; run again with --debug and report the traceback",
            )
            ctx.exit(EXIT_AWS)


def _print_traceback() -> None:
    import traceback  # only ever needed on the way out with --debug

    traceback.print_exc()


class CatalogueGroup(WholeHelpGroup):
    """A command that runs itself (`sched alerts [CATALOGUE]`) and has subcommands (`sched alerts
    test CHANNEL [CATALOGUE]`): an optional argument would take a subcommand's name, so an
    argument ending in .yaml or .yml before the subcommand is the catalogue, given to the hidden
    `GROUP_CATALOGUE`."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        for at, value in enumerate(args):
            if value in self.commands:
                break
            if names_catalogue(value):
                args = [*args[:at], GROUP_CATALOGUE, *args[at:]]
                break
        return super().parse_args(ctx, args)

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        return [self.options_metavar or "", "[CATALOGUE]", self.subcommand_metavar or ""]
