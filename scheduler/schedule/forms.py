"""The three forms EventBridge takes, `cron(...)`, `rate(...)` and `at(...)`, told apart.

`parse_aws` reads an expression already known to start with one of those heads; the
normalised text it returns is what sched deploys and compares with what is deployed.
"""

from __future__ import annotations

import re
from typing import Literal

from scheduler.schedule.aws_cron import parse_cron
from scheduler.schedule.errors import FIX, INVALID, Fix, ScheduleError, quoted
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
            f"{quoted(text)} is not a cron(...), rate(...) or at(...) expression",
            "write cron(0 10 * * ? *), rate(5 minutes) or at(2026-01-01T09:00:00)",
            offset,
            len(text),
        )
    word = head.group(1).lower()
    if head.group() != f"{word}(":
        raise ScheduleError(
            INVALID,
            f'"{head.group()}" must be written "{word}("',
            f'write "{word}(" in lower case, with no space before "(": {FIX}',
            offset,
            head.end(),
            Fix(offset, head.end(), f"{word}("),
            f'write "{word}(" in lower case, with no space before "("',
        )
    close = text.find(")")
    if close < 0:
        raise ScheduleError(
            INVALID,
            f'{word}( has no closing ")"',
            f'end the expression with ")": {FIX}',
            offset + len(text),
            0,
            Fix(offset + len(text), 0, ")"),
            'end the expression with ")"',
        )
    if close != len(text) - 1:
        raise ScheduleError(
            INVALID,
            f'unexpected text after "{word}(...)"',
            f"remove everything after the closing parenthesis: {FIX}",
            offset + close + 1,
            len(text) - close - 1,
            Fix(offset + close + 1, len(text) - close - 1, ""),
            "remove everything after the closing parenthesis",
        )
    inner, inner_at = text[head.end() : close], offset + head.end()
    _exact_spacing(word, inner, inner_at)
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


def _exact_spacing(word: str, inner: str, offset: int) -> None:
    """Refuse any blank AWS would refuse: inside the parentheses, doubled, or a tab.

    EventBridge validates the text as written (one space between the fields of cron() and
    between rate()'s value and unit, none elsewhere), not a normalised form: "rate( 5 minutes)"
    is an invalid ScheduleExpression.
    https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
    """
    if inner == " ".join(inner.split()):
        return
    for blank in re.finditer(r"\s+", inner):
        at, length, text = offset + blank.start(), len(blank.group()), blank.group()
        if blank.start() == 0 or blank.end() == len(inner):
            side = "after" if blank.start() == 0 else "before"
            paren = f'"{word}("' if blank.start() == 0 else '")"'
            message = (
                f"{blank_words(text)} {side} {paren}: AWS refuses spaces inside the parentheses"
            )
            replacement = ""
        elif text != " ":
            message = f"{blank_words(text)} between values: AWS takes exactly one space"
            replacement = " "
        else:
            continue
        raise ScheduleError(
            INVALID,
            message,
            f"write {FIX}",
            at,
            length,
            Fix(at, length, replacement),
            "separate the values with one space, and none inside the parentheses",
        )


def blank_words(text: str) -> str:
    """How a run of blanks reads in a message: "a tab", "a space", "2 spaces"."""
    if "\t" in text:
        return "a tab"
    return "a space" if len(text) == 1 else f"{len(text)} spaces"
