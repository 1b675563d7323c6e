"""Import a job's handler in this process the way its deployment zip would: the handler file's
folder is the import root, so `handler.py` is module `handler` and its sibling modules import,
and each shared code folder imports under its own name (`jobs/lib` as `lib`), as at the zip's
root, without putting its parent (the other jobs' folders) on the path.

Every job names its module `handler`, so each import is fresh and undone afterwards: the folder
leaves `sys.path`, modules loaded from it leave `sys.modules`, and what they shadowed comes back.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import os
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from importlib.machinery import ModuleSpec
from pathlib import Path
from types import ModuleType

from scheduler.runtime.wrapper import JobFunction, load_function

# sys.path, sys.modules and os.environ are process-wide: one local run at a time.
_LOCK = threading.Lock()


def _under(module: ModuleType, folder: Path) -> bool:
    file = getattr(module, "__file__", None)
    if not file:
        return False
    try:
        return Path(file).resolve().is_relative_to(folder)
    except OSError:
        return False


@contextmanager
def _environment(values: Mapping[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


class _SharedFinder(importlib.abc.MetaPathFinder):
    """Finds the top-level names of the shared code folders, each in its own folder only."""

    def __init__(self, shared: Mapping[str, Path]) -> None:
        self.shared = shared

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> ModuleSpec | None:
        folder = self.shared.get(fullname)
        if folder is None:
            return None
        return importlib.machinery.PathFinder.find_spec(fullname, [str(folder.parent)])


@contextmanager
def handler_root(
    folder: Path,
    module: str,
    environ: Mapping[str, str],
    shared: Mapping[str, Path] | None = None,
) -> Iterator[None]:
    """While open, `module` imports from `folder` (fresh), each name of `shared` from its
    folder (name → folder), with `environ` set; then undone."""
    root = folder.resolve()
    roots = [root, *(path.resolve() for path in (shared or {}).values())]
    names = [module, *(shared or {})]
    finder = _SharedFinder({name: path.resolve() for name, path in (shared or {}).items()})
    with _LOCK, _environment(environ):
        shadowed = {name: sys.modules.pop(name) for name in names if name in sys.modules}
        before = set(sys.modules)
        writes_bytecode = sys.dont_write_bytecode
        sys.dont_write_bytecode = True  # leave no __pycache__ in the user's job folder
        sys.path.insert(0, str(root))
        sys.meta_path.insert(0, finder)
        importlib.invalidate_caches()
        try:
            yield
        finally:
            if str(root) in sys.path:
                sys.path.remove(str(root))
            if finder in sys.meta_path:
                sys.meta_path.remove(finder)
            sys.dont_write_bytecode = writes_bytecode
            for name in set(sys.modules) - before:
                loaded = sys.modules.get(name)
                if name in names or (loaded is not None and any(_under(loaded, r) for r in roots)):
                    del sys.modules[name]
            sys.modules.update(shadowed)


def resolver(module: str, function: str) -> JobFunction:
    """The job function, imported as the runtime wrapper does (`module:function`)."""
    return load_function(f"{module}:{function}")
