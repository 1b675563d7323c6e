"""The code sched zips, as-is, into every function it deploys (as the package `sched_runtime`):
`contract.py` is the wire contract with the code that reads the logs, `wrapper.py` the entry
point Lambda calls. Standard library only, and relative imports only, so it runs under either name.
"""

from __future__ import annotations

from .wrapper import handler

__all__ = ["handler"]
