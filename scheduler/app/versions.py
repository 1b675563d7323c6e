"""`sched versions` and `sched rollback`: a versioned job's published versions with the runs
and failures each had, and moving its `live` alias back to one of them (or forward again:
`apply` moves it to the newest, since the catalogue wants the newest)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from scheduler import naming
from scheduler.app.connect import Connection, connect
from scheduler.catalogue.model import Catalogue, Job
from scheduler.errors import NotVersioned, VersionNotKept
from scheduler.history.model import RunStatus
from scheduler.history.read import history_for
from scheduler.history.status import DEFAULT_WINDOW
from scheduler.history.targets import bindings, job_deployments
from scheduler.ports import VersionStore
from scheduler.resources import LIVE_ALIAS

_FAILED = (RunStatus.FAILED, RunStatus.TIMED_OUT)


@dataclass(frozen=True)
class VersionRow:
    version: str
    live: bool
    runs: int
    failures: int


@dataclass(frozen=True)
class JobVersions:
    """The kept versions of a job's function, oldest first, and which one `live` points at."""

    job: str
    function: str
    live: str | None
    rows: tuple[VersionRow, ...]
    window: timedelta


@dataclass(frozen=True)
class RolledBack:
    job: str
    function: str
    before: str | None
    after: str


def _function(catalogue: Catalogue, job: Job) -> str:
    if job.versions is None or job.handler is None or job.function is not None:
        raise NotVersioned(
            f'job "{job.name}" is not versioned: its schedule invokes $LATEST',
            "set versions: 3 on the job (or under defaults:) and apply, to keep versions",
        )
    return naming.function_name(catalogue.prefix, job.name)


def _store(store: VersionStore | None) -> VersionStore:
    assert store is not None, "every AWS context has a version store"
    return store


def job_versions(
    catalogue: Catalogue,
    job: Job,
    connection: Connection,
    *,
    now: datetime,
    window: timedelta = DEFAULT_WINDOW,
) -> JobVersions:
    function = _function(catalogue, job)
    with connect(connection, catalogue.path) as aws:
        store = _store(aws.versions)
        kept = store.versions(function)
        live = store.alias(function, LIVE_ALIAS)
        found = job_deployments(catalogue, aws.deployments)
        history = history_for(
            catalogue,
            aws.logs,
            now=now,
            since=now - window,
            jobs=[job.name],
            deployed={name: d.at for name, d in found.items()},
            bindings=bindings(found),
        )
    ran = [r for r in history.runs if r.status is not RunStatus.MISSED]
    runs = Counter(r.function_version for r in ran)
    failures = Counter(r.function_version for r in ran if r.status in _FAILED)
    rows = tuple(VersionRow(v, v == live, runs[v], failures[v]) for v in kept)
    return JobVersions(job.name, function, live, rows, window)


def rollback(
    catalogue: Catalogue, job: Job, connection: Connection, *, to: str | None
) -> RolledBack:
    """Point the job's `live` alias at `to` (default: the kept version before the live one)."""
    function = _function(catalogue, job)
    with connect(connection, catalogue.path) as aws:
        store = _store(aws.versions)
        kept = store.versions(function)
        live = store.alias(function, LIVE_ALIAS)
        target = to if to is not None else _previous(kept, live)
        if target is None:
            raise VersionNotKept(
                f'job "{job.name}": no version before {live or "the live one"} is kept'
                f" (kept: {', '.join(kept) or 'none'})",
                "keep more with versions: N; a later apply publishes the next one",
            )
        if target not in kept:
            raise VersionNotKept(
                f'job "{job.name}": version {target} of {function} is not kept'
                f" (kept: {', '.join(kept) or 'none'})",
                f"roll back to one of them: sched rollback {job.name} --to {kept[-1]}"
                if kept
                else "apply the catalogue first",
            )
        store.point(function, LIVE_ALIAS, target)
    return RolledBack(job.name, function, live, target)


def _previous(kept: list[str], live: str | None) -> str | None:
    older = [v for v in kept if live is None or int(v) < int(live)]
    return older[-1] if older else None
