"""Exit codes, error printing and output helpers shared by every command.

Exit codes (the one table):
    0 ok · 1 findings at or above --fail-on · 2 usage or bad input · 3 AWS or apply failure
    4 `plan --detailed-exitcode` found changes · 130 interrupted (Ctrl-C)
    141 stdout closed before the output ended (`sched rules | head -1`), as for a program that
        SIGPIPE stops (128 + 13), like git and ls
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
import threading
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

import click
import click.shell_completion

from scheduler.errors import UsageError, UserError
from scheduler.report.style import WIDTH

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


def complete_jobs(
    ctx: click.Context, param: click.Parameter, incomplete: str
) -> list[click.shell_completion.CompletionItem]:
    """Shell completion of a JOB argument: the names in the catalogue given so far (`-c`, or
    jobs.yaml here), with each one's description as help (zsh and fish show it). Never fails:
    a catalogue that does not load completes nothing."""
    from scheduler.app.check import job_names

    catalogue = ctx.params.get("catalogue") or Path("jobs.yaml")
    return [
        click.shell_completion.CompletionItem(name, help=description or None)
        for name, description in job_names(Path(catalogue))
        if name.startswith(incomplete)
    ]


# The catalogue argument of validate, compile, plan, apply and destroy.
CATALOGUE = click.argument(
    "catalogue", default="jobs.yaml", type=click.Path(dir_okay=True, path_type=Path)
)


def use_colour() -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org)."""
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def terminal_width(stream: TextIO | None = None) -> int:
    """The terminal's width when `stream` (stdout) is one; else the fixed WIDTH (100), so that
    pipes, CI logs and tests get the same text whatever the terminal around them."""
    out = sys.stdout if stream is None else stream
    if not out.isatty():
        return WIDTH
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


class SchedGroup(click.Group):
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
                traceback.print_exc()
            for message, hint in error.lines():
                error_line(message, hint)
            ctx.exit(error.exit_code)
        except KeyboardInterrupt:
            error_line("interrupted")
            ctx.exit(EXIT_INTERRUPTED)
        except Exception as error:
            if debug:
                traceback.print_exc()
            error_line(
                f"unexpected {type(error).__name__}: {error}",
                "this is a bug in sched; run again with --debug and report the traceback",
            )
            ctx.exit(EXIT_AWS)
