"""The one error a schedule expression can raise, with its stable diagnostic code.

`offset`/`length` locate the bad part inside the expression as written (0-based characters),
so the validator can turn them into a column in jobs.yaml.
"""

from __future__ import annotations

INVALID = "SCH101"
TOO_FREQUENT = "SCH103"
DAY_OR = "SCH104"


class ScheduleError(ValueError):
    """An expression that AWS would reject, or that sched cannot translate faithfully."""

    code: str
    message: str
    hint: str
    offset: int | None
    length: int | None

    def __init__(
        self,
        code: str,
        message: str,
        hint: str = "",
        offset: int | None = None,
        length: int | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.hint = hint
        self.offset = offset
        self.length = length

    def __repr__(self) -> str:
        return (
            f"ScheduleError({self.code!r}, {self.message!r}, hint={self.hint!r}, "
            f"offset={self.offset!r}, length={self.length!r})"
        )
