"""The resources of one side of a plan, collected: `ResourceState` keys them by (kind, name)
(`key_of`) and keeps them in apply order (`sort_key`); a deployed state also lists what sched
found and does not own (`Unowned`). Which listed resources a catalogue owns is `state.py`'s.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from scheduler.resources import Resource, ResourceKind

ResourceKey = tuple[ResourceKind, str]


def key_of(resource: Resource) -> ResourceKey:
    return (resource.kind, resource.key_name)


def sort_key(resource: Resource) -> tuple[int, str]:
    return (resource.kind.order, resource.key_name)


@dataclass(frozen=True)
class Unowned:
    """Something in AWS that sched did not create, found under a name sched uses or inside a
    resource it owns. `key` is the key sched would give it; `inside` marks one inside an owned
    resource (a target, a statement, a schedule a person added), drift to show and never revert;
    `why` is what tells it apart, for people."""

    key: ResourceKey
    why: str
    inside: bool = False


@dataclass(frozen=True)
class ResourceState:
    """A set of resources keyed by (kind, name), kept in apply order (kind, then name).

    The same type serves as desired state (compiled) and deployed state (read from AWS). A
    deployed state also lists what it found and does not own (`unowned`), never compared.
    """

    resources: tuple[Resource, ...] = ()
    unowned: tuple[Unowned, ...] = field(default=(), compare=False)
    _index: dict[ResourceKey, Resource] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.resources, key=sort_key))
        index: dict[ResourceKey, Resource] = {}
        for resource in ordered:
            key = key_of(resource)
            if key in index:
                raise ValueError(f"two resources share the key {key[0]} {key[1]}")
            index[key] = resource
        object.__setattr__(self, "resources", ordered)
        object.__setattr__(self, "_index", index)

    @classmethod
    def of(cls, resources: Iterable[Resource], unowned: Iterable[Unowned] = ()) -> ResourceState:
        return cls(tuple(resources), tuple(sorted(set(unowned), key=_unowned_order)))

    def get(self, key: ResourceKey) -> Resource | None:
        return self._index.get(key)

    def keys(self) -> tuple[ResourceKey, ...]:
        return tuple(self._index)

    def of_kind(self, kind: ResourceKind) -> tuple[Resource, ...]:
        return tuple(r for r in self.resources if r.kind is kind)

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def __iter__(self) -> Iterator[Resource]:
        return iter(self.resources)

    def __len__(self) -> int:
        return len(self.resources)


def _unowned_order(item: Unowned) -> tuple[int, str, str]:
    return (item.key[0].order, item.key[1], item.why)


DesiredState = ResourceState
DeployedState = ResourceState
