"""The offline commands' work, and the gate before AWS: validate a catalogue, explain the rules,
publish the schema, compute upcoming fire times. Nothing here imports boto3.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scheduler.errors import CatalogueHasErrors, UsageError

if TYPE_CHECKING:
    from scheduler.catalogue.loader import LoadResult
    from scheduler.catalogue.model import Catalogue, Job
    from scheduler.diagnostics import Diagnostic, Span
    from scheduler.permissions import Origin, RolePolicy
    from scheduler.rules import RuleDoc
    from scheduler.upcoming import Upcoming


@dataclass(frozen=True)
class Checked:
    """A catalogue that passed validation (warnings allowed), with what validation said."""

    catalogue: Catalogue
    loaded: LoadResult
    diagnostics: tuple[Diagnostic, ...]


def validate(path: Path, *, now: datetime) -> list[Diagnostic]:
    """Every diagnostic for the catalogue at `path`, sorted by position."""
    from scheduler.validate import validate as run

    return run(path, now=now)[1]


def check(
    path: Path,
    *,
    now: datetime,
    consequence: str = "nothing was sent to AWS",
    environment: str | None = None,
    choose: bool = False,
) -> Checked:
    """Validate; raise `CatalogueHasErrors` (saying `consequence`) when anything is an error.
    The local data file is not this gate's: AWS never reads it, and `--local` checks it where
    it creates the local AWS (exit 2, with every problem). With `environment`, the catalogue of
    that environment; with `choose`, one must be named when the catalogue declares any, and it
    must be one of them (`UsageError`)."""
    from scheduler.diagnostics import Severity, active
    from scheduler.validate import validate as run

    loaded, everything = run(path, now=now, local_data=False, environment=environment)
    if loaded.catalogue is not None and (choose or environment is not None):
        _chosen(path, loaded.catalogue.environments, environment)
    found = active(everything)  # what `ignore:` silences is not shown before a plan either
    errors = sum(1 for d in found if d.severity is Severity.ERROR)
    if loaded.catalogue is None or errors:
        raise CatalogueHasErrors(path, found, consequence, errors=errors)
    return Checked(loaded.catalogue, loaded, tuple(found))


def require_environment(path: Path, environment: str | None) -> None:
    """`_chosen` for a command that needs no valid catalogue, only its environments (a local
    reset): nothing when the file does not load."""
    from scheduler.catalogue.loader import load

    catalogue = load(path).catalogue
    if catalogue is not None:
        _chosen(path, catalogue.environments, environment)


def _chosen(path: Path, declared: Sequence[str], environment: str | None) -> None:
    """Refuse a missing, unknown or needless environment: never guess one (prod least)."""
    names = ", ".join(declared)
    if environment is None and declared:
        raise UsageError(
            f"{path} declares environments ({names}): say which with --env NAME (or SCHED_ENV)",
            f"e.g. --env {declared[0]}; sched never picks one itself",
        )
    if environment is not None and not declared:
        raise UsageError(
            f"{path} declares no environments, so --env {environment} names none",
            "leave out --env (and SCHED_ENV), or declare it under environments:",
        )
    if environment is not None and environment not in declared:
        raise UsageError(
            f'no environment "{environment}" in {path}; it declares {names}',
            "give one of them to --env (or SCHED_ENV)",
        )


def rule_docs() -> dict[str, RuleDoc]:
    """Every diagnostic code's documentation, by code."""
    from scheduler.rules import all_docs

    return all_docs()


def catalogue_schema() -> dict[str, Any]:
    """The JSON Schema of `jobs.yaml` (draft-07, for editors' YAML language servers)."""
    from scheduler.catalogue.json_schema import catalogue_schema as build

    return build()


def job_names(path: Path) -> list[tuple[str, str]]:
    """Each job's name and description in the catalogue at `path`, for shell completion; empty
    when it does not load (completion must never print an error)."""
    from scheduler.catalogue.loader import load

    if not path.is_file():
        return []
    try:
        catalogue = load(path).catalogue
    except Exception:  # a completion that crashes breaks the user's shell line
        return []
    return [(job.name, job.description) for job in catalogue.jobs] if catalogue else []


@dataclass(frozen=True)
class Fires:
    """`sched next`: each query's next fire times, and the catalogue its jobs came from (None
    when there is none, or it does not load)."""

    items: list[Upcoming]
    catalogue: Catalogue | None


def upcoming(
    queries: Sequence[str],
    catalogue: Path,
    *,
    after: datetime,
    count: int,
    tz: str | None,
    environment: str | None = None,
) -> Fires | None:
    """Next fire times of each query (a job of the catalogue, if it loads, or an expression);
    None when there is no query and no catalogue to take the jobs from. With `environment`
    (one the catalogue declares), its jobs as merged for that environment."""
    from scheduler.upcoming import upcoming as compute

    known = None
    if catalogue.is_file():
        # Only here: the loader brings pydantic and YAML, which bare expressions never need.
        from scheduler.catalogue.loader import load

        known = load(catalogue, environment).catalogue
        if known is not None and environment is not None:
            _chosen(catalogue, known.environments, environment)
    if not queries and known is None:
        return None
    items = compute(queries, known, after=after, count=count, tz=tz, source=str(catalogue))
    return Fires(items, known)


@dataclass(frozen=True)
class JobPermissions:
    """One job's own role as compile makes it, with where each statement was written."""

    job: Job
    role: str
    policy: RolePolicy
    sources: dict[Origin, Span]


def permissions(checked: Checked, job_name: str, *, account: str, region: str) -> JobPermissions:
    """What the role of `job_name` may do. A job that sets `role:` or runs no code of the
    catalogue's has no role of sched's (`CannotRun` says which)."""
    from scheduler import naming
    from scheduler.app.operate import find_job
    from scheduler.catalogue.model import Compute
    from scheduler.errors import CannotRun
    from scheduler.permissions import job_policy

    job = find_job(checked.catalogue, job_name)
    if job.compute is Compute.FARGATE:
        raise CannotRun(
            f'job "{job.name}" runs on Fargate: sched makes no role for it',
            "its task's permissions are those of the task role its task definition names",
        )
    if job.function is not None or job.role is not None:
        owner = f"the role {job.role}" if job.role else f"the existing function {job.function}"
        raise CannotRun(
            f'job "{job.name}" runs with {owner}: sched makes no role for it',
            "leave out role: (and use handler:) to have sched manage the job's permissions",
        )
    policy = job_policy(job, catalogue=checked.catalogue.prefix, region=region, account=account)
    source_map = checked.loaded.source_map
    sources = {g.origin: source_map.span(g.origin) for g in job.permissions}
    role = naming.job_role_name(checked.catalogue.prefix, job.name)
    return JobPermissions(job, role, policy, sources)
