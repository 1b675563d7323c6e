"""Every error a user can act on, one class per meaning: one line saying what happened, a hint
saying what to do, and the exit code the CLI maps it to (`exit_code`).

Anything raised as `UserError` is printed without a traceback (unless --debug). The families:
usage (2), an invalid catalogue (1), AWS or the local AWS failing (3). `ScheduleError`, a
schedule that cannot be read, stays in `scheduler/schedule/`: it is a value error that validation
turns into diagnostics, never shown as such.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scheduler.diagnostics import Diagnostic


class UserError(Exception):
    """A problem the user can fix; `hint` says how."""

    exit_code = 2

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def lines(self) -> tuple[tuple[str, str], ...]:
        """What to print: one (message, hint) per line; several when the error has many parts."""
        return ((self.message, self.hint),)


# ---- usage and bad input (exit 2) -------------------------------------------------------------


class UsageError(UserError):
    """An option or argument the command cannot use."""

    exit_code = 2


class LocalAwsNotInstalled(UsageError):
    """`--local` needs moto, which only the `local` extra installs (a CI job that only validates
    need not download it)."""


class UnknownJob(UsageError):
    """A job named on the command line is not in the catalogue."""


class TooManyRuns(UsageError):
    """One local tick would run more jobs than it is allowed to."""


class CannotRun(UserError):
    """The job cannot be run or triggered this way (no handler, Fargate, missing file)."""


class NotVersioned(UsageError):
    """A job whose function has no published versions sched manages (`versions:` not set)."""


class VersionNotKept(UsageError):
    """A version to roll back to that is not one of the kept published versions."""


class PackageError(UserError):
    """The job's code cannot be packaged."""


class TickStateInvalid(UserError):
    """The file holding the last local tick time does not hold one."""


class LocalDataInvalid(UsageError):
    """The local data file (`local-data.yaml`) cannot be loaded into the local AWS. Carries every
    problem found, each a (message, hint) whose message starts with `file:line:column:`; the
    last line says that the local AWS was not created."""

    def __init__(self, file: str, problems: Sequence[tuple[str, str]]) -> None:
        message, hint = problems[0]
        super().__init__(message, hint)
        self.file = file
        self.problems = tuple(problems)

    def lines(self) -> tuple[tuple[str, str], ...]:
        count = len(self.problems)
        summary = (
            f"{self.file}: {count} problem{'s' * (count != 1)}; the local AWS starts from this "
            "file, so it was not created",
            "fix the file and run the command again",
        )
        return (*self.problems, summary)


class ImportWouldOverwrite(UsageError):
    """`sched import` found jobs or files of the same names: nothing was written."""

    def __init__(self, clashes: Sequence[str]) -> None:
        super().__init__(clashes[0], "pass --force to replace them, or rename or move yours")
        self.clashes = tuple(clashes)

    def lines(self) -> tuple[tuple[str, str], ...]:
        hint = "pass --force to replace them, or rename or move yours; nothing was written"
        return (*((clash, "") for clash in self.clashes[:-1]), (self.clashes[-1], hint))


class ImportCannotEdit(UsageError):
    """The catalogue could not take the imported jobs without sched rewriting what it holds."""


# ---- the catalogue (exit 1) -------------------------------------------------------------------


class CatalogueInvalid(UserError):
    """The catalogue says something sched cannot deploy."""

    exit_code = 1


class CatalogueHasErrors(CatalogueInvalid):
    """Validation found errors: nothing may reach AWS. Carries the diagnostics to show."""

    def __init__(
        self, path: Path, diagnostics: Sequence[Diagnostic], consequence: str, *, errors: int
    ) -> None:
        super().__init__(
            f"{path}: {errors} error{'s' * (errors != 1)}; {consequence}",
            f"fix them (sched validate {path} lists them) and run again",
        )
        self.diagnostics = list(diagnostics)


class CompileError(CatalogueInvalid):
    """The catalogue cannot be turned into resources (validation should have said why)."""


# ---- AWS and the local AWS (exit 3) -----------------------------------------------------------


class AwsFailure(UserError):
    """AWS, or the local AWS, could not do what was asked."""

    exit_code = 3


class NamesTaken(AwsFailure):
    """Resources the plan creates have names someone else holds (a stranger, a person, another
    catalogue): apply refuses before its first write. `taken` holds (kind, name, why)."""

    def __init__(self, taken: Sequence[tuple[str, str, str]]) -> None:
        kind, name, why = taken[0]
        super().__init__(f"{kind} {name} {why}", _TAKEN_HINT.format(kind=kind))
        self.taken = tuple(taken)

    def lines(self) -> tuple[tuple[str, str], ...]:
        count = len(self.taken)
        problems = tuple(
            (f"{kind} {name} {why}; sched will not take it over", _TAKEN_HINT.format(kind=kind))
            for kind, name, why in self.taken
        )
        summary = (
            f"{count} name{'s' * (count != 1)} taken; nothing was changed",
            "free or rename them, then apply again",
        )
        return (*problems, summary)


_TAKEN_HINT = "rename the job (or the catalogue), or delete or rename that {kind}"


class WrongAccount(AwsFailure):
    """The credentials are for another account than the environment's: nothing is touched."""


class OldScopeRuns(AwsFailure):
    """An older name of the catalogue (or of its environment) still runs its jobs: apply
    refuses before its first write, since both would fire (`scheduler.scopes`)."""


class QuotasShort(AwsFailure):
    """The plan would not fit the account's quotas: apply refuses before its first write.
    `shortfalls` holds (what would not fit, the fix)."""

    def __init__(self, shortfalls: Sequence[tuple[str, str]]) -> None:
        count = len(shortfalls)
        super().__init__(
            f"the plan does not fit {count} of the account's quotas; nothing was changed",
            "do what the quota report above says for each, then apply again",
        )
        self.shortfalls = tuple(shortfalls)


class Locked(AwsFailure):
    """Another apply of the same catalogue holds its lock: nothing was read or changed."""

    def __init__(self, catalogue: str, holder: str, since: str, expires: str) -> None:
        super().__init__(
            f'catalogue "{catalogue}" is being applied by {holder} since {since} (its lock '
            f"expires {expires}); nothing was changed",
            "wait for that apply to end and run again; if it was killed, run again with "
            "--force-unlock",
        )
        self.holder = holder


class LockLost(AwsFailure):
    """The apply's lock was taken over and released while it waited: nothing was changed."""

    def __init__(self, catalogue: str) -> None:
        super().__init__(
            f'the apply lock of catalogue "{catalogue}" was taken by another apply while this'
            " one waited; nothing was changed",
            "run again: the plan is read afresh",
        )


class LocalStateError(AwsFailure):
    """The local AWS's saved state cannot be used."""


class NetworkBlocked(AwsFailure):
    """Local mode refused a request moto does not answer (it would have left the machine)."""


class AwsError(AwsFailure):
    """An AWS call failed: `action` is the API (`lambda:CreateFunction`), `code` AWS's error
    code, `resource` what it was about; the message says what happened, the hint what to do."""

    default_hint = ""
    # Whether running the same command again can succeed without anyone fixing anything (a
    # throttle, a blip of AWS, an interrupt), so that apply may say a rerun finishes.
    transient = False

    def __init__(
        self, action: str, message: str, hint: str = "", *, code: str = "", resource: str = ""
    ) -> None:
        super().__init__(f"{action}: {message}", hint or self.default_hint)
        self.detail = message  # without the action, for errors re-raised with another hint
        self.action = action
        self.code = code
        self.resource = resource


class ThrottledError(AwsError):
    transient = True
    default_hint = "AWS is throttling requests and retries ran out; try again in a minute"


class AccessDenied(AwsError):
    default_hint = "the AWS identity in use needs this permission; check the profile and its policy"


class QuotaExceeded(AwsError):
    default_hint = "raise the quota in Service Quotas, or remove resources you no longer need"


class NotFound(AwsError):
    default_hint = "AWS says it does not exist (now); run plan again to see the current state"


class Conflict(AwsError):
    default_hint = "it exists already or is being changed; run plan again"


class InvalidRequest(AwsError):
    default_hint = "AWS rejected a value; run `sched validate` and check the job's settings"


class Interrupted(AwsError):
    """A change given up on because the apply was interrupted (Ctrl-C) while it waited."""

    transient = True
    default_hint = "the change was not made; run plan and apply again to finish"
