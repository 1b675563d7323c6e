"""What every part of one StateReader read shares (`ScopedRead`): the clients, the scope and the
names it gives, the pool the per-resource calls fan out on (`map`), and the ownership check of a
tagged candidate (`owns`: `scheduler.state.owns_tagged`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from scheduler import naming
from scheduler.aws.clients import Clients
from scheduler.ports import ReadScope
from scheduler.state import owns_tagged

T = TypeVar("T")
R = TypeVar("R")


class ScopedRead:
    """One read's clients, scope and pool, which each part of the read (`reader._Read` and the
    readers it calls) shares; `map` runs one call per item on the pool."""

    def __init__(self, clients: Clients, scope: ReadScope, pool: ThreadPoolExecutor) -> None:
        self.c = clients
        self.scope = scope
        self.catalogue = scope.catalogue
        self.names = scope.names
        self.prefix = naming.owned_prefix(scope.names)
        self.pool = pool

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
        futures: list[Future[R]] = [self.pool.submit(fn, item) for item in items]
        return [f.result() for f in futures]

    def owns(self, name: str, tags: Mapping[str, str]) -> bool:
        return owns_tagged(name, tags, self.catalogue, self.scope.environment)
