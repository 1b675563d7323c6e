"""Ownership, as one pure rule: which of the resources listed in an account a catalogue owns,
and so may change or delete, and which it found and does not own (`Unowned`). The AWS reader
applies its pieces as it lists (`owns_tagged` on every taggable candidate, `StatementOwnership`
on every policy statement, `owns_target` and `owns_schedule` inside owned rules and groups),
never reading further what it does not own; the in-memory fake of the ports applies the whole of
it, `owned_state`, to everything it holds.

- roles, functions, rules, schedule groups and alert topics: the catalogue's name prefix AND
  both ownership tags (`naming.owns`); another of these with the prefix is unowned (a name sched
  may not take);
- targets: sched's target id on an owned rule; schedules: a name with the prefix, in the owned
  group, run as the catalogue's scheduler role (neither can carry tags of its own); anything
  else inside them was added by a person and is unowned, inside;
- permission statements: `StatementOwnership`; statements in a dead-letter queue's policy:
  `owns_queue_statement` (the others there are the queue owner's, not drift; one with a Sid
  sched would write is a name taken, `queue_statement_taken`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from scheduler import naming
from scheduler.ports import ReadScope
from scheduler.resource_state import DeployedState, ResourceState, Unowned, key_of
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
    pairs,
)


@dataclass(frozen=True)
class StatementOwnership:
    """Which statements of a resource policy belong to the catalogue, so that plan may change or
    delete them. A statement id is a name anyone can pick, and one catalogue's prefix may start
    another's (`acme-` and `acme-ops-`), so the id alone proves nothing on a function the
    catalogue does not own: there a statement is owned only when it also lets one of the
    catalogue's own rules (owned by tags) invoke the function. On a function the catalogue owns,
    the prefix suffices, unless the statement names a rule that exists and is not the
    catalogue's (another catalogue's, or one made by hand). Either way the id and the rule must
    be the pair sched makes for one job (`naming.same_origin`).
    """

    prefix: str
    owned_functions: frozenset[str]
    owned_rules: frozenset[str]
    other_rules: frozenset[str]

    def owns(self, permission: Permission) -> bool:
        """Also, the statement must be the one sched makes for a rule: its id and the rule it
        names come from one job name (an id that merely has the prefix is someone's)."""
        if not permission.statement_id.startswith(self.prefix):
            return False
        _, marker, rule = permission.source_arn.partition(":rule/")
        if not marker or not naming.same_origin(permission.statement_id, rule):
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


def queue_statement_taken(
    statement: QueueStatement, scope: ReadScope, *, owned_rules: frozenset[str]
) -> Unowned | None:
    """A statement with one of the catalogue's Sids that the catalogue does not own: a name
    sched may not take (a collision when the plan would create it). Not one when it is exactly
    the statement sched writes for a rule of the catalogue's name that it does not own yet (what
    an apply stopped between the statement and its rule leaves; a rule someone else holds is a
    collision of its own): writing it again changes nothing, so the writer takes it as done
    (`QueueStatementWriter.create`)."""
    prefix = naming.owned_prefix(scope.names)
    if not statement.sid.startswith(prefix) or statement.source_arn in owned_rules:
        return None
    _, marker, rule = statement.source_arn.partition(":rule/")
    made_by_sched = QueueStatement(
        statement.queue_arn, statement.sid, naming.rule_arn(scope.region, scope.account, rule)
    )
    if marker and naming.same_origin(statement.sid, rule) and statement == made_by_sched:
        return None
    return Unowned(key_of(statement), f"exists, {NOT_OURS}")


def owns_tagged(
    name: str, tags: Mapping[str, str], catalogue: str, environment: str | None = None
) -> bool:
    """A taggable resource is the scope's when its name and its tags say so."""
    return naming.owns(name, tags, catalogue, environment)


def owns_target(target: Target) -> bool:
    """On an owned rule, only the target sched puts there is sched's."""
    return target.id == naming.TARGET_ID


def scheduler_role_arn(scope: ReadScope) -> str:
    return naming.role_arn(scope.region, scope.account, naming.scheduler_role_name(scope.names))


def owns_schedule(schedule: Schedule, scope: ReadScope) -> bool:
    """In the owned group, a schedule is sched's when its name is one sched makes and it runs
    as the catalogue's scheduler role, as every schedule sched makes does."""
    return naming.has_owned_name(schedule.name, scope.names) and (
        schedule.role_arn == scheduler_role_arn(scope)
    )


NOT_OURS = "not created by sched"


def taken_by(tags: Mapping[str, str]) -> str:
    """Why a resource with one of the catalogue's names is not the catalogue's, for people."""
    other = tags.get(naming.CATALOGUE_TAG)
    environment = tags.get(naming.ENVIRONMENT_TAG)
    if tags.get(naming.MANAGED_BY_KEY) == naming.MANAGED_BY_VALUE and other and environment:
        return f'exists, made by sched for catalogue "{other}", environment "{environment}"'
    if tags.get(naming.MANAGED_BY_KEY) == naming.MANAGED_BY_VALUE and other:
        return f'exists, made by sched for catalogue "{other}"'
    return f"exists, {NOT_OURS}"


def inside(resource: Resource) -> Unowned:
    """Something a person added inside a resource the catalogue owns."""
    return Unowned(key_of(resource), NOT_OURS, inside=True)


def beside(resource: Resource, tags: Mapping[str, str]) -> Unowned:
    """A resource with one of the catalogue's names that the catalogue does not own."""
    return Unowned(key_of(resource), taken_by(tags))


Tagged = Role | Function | Rule | ScheduleGroup | Topic


def without_strangers(resource: Tagged) -> tuple[Tagged, list[Unowned]]:
    """An owned resource as far as sched set it: the tags it set (`naming.TAG_KEYS_TAG`) and,
    on a role, the managed policies it attached (`naming.POLICIES_TAG`); and what a person added,
    to show. (A resource made before the marks shows its tags and policies as someone's until
    the next apply sets them again, marked: nothing is removed meanwhile.)"""
    tags = dict(resource.tags)
    key = key_of(resource)
    keys = tags.get(naming.TAG_KEYS_TAG)
    foreign = sorted(k for k in tags if not naming.is_sched_tag(k) and not naming.marked(k, keys))
    strangers = [Unowned(key, f"tag {k} not set by sched", inside=True) for k in foreign]
    tags = {k: v for k, v in tags.items() if k not in foreign}
    if not isinstance(resource, Role):
        return replace(resource, tags=pairs(tags)), strangers
    policies = tags.get(naming.POLICIES_TAG)
    arns = resource.managed_policy_arns
    attached = [a for a in arns if not naming.marked(a, policies)]
    strangers += [Unowned(key, f"policy {a} attached, not by sched", inside=True) for a in attached]
    arns = tuple(a for a in arns if a not in attached)
    return replace(resource, tags=pairs(tags), managed_policy_arns=arns), strangers


def topic_from_listing(
    name: str, tags: Mapping[str, str], subscriptions: Mapping[str, str]
) -> tuple[Topic, list[Unowned]]:
    """An owned topic with the email addresses sched subscribed (`naming.EMAILS_TAG`), from its
    subscriptions (endpoint → subscription ARN, anything else while unconfirmed); the other
    addresses are a person's, to show and never unsubscribe. (A topic made before the mark
    shows every address as someone's until the next apply subscribes them again, marked.)"""
    marks = tags.get(naming.EMAILS_TAG)
    pending = {e for e, arn in subscriptions.items() if not arn.startswith("arn:")}
    ours = sorted(e for e in subscriptions if naming.marked(e, marks))
    strangers = [
        Unowned(
            (Topic.kind, name),
            f"email {e}{' awaits confirmation,' if e in pending else ''} not subscribed by sched",
            inside=True,
        )
        for e in sorted(subscriptions)
        if e not in ours
    ]
    topic = Topic(
        name=name,
        emails=tuple(ours),
        tags=pairs(tags),
        pending=tuple(e for e in ours if e in pending),
    )
    return topic, strangers


def owned_state(listed: Iterable[Resource], scope: ReadScope) -> DeployedState:
    """What the catalogue of `scope` owns among `listed` (everything found in its account), and
    what it found with its names or inside what it owns and does not own."""
    resources = list(listed)
    catalogue = scope.names
    taggable = [
        r
        for r in resources
        if isinstance(r, Role | Function | Rule | ScheduleGroup | Topic)
        and naming.has_owned_name(r.name, catalogue)
    ]
    tagged = [
        r for r in taggable if owns_tagged(r.name, dict(r.tags), scope.catalogue, scope.environment)
    ]
    unowned = [beside(r, dict(r.tags)) for r in taggable if r not in tagged]
    owned_rules = {r.name for r in tagged if isinstance(r, Rule)}
    owned_groups = {r.name for r in tagged if isinstance(r, ScheduleGroup)}
    owned_functions = frozenset(r.name for r in tagged if isinstance(r, Function))

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
        owned_functions=owned_functions,
        owned_rules=arns(owned_rules),
        other_rules=arns(other_rules),
    )
    untagged: list[Resource] = []
    for r in resources:
        match r:
            case Target() if r.rule in owned_rules:
                ours = owns_target(r)
            case Schedule() if r.group in owned_groups:
                ours = owns_schedule(r, scope)
            case Alias() if r.function in owned_functions:
                ours = True
            case Permission() if statements.owns(r):
                ours = True
            case Permission() if r.function in owned_functions:
                ours = False
            case QueueStatement() if owns_queue_statement(
                r, prefix=statements.prefix, owned_rules=statements.owned_rules
            ):
                ours = True
            case QueueStatement():
                taken = queue_statement_taken(r, scope, owned_rules=statements.owned_rules)
                unowned.extend([taken] if taken else [])
                continue
            case _:
                continue
        if ours:
            untagged.append(r)
        else:
            unowned.append(inside(r))
    cleaned: list[Resource] = []
    for resource in tagged:
        as_set, strangers = without_strangers(resource)
        cleaned.append(as_set)
        unowned.extend(strangers)
    return ResourceState.of([*cleaned, *untagged], unowned)
