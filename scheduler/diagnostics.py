"""Diagnostics: what sched found wrong, where, and what to do about it.

Every stage reports problems as `Diagnostic` values; formatting lives in `scheduler.report`.
This module imports nothing from the package so that every other module may use it.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass

ECHO_LIMIT = 60
"""Messages quote at most this many characters of a user's value: they reach CI logs and
annotations, and a value may be 100,000 characters long or hold what was never meant to show."""


def _double_quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def echo(text: str, quote: Callable[[str], str] = _double_quoted) -> str:
    """`text` quoted for a message (JSON-style by default, `repr` for single quotes), cut to
    `ECHO_LIMIT` characters with an ellipsis and its full length: `"abc…" (100,000 characters)`.
    Every message that quotes a value from the catalogue or the command line goes through this."""
    if len(text) <= ECHO_LIMIT:
        return quote(text)
    return f"{quote(text[: ECHO_LIMIT - 1] + '…')} ({len(text):,} characters)"


class Severity(enum.IntEnum):
    """How serious a finding is; ordered so that `>=` compares with `--fail-on`."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (use error, warning or info)") from None


@dataclass(frozen=True, order=True)
class Span:
    """A region of a file: 1-based lines and columns; `end_column` is one past the end."""

    file: str
    line: int = 1
    column: int = 1
    end_line: int | None = None
    end_column: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


@dataclass(frozen=True)
class Suppression:
    """Why a finding is silenced: the reason an `ignore:` entry gives, and where it is written."""

    reason: str
    span: Span


@dataclass(frozen=True)
class Diagnostic:
    """One finding: a stable code, a severity, a one-line message, a place and a hint.
    A `suppressed` finding is kept (json and sarif show it) but neither printed nor counted."""

    code: str
    severity: Severity
    message: str
    span: Span
    hint: str = ""
    suppressed: Suppression | None = None

    def sort_key(self) -> tuple[str, int, int, str, str]:
        """Position, then code, then message: two findings at one place with one code (a name
        clash reported for each of its jobs) come out in the same order on every run."""
        return (self.span.file, self.span.line, self.span.column, self.code, self.message)


def worst(diagnostics: list[Diagnostic]) -> Severity | None:
    """The highest severity among `diagnostics` not suppressed, or None when there are none."""
    return max((d.severity for d in diagnostics if d.suppressed is None), default=None)


def active(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """The findings no `ignore:` entry silences: those that are shown and counted."""
    return [d for d in diagnostics if d.suppressed is None]
