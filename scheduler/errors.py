"""Errors a user can act on: one line saying what happened, one saying what to do.

Anything raised as `UserError` is printed without a traceback (unless --debug) and mapped to
the exit code its `exit_code` names.
"""

from __future__ import annotations


class UserError(Exception):
    """A problem the user can fix; `hint` says how."""

    exit_code = 2

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(UserError):
    exit_code = 2


class CatalogueInvalid(UserError):
    exit_code = 1


class AwsFailure(UserError):
    exit_code = 3
