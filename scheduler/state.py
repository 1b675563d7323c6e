"""Ownership, as one pure rule: which of the resources listed in an account a catalogue owns,
and so may change or delete. The AWS reader applies its pieces as it lists (`owns_tagged` on
every taggable candidate, `StatementOwnership` on every policy statement, and it lists targets
and schedules only of owned rules and groups), never reading further what it does not own; the
in-memory fake of the ports applies the whole of it, `owned_state`, to everything it holds.

- roles, functions, rules, schedule groups and alert topics: the catalogue's name prefix AND
  both ownership tags (`naming.owns`);
- targets: those of an owned rule; schedules: those in an owned schedule group (neither can
  carry tags of its own);
- permission statements: `StatementOwnership`; statements in a dead-letter queue's policy:
  `owns_queue_statement`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from scheduler import naming
from scheduler.ports import ReadScope
from scheduler.resources import (
    DeployedState,
    Function,
    Permission,
    QueueStatement,
    Resource,
    ResourceState,
    Role,
    Rule,
    Schedule,
    ScheduleGroup,
    Target,
    Topic,
)


@dataclass(frozen=True)
class StatementOwnership:
    """Which statements of a resource policy belong to the catalogue, so that plan may change or
    delete them. A statement id is a name anyone can pick, and one catalogue's prefix may start
    another's (`acme-` and `acme-ops-`), so the id alone proves nothing on a function the
    catalogue does not own: there a statement is owned only when it also lets one of the
    catalogue's own rules (owned by tags) invoke the function. On a function the catalogue owns,
    the prefix suffices, unless the statement names a rule that exists and is not the
    catalogue's (another catalogue's, or one made by hand).
    """

    prefix: str
    owned_functions: frozenset[str]
    owned_rules: frozenset[str]
    other_rules: frozenset[str]

    def owns(self, permission: Permission) -> bool:
        if not permission.statement_id.startswith(self.prefix):
            return False
        if permission.source_arn in self.owned_rules:
            return True
        return (
            permission.function in self.owned_functions
            and permission.source_arn not in self.other_rules
        )


def owns_queue_statement(
    statement: QueueStatement, *, prefix: str, owned_rules: frozenset[str]
) -> bool:
    """A statement in a queue sched did not create is the catalogue's only when its Sid has the
    catalogue's prefix AND it names one of the catalogue's own rules (owned by tags)."""
    return statement.sid.startswith(prefix) and statement.source_arn in owned_rules


def owns_tagged(name: str, tags: Mapping[str, str], catalogue: str) -> bool:
    """A taggable resource is the catalogue's when its name and both tags say so."""
    return naming.owns(name, tags, catalogue)


def owned_state(listed: Iterable[Resource], scope: ReadScope) -> DeployedState:
    """What the catalogue of `scope` owns among `listed` (everything found in its account)."""
    resources = list(listed)
    catalogue = scope.catalogue
    tagged = [
        r
        for r in resources
        if isinstance(r, Role | Function | Rule | ScheduleGroup | Topic)
        and owns_tagged(r.name, dict(r.tags), catalogue)
    ]
    owned_rules = {r.name for r in tagged if isinstance(r, Rule)}
    owned_groups = {r.name for r in tagged if isinstance(r, ScheduleGroup)}

    def arns(names: Iterable[str]) -> frozenset[str]:
        return frozenset(naming.rule_arn(scope.region, scope.account, n) for n in names)

    other_rules = {
        r.name
        for r in resources
        if isinstance(r, Rule)
        and r.name not in owned_rules
        and naming.has_owned_name(r.name, catalogue)
    }
    statements = StatementOwnership(
        prefix=naming.owned_prefix(catalogue),
        owned_functions=frozenset(r.name for r in tagged if isinstance(r, Function)),
        owned_rules=arns(owned_rules),
        other_rules=arns(other_rules),
    )
    untagged = [
        r
        for r in resources
        if (isinstance(r, Target) and r.rule in owned_rules)
        or (isinstance(r, Schedule) and r.group in owned_groups)
        or (isinstance(r, Permission) and statements.owns(r))
        or (
            isinstance(r, QueueStatement)
            and owns_queue_statement(
                r, prefix=statements.prefix, owned_rules=statements.owned_rules
            )
        )
    ]
    return ResourceState.of([*tagged, *untagged])
