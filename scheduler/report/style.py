"""How text reports look: the ANSI colours and `paint`, the default width, clipping and wrapping
to a width, which columns of a table fit in it, and `safe`, which every string that came from a
log goes through before it is shown (from `scheduler.untrusted`, which the watcher ships too).

Every formatter in `report/` takes `colour` and `width` from the CLI, the only package that knows
the terminal, and uses this module for both; nothing here prints.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from scheduler.untrusted import safe

__all__ = ["safe"]  # re-exported: the reports take it from here

RESET = "\x1b[0m"
BOLD = "\x1b[1m"
DIM = "\x1b[2m"
RED = "\x1b[31m"
GREEN = "\x1b[32m"
YELLOW = "\x1b[33m"
MAGENTA = "\x1b[35m"
CYAN = "\x1b[36m"

# The width of text output when it does not go to a terminal (pipes, CI logs, tests).
WIDTH = 100
# Columns of a table are this far apart.
GAP = "  "
# Job names longer than this are clipped in the history and status tables.
MAX_JOB_WIDTH = 24


def paint(text: str, colour: str, enabled: bool) -> str:
    """`text` in `colour` (one or more of the codes above) when `enabled`, else as it is."""
    return f"{colour}{text}{RESET}" if enabled and colour else text


def clip(text: str, width: int) -> str:
    """`text` cut to `width` characters, the last one an ellipsis when anything was cut."""
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def wrap(text: str, width: int, *, indent: str = "", hang: str = "") -> list[str]:
    """`text` as lines of at most `width` characters: the first after `indent`, the rest after
    `hang`. Words longer than a line are broken, but never at a hyphen of a shorter one: the
    names and commands hints print (`acme-ops-dev-log-backup`, `--env`) must copy whole."""
    return textwrap.wrap(
        text, width, initial_indent=indent, subsequent_indent=hang, break_on_hyphens=False
    )


def table_width(sizes: Sequence[int], *, lead: int = 0, rest: int = 0) -> int:
    """How wide a line of columns `sizes` is: `lead` characters, the columns `GAP` apart, then,
    when `rest` is not 0, one more gap and a free last column of `rest` characters."""
    return lead + sum(sizes) + len(GAP) * (len(sizes) - 1) + (len(GAP) + rest if rest else 0)


def columns_that_fit(
    sizes: Sequence[int],
    width: int,
    *,
    droppable: Sequence[int] = (),
    lead: int = 0,
    rest: int = 0,
) -> list[int]:
    """The indices of the columns a table shows within `width` (see `table_width`): all of
    them when they fit, else all but the `droppable` ones, left out in that order until the
    line fits or none is left to drop."""
    shown = list(range(len(sizes)))
    for index in droppable:
        if table_width([sizes[i] for i in shown], lead=lead, rest=rest) <= width:
            break
        shown.remove(index)
    return shown
