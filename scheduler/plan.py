"""DesiredState × DeployedState → Plan: what to create, update, replace or delete, and why.

Pure. Changes come in a fixed order: creates, updates and replaces by kind (roles → functions →
permissions → rules and schedule groups → schedules, targets and dead-letter queue statements),
then deletes in the reverse order. Only what is in the deployed state (which holds only what
the catalogue owns) is deleted.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields, is_dataclass, replace
from datetime import datetime
from enum import Enum, StrEnum
from typing import Any

from scheduler.resource_state import DeployedState, DesiredState, ResourceKey, Unowned, key_of
from scheduler.resources import MAPPING, Alias, Resource, ResourceKind, Schedule, Topic

# Kinds applied together; each phase starts when the one before has finished.
PHASES: tuple[frozenset[ResourceKind], ...] = (
    frozenset({ResourceKind.ROLE, ResourceKind.TOPIC}),
    frozenset({ResourceKind.FUNCTION}),
    frozenset({ResourceKind.ALIAS}),
    frozenset({ResourceKind.PERMISSION}),
    frozenset({ResourceKind.RULE, ResourceKind.SCHEDULE_GROUP}),
    # A statement in a user's queue is sched's only once its rule exists (state.py): written
    # before the rule, an apply stopped in between would leave it unclaimed.
    frozenset({ResourceKind.SCHEDULE, ResourceKind.TARGET, ResourceKind.QUEUE_POLICY}),
)


# Deletes run after creates and updates, mostly in reverse, except that a permission (or a
# queue's statement) goes before its rule: ownership of a statement on a function or queue sched
# did not create is proved by its rule, so a delete interrupted between the two must not leave
# the statement unprovable.
DELETE_PHASES: tuple[frozenset[ResourceKind], ...] = (
    frozenset({ResourceKind.SCHEDULE, ResourceKind.TARGET}),
    frozenset({ResourceKind.PERMISSION, ResourceKind.QUEUE_POLICY}),
    frozenset({ResourceKind.RULE, ResourceKind.SCHEDULE_GROUP}),
    frozenset({ResourceKind.ALIAS}),
    frozenset({ResourceKind.FUNCTION}),
    frozenset({ResourceKind.ROLE, ResourceKind.TOPIC}),
)


def phase_of(kind: ResourceKind, phases: tuple[frozenset[ResourceKind], ...] = PHASES) -> int:
    return next(i for i, kinds in enumerate(phases) if kind in kinds)


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    REPLACE = "replace"  # no API changes it in place: delete, then create
    DELETE = "delete"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class FieldChange:
    """One field that differs; nested fields and map keys are dotted (`tags.team`)."""

    field: str
    old: object
    new: object

    def __str__(self) -> str:
        return f"{self.field}: {render(self.old)} → {render(self.new)}"


@dataclass(frozen=True)
class Change:
    """What happens to one resource. `before` is the deployed one, `after` the desired one."""

    action: Action
    before: Resource | None
    after: Resource | None
    fields: tuple[FieldChange, ...] = ()

    def __post_init__(self) -> None:
        resource = self.after or self.before
        assert resource is not None, "a change needs a resource"
        if self.before is not None and self.after is not None:
            assert key_of(self.before) == key_of(self.after), "a change keeps its resource key"

    @property
    def resource(self) -> Resource:
        resource = self.after or self.before
        assert resource is not None
        return resource

    @property
    def key(self) -> ResourceKey:
        return key_of(self.resource)

    @property
    def kind(self) -> ResourceKind:
        return self.resource.kind

    @property
    def name(self) -> str:
        return self.resource.key_name

    @property
    def phase(self) -> int:
        """The apply phase: creates and updates go forward, deletes after them (DELETE_PHASES)."""
        if self.action is Action.DELETE:
            return len(PHASES) + phase_of(self.kind, DELETE_PHASES)
        return phase_of(self.kind)

    def __str__(self) -> str:
        return f"{self.action} {self.kind} {self.name}"


@dataclass(frozen=True)
class Plan:
    """Every resource of desired ∪ deployed once, in apply order (unchanged ones included).

    `collisions`: creates whose name someone else holds (apply refuses them all before its first
    write, as a CloudFormation change set does); `drift`: what a person added inside resources
    sched owns, shown and left as it is (never a change).
    """

    changes: tuple[Change, ...] = ()
    collisions: tuple[Unowned, ...] = ()
    drift: tuple[Unowned, ...] = ()
    # One-off at() schedules past their time and gone: they ran and deleted themselves, so
    # they are not created again (no change, shown apart).
    finished: tuple[Schedule, ...] = ()
    # Aliases `sched rollback` pinned to an older version: kept there, shown apart.
    pinned: tuple[Alias, ...] = ()

    @property
    def pending(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.action is not Action.UNCHANGED)

    @property
    def has_changes(self) -> bool:
        return bool(self.pending)

    def count(self, action: Action) -> int:
        return sum(1 for c in self.changes if c.action is action)

    def phases(self) -> tuple[tuple[Change, ...], ...]:
        """Pending changes grouped by apply phase, phases in order, empty ones left out."""
        grouped: dict[int, list[Change]] = {}
        for change in self.pending:
            grouped.setdefault(change.phase, []).append(change)
        return tuple(tuple(grouped[p]) for p in sorted(grouped))


def make_plan(
    desired: DesiredState, deployed: DeployedState, *, now: datetime | None = None
) -> Plan:
    """The changes that turn `deployed` into `desired`. With `now`, a one-off schedule whose
    time has passed and that is not deployed has run and deleted itself: it is `finished`."""
    forward: list[Change] = []
    finished: list[Schedule] = []
    lapsing: list[Unowned] = []
    pinned: list[Alias] = []
    for wanted in desired:
        resource = wanted
        current = deployed.get(key_of(resource))
        if current is None and now is not None and _has_run(resource, now):
            assert isinstance(resource, Schedule)
            finished.append(resource)
            continue
        if isinstance(current, Topic) and isinstance(resource, Topic):
            current, unremovable = _without_unremovable(current, resource)
            lapsing.extend(unremovable)
        if isinstance(current, Alias) and isinstance(resource, Alias) and current.pinned:
            # The catalogue wants the newest version, and whoever rolled back wants this one
            # until they say otherwise (`sched rollback JOB --latest`): shown, left there.
            resource = replace(resource, version=current.version, pinned=True)
            pinned.append(current)
        forward.append(_compare(current, resource))
    deletes = [
        Change(Action.DELETE, before=r, after=None) for r in deployed if key_of(r) not in desired
    ]
    forward.sort(key=lambda c: (c.phase, c.kind.order, c.name))
    deletes.sort(key=lambda c: (c.phase, -c.kind.order, c.name))
    taken = {u.key: u for u in deployed.unowned}
    collisions = tuple(
        taken[c.key] for c in forward if c.action is Action.CREATE and c.key in taken
    )
    clashing = {u.key for u in collisions}
    drift = tuple(u for u in deployed.unowned if u.inside and u.key not in clashing)
    return Plan(
        tuple(forward + deletes),
        collisions,
        drift + tuple(lapsing),
        tuple(finished),
        tuple(pinned),
    )


def _has_run(resource: Resource, now: datetime) -> bool:
    if not isinstance(resource, Schedule) or resource.action_after_completion != "DELETE":
        return False
    if resource.fires_at is None:
        return False
    return datetime.fromisoformat(resource.fires_at.replace("Z", "+00:00")) <= now


def _without_unremovable(current: Topic, wanted: Topic) -> tuple[Topic, list[Unowned]]:
    """The topic without the addresses the catalogue dropped that still await confirmation: SNS
    gives them no subscription ARN to unsubscribe, and deletes them after three days
    (https://docs.aws.amazon.com/sns/latest/dg/sns-email-notifications.html), so a plan that
    removed them would never converge."""
    stuck = [e for e in current.pending if e not in wanted.emails]
    if not stuck:
        return current, []
    why = "awaits confirmation, which SNS offers no way to cancel (it lapses after 3 days)"
    drift = [Unowned(key_of(current), f"email {e} {why}", inside=True) for e in stuck]
    emails = tuple(e for e in current.emails if e not in stuck)
    return replace(current, emails=emails), drift


def _compare(current: Resource | None, wanted: Resource) -> Change:
    if current is None:
        return Change(Action.CREATE, before=None, after=wanted)
    changes = tuple(diff(current, wanted))
    if not changes:
        return Change(Action.UNCHANGED, before=current, after=wanted)
    replace = any(c.field.split(".", 1)[0] in wanted.replace_on for c in changes)
    return Change(Action.REPLACE if replace else Action.UPDATE, current, wanted, changes)


def diff(old: Any, new: Any) -> Iterator[FieldChange]:
    """Field-level differences of two resources (or nested values) of the same type."""
    yield from _diff_fields("", old, new)


def _diff_fields(prefix: str, old: Any, new: Any) -> Iterator[FieldChange]:
    for f in fields(new):
        if not f.compare:
            continue
        path = f"{prefix}{f.name}"
        before, after = getattr(old, f.name), getattr(new, f.name)
        if before == after:
            continue
        if f.metadata.get(MAPPING):
            old_map, new_map = dict(before), dict(after)
            for key in sorted(old_map.keys() | new_map.keys()):
                if old_map.get(key) != new_map.get(key):
                    yield FieldChange(f"{path}.{key}", old_map.get(key), new_map.get(key))
        elif _is_record(before) and type(before) is type(after):
            yield from _diff_fields(f"{path}.", before, after)
        else:
            yield FieldChange(path, before, after)


def _is_record(value: object) -> bool:
    return is_dataclass(value) and not isinstance(value, type)


def render(value: object) -> str:
    """A value as a person reads it in a plan: `(none)`, `true`, `[a, b]`, `{k=v}`."""
    if value is None:
        return "(none)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, str):
        return value if value else '""'
    if isinstance(value, tuple):
        if all(isinstance(v, tuple) and len(v) == 2 for v in value) and value:
            return "{" + ", ".join(f"{k}={render(v)}" for k, v in value) + "}"
        return "[" + ", ".join(render(v) for v in value) + "]"
    if is_dataclass(value) and not isinstance(value, type):
        parts = (f"{f.name}={render(getattr(value, f.name))}" for f in fields(value) if f.compare)
        return "{" + ", ".join(parts) + "}"
    return str(value)
