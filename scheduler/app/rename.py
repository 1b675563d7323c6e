"""Old names of a catalogue: what an older catalogue name (or environment name) still runs in
the account (`find_old_scopes`: one tag search beside the plan's read, judged by
`scheduler.scopes`), and the plan that deletes a whole old scope without its catalogue file
(`plan_prune`). Returns data; never prints.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from scheduler.app.deploy import Planned
from scheduler.catalogue.model import Catalogue, Environment
from scheduler.errors import LocalStateError
from scheduler.plan import make_plan
from scheduler.ports import ReadScope
from scheduler.resource_state import ResourceState
from scheduler.scopes import OldScope, Scope, old_scopes, within

if TYPE_CHECKING:
    from scheduler.app.connect import Connection
    from scheduler.aws import AwsContext


@dataclass(frozen=True)
class OldScopes:
    """The old scopes found (`scheduler.scopes.old_scopes`); `searched` False when the tag
    search was not allowed, so nothing could be found. Locally, `elsewhere` says which of them
    were found in another local AWS of the folder, by the name of its environment (None: the
    folder's before it had environments)."""

    found: tuple[OldScope, ...] = ()
    searched: bool = True
    elsewhere: Mapping[Scope, str | None] = field(default_factory=dict)

    def beside(self, other: OldScopes) -> OldScopes:
        """These, and those of `other` (found elsewhere) that are not among them."""
        here = {old.scope for old in self.found}
        more = tuple(old for old in other.found if old.scope not in here)
        found = tuple(sorted((*self.found, *more), key=lambda o: o.scope.sort_key()))
        elsewhere = {**{o.scope: other.elsewhere[o.scope] for o in more}, **self.elsewhere}
        return OldScopes(found, self.searched, elsewhere)


def find_old_scopes(
    catalogue: Catalogue,
    aws: AwsContext,
    *,
    environment: str | None = None,
    siblings: Collection[str] = (),
) -> OldScopes:
    """The scopes in `aws`'s account and region that look like older names of `catalogue` (in
    `environment`; `siblings` are its other environments, never taken for old names)."""
    listed = aws.survey.sched_resources() if aws.survey is not None else None
    if listed is None:
        return OldScopes(searched=False)
    current = Scope(catalogue.name, environment)
    jobs = [job.name for job in catalogue.jobs]
    return OldScopes(old_scopes(listed, current, jobs, siblings=siblings))


def find_old_scopes_elsewhere(
    catalogue: Catalogue, path: Path, connection: Connection
) -> OldScopes:
    """Locally, the older names of `catalogue`'s environment kept in the folder's other local
    AWSs (`connect.older_local_dirs`): an environment renamed leaves its old one behind, as the
    catalogue before it had environments did. Each is opened in turn, read only; call it before
    connecting, as one local AWS runs at a time."""
    from scheduler.app.connect import connect_local, older_local_dirs

    environment = catalogue.environment_name
    siblings = [name for name in catalogue.environments if name != environment]
    olds = OldScopes()
    for name, directory in older_local_dirs(path, connection, catalogue.environments):
        try:
            with connect_local(directory, region=connection.region) as aws:
                found = find_old_scopes(catalogue, aws, environment=environment, siblings=siblings)
        except LocalStateError:
            # Another environment's folder that cannot be read (a link, another moto's or
            # user's state) must not stop this one's plan; a command aimed at it says why.
            continue
        olds = olds.beside(OldScopes(found.found, elsewhere={o.scope: name for o in found.found}))
    return olds


def environments_here(name: str, aws: AwsContext) -> tuple[str, ...]:
    """The environments of the catalogue `name` that own functions or rules in `aws` (by the
    tag search; none when it is not allowed): what a prune of `name` alone leaves."""
    listed = aws.survey.sched_resources() if aws.survey is not None else None
    scopes = {Scope.of(dict(r.tags)) for r in listed or ()}
    return tuple(
        sorted(s.environment for s in scopes if s and s.catalogue == name and s.environment)
    )


def plan_prune(
    scope: Scope, aws: AwsContext, path: Path, *, now: datetime | None = None
) -> Planned:
    """The plan deleting everything `scope` owns (as `destroy` would for its catalogue file):
    owned by the catalogue's name and tags, as every read is, and within that, by the scope's
    environment (`scheduler.scopes.within`). The catalogue is known by its name alone (`path`
    is where its local AWS is kept, for `--local`)."""
    read = aws.reader.read(
        ReadScope(scope.catalogue, aws.account, aws.region, environment=scope.environment)
    )
    deployed = within(read, scope.environment)
    empty = ResourceState()
    plan = make_plan(empty, deployed, now=now or datetime.now(UTC))
    return Planned(Catalogue(name=scope.catalogue, path=path), empty, deployed, plan)


def live_scopes(path: Path) -> frozenset[Scope]:
    """The scopes the catalogue at `path` deploys, when it is there and loads: its name, or its
    name in each of its environments (then the name alone is an old scope: the catalogue before
    it had environments). A prune of one would be a destroy of the live catalogue, which `sched
    destroy` does with the file."""
    return _live(path, None)[0]


def _live(path: Path, environment: str | None) -> tuple[frozenset[Scope], Environment | None]:
    from scheduler.catalogue.loader import load

    if not path.is_file():
        return frozenset(), None
    catalogue = load(path, environment).catalogue
    if catalogue is None:
        return frozenset(), None
    if not catalogue.environments:
        return frozenset({Scope(catalogue.name)}), None
    scopes = frozenset(Scope(catalogue.name, name) for name in catalogue.environments)
    return scopes, catalogue.environment


def declared_environment(path: Path, environment: str) -> Environment | None:
    """The account and region the catalogue at `path` declares for `environment`, if it does."""
    return _live(path, environment)[1]
