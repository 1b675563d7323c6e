"""How text reports look: the ANSI colours and `paint`, the default width, clipping and wrapping
to a width, which columns of a table fit in it, and `safe`, which every string that came from a
log goes through before it is shown.

Every formatter in `report/` takes `colour` and `width` from the CLI, the only package that knows
the terminal, and uses this module for both; nothing here prints.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Sequence

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


# Characters a terminal (or a reader) acts on rather than shows: C0 controls and DEL, C1 controls
# (U+009B is a one-character escape sequence on many terminals), Unicode bidi embeddings,
# overrides, isolates and marks (the "Trojan Source" reordering, CVE-2021-42574), and lone
# surrogates, which no UTF-8 output can hold.
_BREAKS = re.compile("[\t\n\v\f\r\x1c-\x1e\x85\u2028\u2029]")
_CONTROLS = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_SURROGATES = re.compile("[\ud800-\udfff]")


def safe(text: str) -> str:
    """`text` (from a log line, so from anyone who can write to the log group) with line breaks
    and tabs as spaces, every other control character left out, lone surrogates as U+FFFD."""
    text = _BREAKS.sub(" ", text)
    text = _CONTROLS.sub("", text)
    return _SURROGATES.sub("\ufffd", text)


def paint(text: str, colour: str, enabled: bool) -> str:
    """`text` in `colour` (one or more of the codes above) when `enabled`, else as it is."""
    return f"{colour}{text}{RESET}" if enabled and colour else text


def clip(text: str, width: int) -> str:
    """`text` cut to `width` characters, the last one an ellipsis when anything was cut."""
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def wrap(text: str, width: int, *, indent: str = "", hang: str = "") -> list[str]:
    """`text` as lines of at most `width` characters: the first after `indent`, the rest after
    `hang`. Words longer than a line are broken."""
    return textwrap.wrap(text, width, initial_indent=indent, subsequent_indent=hang)


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
