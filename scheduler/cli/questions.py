"""The questions sched asks at a terminal before it changes anything (go ahead? type the name to
delete): a Ctrl-C or the end of the input at one is an answer, said in one line, with nothing
changed; click's own answer to them is "Aborted!" and exit 1."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import click

from scheduler.cli.common import EXIT_FINDINGS, EXIT_INTERRUPTED, error_line

T = TypeVar("T")


def confirmed(question: str) -> bool:
    """`question` answered yes (the default is no)."""
    return answered(lambda: click.confirm(question, default=False))


def typed(question: str) -> str:
    """What was typed at `question` (empty when nothing was)."""
    return answered(lambda: click.prompt(question, default="", show_default=False))


def answered(ask: Callable[[], T]) -> T:
    """`ask()`, a click prompt; a Ctrl-C there exits 130, the input ending there exits 1."""
    try:
        return ask()
    except click.exceptions.Abort as abort:
        click.echo()  # the question's line is still open
        # click raises Abort `from None`: what it caught is still its context.
        if isinstance(abort.__context__, KeyboardInterrupt):
            error_line("interrupted at the question: nothing was changed")
            raise SystemExit(EXIT_INTERRUPTED) from None
        error_line(
            "the input ended before the question was answered: nothing was changed",
            "answer it at a terminal, or run again with --yes",
        )
        raise SystemExit(EXIT_FINDINGS) from None
