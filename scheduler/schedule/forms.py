"""The three forms EventBridge takes, `cron(...)`, `rate(...)` and `at(...)`, told apart.

`parse_aws` reads an expression already known to start with one of those heads; the
normalised text it returns is what sched deploys and compares with what is deployed.
"""

from __future__ import annotations

import re
from typing import Literal

from scheduler.schedule.aws_cron import parse_cron
from scheduler.schedule.errors import INVALID, ScheduleError
from scheduler.schedule.rate_at import parse_at, parse_rate
from scheduler.schedule.spec import Spec

Kind = Literal["cron", "rate", "at"]
HEAD = re.compile(r"(cron|rate|at)\s*\(", re.IGNORECASE)


def parse_aws(text: str, offset: int = 0) -> tuple[Kind, Spec, str]:
    """Parse `text` (stripped; it starts at `offset` in what the user wrote)."""
    head = HEAD.match(text)
    if head is None:
        raise ScheduleError(
            INVALID,
            f'"{text}" is not a cron(...), rate(...) or at(...) expression',
            "write cron(0 10 * * ? *), rate(5 minutes) or at(2026-01-01T09:00:00)",
            offset,
            len(text),
        )
    word = head.group(1).lower()
    if head.group() != f"{word}(":
        raise ScheduleError(
            INVALID,
            f'"{head.group()}" must be written "{word}("',
            f'write "{word}(" in lower case, with no space before "("',
            offset,
            head.end(),
        )
    close = text.find(")")
    if close < 0:
        raise ScheduleError(
            INVALID,
            f'{word}( has no closing ")"',
            f'end the expression with ")", as in {word}(...)',
            offset + len(text),
            0,
        )
    if close != len(text) - 1:
        raise ScheduleError(
            INVALID,
            f'unexpected text after "{word}(...)"',
            "remove everything after the closing parenthesis",
            offset + close + 1,
            len(text) - close - 1,
        )
    inner, inner_at = text[head.end() : close], offset + head.end()
    match word:
        case "cron":
            cron, normal = parse_cron(inner, inner_at)
            return "cron", cron, normal
        case "rate":
            rate, normal = parse_rate(inner, inner_at)
            return "rate", rate, normal
        case _:
            at, normal = parse_at(inner, inner_at)
            return "at", at, normal
