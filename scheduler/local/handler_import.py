"""Import a job's handler in this process the way its deployment zip would: the handler file's
folder is the import root, so `handler.py` is module `handler` and its sibling modules import.

Every job names its module `handler`, so each import is fresh and undone afterwards: the folder
leaves `sys.path`, modules loaded from it leave `sys.modules`, and what they shadowed comes back.
"""

from __future__ import annotations

import importlib
import os
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
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


@contextmanager
def handler_root(folder: Path, module: str, environ: Mapping[str, str]) -> Iterator[None]:
    """While open, `module` imports from `folder` (fresh) with `environ` set; then undone."""
    root = folder.resolve()
    with _LOCK, _environment(environ):
        shadowed = sys.modules.pop(module, None)
        before = set(sys.modules)
        writes_bytecode = sys.dont_write_bytecode
        sys.dont_write_bytecode = True  # leave no __pycache__ in the user's job folder
        sys.path.insert(0, str(root))
        importlib.invalidate_caches()
        try:
            yield
        finally:
            if str(root) in sys.path:
                sys.path.remove(str(root))
            sys.dont_write_bytecode = writes_bytecode
            for name in set(sys.modules) - before:
                loaded = sys.modules.get(name)
                if name == module or (loaded is not None and _under(loaded, root)):
                    del sys.modules[name]
            if shadowed is not None:
                sys.modules[module] = shadowed


def resolver(module: str, function: str) -> JobFunction:
    """The job function, imported as the runtime wrapper does (`module:function`)."""
    return load_function(f"{module}:{function}")
