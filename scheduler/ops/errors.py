"""Errors of run history and operations that a user can act on (a hint says how)."""

from __future__ import annotations

from scheduler.errors import UsageError, UserError


class UnknownJob(UsageError):
    """A job named on the command line is not in the catalogue."""


class CannotRun(UserError):
    """The job cannot be run or triggered this way (no handler, Fargate, missing file)."""


class TooManyRuns(UsageError):
    """One local tick would run more jobs than it is allowed to."""


class LocalStateError(UserError):
    """The local state file (last tick time) cannot be read."""
