"""Saved backends of services this process has not imported yet, loaded when moto imports them.

moto imports a service's models on its first request; SSM's alone pulls in EC2 and costs over
a second of CPU. A command that never calls a service (a plan never calls SSM, which only
holds the apply lock) should not pay for it: `defer` keeps the service's pickled backends and
an import hook loads them right after moto's module for it runs, before any request reads it.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
import threading
from collections.abc import Callable, Sequence
from types import ModuleType

from scheduler.local.import_hooks import WrappedLoader, wrapped_spec

Load = Callable[[ModuleType], None]
"""What restores a service's backends into its just-imported moto module."""

_lock = threading.Lock()
_pending: dict[str, tuple[str, bytes, Load]] = {}  # module name → (key, pickled data, load)


def defer(key: str, module_name: str, data: bytes, load: Load) -> None:
    """Run `load(module)` when `module_name` is imported; until then `pending()` holds `data`."""
    with _lock:
        _pending[module_name] = (key, data, load)
        if _FINDER not in sys.meta_path:
            sys.meta_path.insert(0, _FINDER)


def pending() -> dict[str, bytes]:
    """key → pickled data of every deferred service not imported yet (saved back as it was)."""
    with _lock:
        return {key: data for key, data, _ in _pending.values()}


def load_now(wanted: Callable[[str], bool]) -> None:
    """Load at once the deferred services whose key `wanted` accepts, by importing their moto
    modules (the import hook then installs their backends)."""
    with _lock:
        names = [name for name, (key, _, _) in _pending.items() if wanted(key)]
    for name in names:
        importlib.import_module(name)


def forget() -> None:
    """Drop what is deferred (the local AWS stopped)."""
    with _lock:
        _pending.clear()
        if _FINDER in sys.meta_path:
            sys.meta_path.remove(_FINDER)


def _take(module_name: str) -> Load | None:
    with _lock:
        found = _pending.pop(module_name, None)
        if not _pending and _FINDER in sys.meta_path:
            sys.meta_path.remove(_FINDER)
    return None if found is None else found[2]


class _Loader(WrappedLoader):
    """The module's own loader, then the deferred backends."""

    def exec_module(self, module: ModuleType) -> None:
        self.inner.exec_module(module)
        load = _take(module.__name__)
        if load is not None:
            load(module)


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        with _lock:
            if fullname not in _pending:
                return None
        others = [finder for finder in sys.meta_path if finder is not self]
        return wrapped_spec(others, fullname, path, target, _Loader)


_FINDER = _Finder()
