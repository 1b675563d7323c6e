"""Ownership scopes, pure: a scope is what sched's tags say owns a resource, the pair (the
`sched:catalogue` value, the `sched:environment` value or None). Here: which scopes found in an
account look like an older name of the current catalogue (`old_scopes`), so that a rename never
orphans what still runs; and the part of a read that belongs to one scope (`within`), so that a
prune of an old scope deletes nothing of another scope of the same catalogue.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from scheduler import naming
from scheduler.ports import TaggedResource
from scheduler.resource_state import DeployedState, ResourceState
from scheduler.resources import (
    Alias,
    Function,
    Permission,
    QueueStatement,
    Resource,
    Role,
    Rule,
    Schedule,
    ScheduleGroup,
    Target,
    Topic,
)


@dataclass(frozen=True)
class Scope:
    """Who owns a resource: a catalogue, and within it an environment (None: none)."""

    catalogue: str
    environment: str | None = None

    @classmethod
    def of(cls, tags: Mapping[str, str]) -> Scope | None:
        """The scope `tags` name; None when they are not sched's ownership tags."""
        catalogue = tags.get(naming.CATALOGUE_TAG)
        if tags.get(naming.MANAGED_BY_KEY) != naming.MANAGED_BY_VALUE or not catalogue:
            return None
        return cls(catalogue, tags.get(naming.ENVIRONMENT_TAG) or None)

    @property
    def label(self) -> str:
        if self.environment is None:
            return f"catalogue {self.catalogue}"
        return f"catalogue {self.catalogue}, environment {self.environment}"

    def sort_key(self) -> tuple[str, str]:
        return (self.catalogue, self.environment or "")


@dataclass(frozen=True)
class OldScope:
    """A scope that looks like an older name of the current catalogue (or of its environment):
    the jobs of the catalogue it still runs (`shared`), its jobs the catalogue no longer has
    (`others`), and how many of its functions and rules the search found."""

    scope: Scope
    shared: tuple[str, ...]
    others: tuple[str, ...]
    functions: int
    rules: int


def old_scopes(
    listed: Iterable[TaggedResource],
    current: Scope,
    jobs: Collection[str],
    *,
    siblings: Collection[str] = (),
) -> tuple[OldScope, ...]:
    """The scopes among `listed` (sched's tagged functions and rules in the account and region)
    that look like `current`'s predecessors: not `current`; not one of the catalogue's other
    environments (`siblings`, each a scope of its own, in whatever catalogue: after a rename, the
    old `prod` is the new `prod`'s predecessor, not `dev`'s); and sharing jobs with it (the
    `sched:job` tags): more than half of its jobs are the catalogue's AND more than half of the
    catalogue's `jobs` are its. Both majorities, so that another catalogue sharing the account
    with a job of the same name is not taken for an old name (one of its two jobs is not
    enough, nor one of the catalogue's ten). A scope of the same catalogue (an environment
    renamed, or the catalogue before it had environments) needs one shared job only."""
    found: dict[Scope, list[TaggedResource]] = {}
    for resource in listed:
        scope = Scope.of(dict(resource.tags))
        if scope is not None and scope != current and scope.environment not in siblings:
            found.setdefault(scope, []).append(resource)
    wanted = set(jobs)
    olds = []
    for scope, resources in found.items():
        theirs = {j for r in resources if (j := dict(r.tags).get(naming.JOB_TAG))}
        shared = theirs & wanted
        same = scope.catalogue == current.catalogue
        most = 2 * len(shared) > len(theirs) and 2 * len(shared) > len(wanted)
        if not shared or not (same or most):
            continue
        olds.append(
            OldScope(
                scope=scope,
                shared=tuple(sorted(shared)),
                others=tuple(sorted(theirs - wanted)),
                functions=sum(1 for r in resources if ":lambda:" in r.arn),
                rules=sum(1 for r in resources if ":events:" in r.arn),
            )
        )
    return tuple(sorted(olds, key=lambda o: o.scope.sort_key()))


def _rule_of(arn: str) -> str:
    return arn.partition(":rule/")[2]


def within(deployed: DeployedState, environment: str | None) -> DeployedState:
    """The part of a catalogue's read that is the scope of `environment`: its tagged resources
    whose `sched:environment` tag is `environment` (absent for None), and what hangs on them
    (targets and statements of its rules, aliases and statements of its functions, schedules in
    its groups). The rest is another environment's, never to be deleted by this scope's prune.
    """

    def ours(resource: Resource) -> bool:
        return dict(getattr(resource, "tags", ())).get(naming.ENVIRONMENT_TAG) == environment

    tagged = [r for r in deployed if isinstance(r, Role | Function | Rule | ScheduleGroup | Topic)]
    kept = [r for r in tagged if ours(r)]
    rules = {r.name for r in kept if isinstance(r, Rule)}
    others = {r.name for r in tagged if isinstance(r, Rule) and not ours(r)}
    functions = {r.name for r in kept if isinstance(r, Function)}
    groups = {r.name for r in kept if isinstance(r, ScheduleGroup)}
    hanging: list[Resource] = []
    for resource in deployed:
        match resource:
            case Target():
                keep = resource.rule in rules
            case Alias():
                keep = resource.function in functions
            case Permission():
                rule = _rule_of(resource.source_arn)
                keep = rule in rules or (resource.function in functions and rule not in others)
            case Schedule():
                keep = resource.group in groups
            case QueueStatement():
                keep = _rule_of(resource.source_arn) in rules
            case _:
                continue
        if keep:
            hanging.append(resource)
    return ResourceState.of([*kept, *hanging], deployed.unowned)
