"""quick_init: the quicker __init__ builds what dataclasses' own builds, and stays frozen."""

from __future__ import annotations

import dataclasses

import pytest

from scheduler.history.frozen import quick_init
from scheduler.history.model import Run, RunStatus


@dataclasses.dataclass(frozen=True, slots=True)
class _Plain:
    a: int
    b: str = "b"


_Quick: type = quick_init(
    dataclasses.make_dataclass("_Quick", [("a", int), ("b", str, "b")], frozen=True, slots=True)
)


def test_same_values_defaults_and_equality_as_dataclasses_init() -> None:
    assert _Quick(1).b == "b"
    assert _Quick(1, "x") == _Quick(a=1, b="x")
    assert hash(_Quick(1)) == hash(_Quick(1))
    assert dataclasses.asdict(_Quick(2, "y")) == dataclasses.asdict(_Plain(2, "y"))


def test_still_frozen() -> None:
    run = Run("job", "id", RunStatus.SUCCEEDED)
    with pytest.raises(dataclasses.FrozenInstanceError):
        run.job = "other"  # type: ignore[misc]
    assert dataclasses.replace(run, late=True).late is True


def test_missing_argument_is_refused() -> None:
    with pytest.raises(TypeError):
        _Quick()


@pytest.mark.parametrize(
    "cls",
    [
        dataclasses.make_dataclass("Open", [("a", int)], slots=True),
        dataclasses.make_dataclass("NoSlots", [("a", int)], frozen=True),
        dataclasses.make_dataclass(
            "Factory",
            [("a", list, dataclasses.field(default_factory=list))],
            frozen=True,
            slots=True,
        ),
    ],
)
def test_other_dataclasses_are_refused(cls: type) -> None:
    with pytest.raises(TypeError):
        quick_init(cls)
