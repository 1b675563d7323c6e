"""What local mode's import hooks share (`deferred.py`, `lean_ssm.py`): the spec another finder
finds for a module, with its loader wrapped so that code runs around the module's execution."""

from __future__ import annotations

import importlib.abc
import importlib.machinery
from collections.abc import Callable, Iterable, Sequence
from types import ModuleType


class WrappedLoader(importlib.abc.Loader):
    """Another finder's loader of one module; a subclass runs code around `exec_module`."""

    def __init__(self, inner: importlib.abc.Loader) -> None:
        self.inner = inner

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType | None:
        return self.inner.create_module(spec)

    def exec_module(self, module: ModuleType) -> None:
        self.inner.exec_module(module)


def wrapped_spec(
    finders: Iterable[object],
    fullname: str,
    path: Sequence[str] | None,
    target: ModuleType | None,
    wrap: Callable[[importlib.abc.Loader], importlib.abc.Loader],
) -> importlib.machinery.ModuleSpec | None:
    """The first spec of `fullname` that `finders` find, its loader wrapped by `wrap`."""
    for finder in finders:
        find = getattr(finder, "find_spec", None)
        spec: importlib.machinery.ModuleSpec | None = (
            None if find is None else find(fullname, path, target)
        )
        if spec is not None:
            if spec.loader is not None:
                spec.loader = wrap(spec.loader)
            return spec
    return None
