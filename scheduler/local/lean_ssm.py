"""moto's SSM without moto's EC2, until EC2 is used.

moto's SSM models import EC2's at their top (`from moto.ec2 import ec2_backends`) for one call,
SendCommand, which looks up the instances its targets name. Importing moto's EC2 costs ~1.7 s of
CPU (it reads its region, zone and instance-type tables as it loads), and every local apply paid
it: the apply lock is an SSM parameter. While local mode runs, an import hook loads moto's SSM
models with a stand-in for `moto.ec2` whose `ec2_backends` imports the real module when first
used; anything else asked of the stand-in imports it at once. Once the SSM models are loaded the
stand-in is gone, and `moto.ec2` imports as ever.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import threading
import types
from collections.abc import Sequence
from typing import Any

from scheduler.local.import_hooks import WrappedLoader, wrapped_spec

SSM_MODELS = "moto.ssm.models"
EC2 = "moto.ec2"

_swap = threading.RLock()


def install() -> None:
    """Load moto's SSM models without EC2 from now on (until `remove`)."""
    if _FINDER in sys.meta_path:
        return
    # After every other hook (the deferred state's wraps this one), before the path's finder.
    try:
        at = sys.meta_path.index(importlib.machinery.PathFinder)
    except ValueError:
        at = len(sys.meta_path)
    sys.meta_path.insert(at, _FINDER)


def remove() -> None:
    if _FINDER in sys.meta_path:
        sys.meta_path.remove(_FINDER)


def _real_ec2() -> types.ModuleType:
    with _swap:
        module = sys.modules.get(EC2)
        if module is None or isinstance(module, _StandIn):
            sys.modules.pop(EC2, None)
            module = importlib.import_module(EC2)
        return module


class _Ec2Backends:
    """Stands for `moto.ec2.ec2_backends` in moto's SSM models: the real one, imported when
    first used."""

    def __getitem__(self, account_id: str) -> Any:
        return _real_ec2().ec2_backends[account_id]

    def __getattr__(self, name: str) -> Any:
        return getattr(_real_ec2().ec2_backends, name)


class _StandIn(types.ModuleType):
    """`moto.ec2` while moto's SSM models load."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # the import system asking (`__path__`): not a package
            raise AttributeError(name)
        return getattr(_real_ec2(), name)


class _Loader(WrappedLoader):
    """The SSM models' own loader, run with the stand-in in place of an unimported EC2."""

    def exec_module(self, module: types.ModuleType) -> None:
        with _swap:
            stand_in = None
            if EC2 not in sys.modules:
                stand_in = _StandIn(EC2)
                stand_in.__spec__ = importlib.util.find_spec(EC2)
                stand_in.ec2_backends = _Ec2Backends()  # type: ignore[attr-defined]
                sys.modules[EC2] = stand_in
        try:
            self.inner.exec_module(module)
        finally:
            with _swap:
                if stand_in is not None and sys.modules.get(EC2) is stand_in:
                    del sys.modules[EC2]


class _Finder(importlib.abc.MetaPathFinder):
    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: types.ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != SSM_MODELS or EC2 in sys.modules:
            return None
        # Only the finders after this one: the deferred state's, before it, asks them all.
        after = sys.meta_path[sys.meta_path.index(self) + 1 :] if self in sys.meta_path else []
        return wrapped_spec(
            after or [importlib.machinery.PathFinder], fullname, path, target, _Loader
        )


_FINDER = _Finder()
