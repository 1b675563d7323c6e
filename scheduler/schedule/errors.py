"""The one error a schedule expression can raise, with its stable diagnostic code.

`offset`/`length` locate the bad part inside the expression as written (0-based characters),
so the validator can turn them into a column in jobs.yaml. A `fix` says what to put where;
`parse` applies it to the whole expression and names the result in the hint only once the
result itself parses (`settle`), so no hint suggests what sched would then refuse.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from scheduler.diagnostics import echo

INVALID = "SCH101"
TOO_FREQUENT = "SCH103"

FIX = "{fix}"  # where a hint names the whole fixed expression
_MOST_FIXES = 4  # an expression with more mistakes than this gets the reason only


@dataclass(frozen=True)
class Fix:
    """Replace `length` characters at `offset` of the expression with `text`."""

    offset: int
    length: int
    text: str

    def apply(self, expression: str) -> str:
        return expression[: self.offset] + self.text + expression[self.offset + self.length :]


class ScheduleError(ValueError):
    """An expression that AWS would reject, or that sched cannot translate faithfully."""

    code: str
    message: str
    hint: str
    offset: int | None
    length: int | None
    fix: Fix | None
    unfixed: str

    def __init__(
        self,
        code: str,
        message: str,
        hint: str = "",
        offset: int | None = None,
        length: int | None = None,
        fix: Fix | None = None,
        unfixed: str = "",
    ) -> None:
        """`hint` holds FIX where the fixed expression goes; `unfixed` is used without one."""
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint.replace(FIX, fix.text) if fix else hint
        self.offset = offset
        self.length = length
        self.fix = fix
        self.unfixed = unfixed
        self._template = hint

    def settled(self, expression: str, parse: Callable[[str], object]) -> ScheduleError:
        """This error with the hint naming the fixed `expression`, or without a fix."""
        if self.fix is None:
            return self
        candidate, error = expression, self
        for _ in range(_MOST_FIXES):
            assert error.fix is not None
            candidate = error.fix.apply(candidate)
            try:
                parse(candidate)
            except ScheduleError as again:
                if again.fix is None:
                    break
                error = again
                continue
            return self._with_hint(self._template.replace(FIX, _shown(candidate.strip())))
        return self._with_hint(self.unfixed)

    def _with_hint(self, hint: str) -> ScheduleError:
        settled = ScheduleError(self.code, self.message, hint, self.offset, self.length)
        settled.fix = self.fix
        return settled

    def __repr__(self) -> str:
        return (
            f"ScheduleError({self.code!r}, {self.message!r}, hint={self.hint!r}, "
            f"offset={self.offset!r}, length={self.length!r})"
        )


def _shown(expression: str) -> str:
    """AWS forms as they are; Unix fields in quotes, as YAML needs them."""
    return expression if expression.endswith(")") else f'"{expression}"'


def quoted(text: str) -> str:
    """A part of an expression as a message quotes it: in double quotes, cut to the echo limit
    (diagnostics.echo). Not JSON-escaped: parsing builds such messages while it tries each
    form, and json.dumps would cost every valid expression too."""
    return echo(text, _double_quoted)


def _double_quoted(text: str) -> str:
    return f'"{text}"'
