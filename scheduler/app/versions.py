"""`sched versions` and `sched rollback`: a versioned job's published versions with the runs
and failures each had, and moving its `live` alias back to one of them, pinned there (apply
leaves a pinned alias where it is), or forward to the newest, unpinned (`--latest`)."""

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
    pinned: bool = False  # a rollback pinned `live`: apply leaves it there


@dataclass(frozen=True)
class RolledBack:
    """The alias moved from `before` to `after`; `pinned` there (apply leaves it) unless it is
    the newest version again."""

    job: str
    function: str
    before: str | None
    after: str
    pinned: bool = True


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
        pinned = store.pinned(function, LIVE_ALIAS)
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
    return JobVersions(job.name, function, live, rows, window, pinned)


def rollback(
    catalogue: Catalogue, job: Job, connection: Connection, *, to: str | None, latest: bool = False
) -> RolledBack:
    """Point the job's `live` alias at `to` (default: the kept version before the live one)
    and pin it there, so that apply leaves it; `latest`: at the newest version, unpinned."""
    function = _function(catalogue, job)
    with connect(connection, catalogue.path) as aws:
        store = _store(aws.versions)
        kept = store.versions(function)
        live = store.alias(function, LIVE_ALIAS)
        if latest:
            if not kept:
                raise VersionNotKept(
                    f'job "{job.name}": {function} has no published version yet',
                    "apply the catalogue first",
                )
            store.point(function, LIVE_ALIAS, kept[-1], pinned=False)
            return RolledBack(job.name, function, live, kept[-1], pinned=False)
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
        pinned = target != kept[-1]  # rolled "back" to the newest: nothing to hold it there
        store.point(function, LIVE_ALIAS, target, pinned=pinned)
    return RolledBack(job.name, function, live, target, pinned)


def _previous(kept: list[str], live: str | None) -> str | None:
    older = [v for v in kept if live is None or int(v) < int(live)]
    return older[-1] if older else None
