"""The code sched zips, as-is, into every function it deploys (as the package `sched_runtime`):
`contract.py` is the wire contract with the code that reads the logs, `wrapper.py` the entry
point Lambda calls. Standard library only, and relative imports only, so it runs under either name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .wrapper import handler

__all__ = ["handler"]


def __getattr__(name: str) -> Any:
    # Lambda imports the package, then gets `handler` from it (getattr, which asks here): the
    # wrapper is imported then, and not by sched's own readers of `contract` (sched validate).
    if name == "handler":
        from .wrapper import handler

        return handler
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
