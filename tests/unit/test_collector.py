"""The collector pause: off inside, back as it was after, and what it kept filed as old."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from scheduler.collector import collector_paused


class Kept:
    """A container the collector tracks."""


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def _generation_of(target: object) -> int | None:
    for generation in range(3):
        if any(o is target for o in gc.get_objects(generation)):
            return generation
    return None


def test_the_collector_is_off_inside_and_on_again_after(collector_on: None) -> None:
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off(collector_on: None) -> None:
    gc.disable()
    with collector_paused():
        pass
    assert not gc.isenabled()


def test_the_collector_comes_back_when_the_block_raises(collector_on: None) -> None:
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("boom")
    assert gc.isenabled()


def test_what_the_block_kept_is_in_the_oldest_generation_after_it(collector_on: None) -> None:
    with collector_paused():
        kept = Kept()
        assert _generation_of(kept) == 0
    assert _generation_of(kept) == 2


def test_objects_someone_else_froze_stay_frozen(collector_on: None) -> None:
    frozen = Kept()
    gc.freeze()
    try:
        with collector_paused():
            kept = Kept()
        # Frozen objects may die meanwhile, so the count is no measure; `frozen` itself is kept.
        assert gc.get_freeze_count() > 0
        assert _generation_of(frozen) is None  # still in the permanent generation
        assert _generation_of(kept) == 0
    finally:
        gc.unfreeze()
