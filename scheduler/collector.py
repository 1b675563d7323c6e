"""Pausing Python's cyclic garbage collector around work that makes many objects and no garbage
cycles: loading a catalogue (a node tree and the data built from it) and reading a history.

Left on, the collector walks those objects again and again while they are made (loading is 3-4x
slower), only to find them all alive. Stdlib only: the watcher's history reading uses it.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """The collector off while the block runs, back as it was after it; what the block made and
    kept is then filed with the oldest objects (`_promote_survivors`)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            _promote_survivors()
            gc.enable()


def _promote_survivors() -> None:
    # Everything made while paused is still in the youngest generation, so the first collection
    # after the pause would walk every object the block kept (112 ms after validating 10,000
    # jobs) to free nothing. Freezing then unfreezing files them with the oldest generation
    # without a walk; full collections still reach them. Skipped when something else froze
    # objects (gc.freeze before forking, say): unfreezing would release those too.
    if gc.get_freeze_count() == 0:
        gc.freeze()
        gc.unfreeze()
