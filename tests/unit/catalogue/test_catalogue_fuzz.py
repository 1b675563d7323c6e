"""The loader never raises: arbitrary text, bytes and mangled catalogues become diagnostics."""

from __future__ import annotations

from catalogue_support import FIXTURES
from hypothesis import given, settings
from hypothesis import strategies as st

from scheduler.catalogue.loader import LoadResult, load_text

CODES = {f"SCH00{n}" for n in range(1, 9)}
EXAMPLE = (FIXTURES / "example.yaml").read_text()
YAMLISH = st.text(alphabet=st.sampled_from(list("ab01 :-,#&*!<>|'\"[]{}?\n\t\\.~@%`=é")))


def _check(result: LoadResult) -> None:
    assert isinstance(result, LoadResult)
    for diagnostic in result.diagnostics:
        assert diagnostic.code in CODES
        assert diagnostic.span.line >= 1
        assert diagnostic.span.column >= 1
    keys = [d.sort_key() for d in result.diagnostics]
    assert keys == sorted(keys)
    if result.catalogue is not None:
        assert not {job.name for job in result.catalogue.jobs} & result.invalid_jobs


@settings(max_examples=300, deadline=None)
@given(YAMLISH)
def test_any_yamlish_text(text: str) -> None:
    _check(load_text(text, "jobs.yaml"))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_any_bytes(data: bytes) -> None:
    _check(load_text(data, "jobs.yaml"))


@settings(max_examples=300, deadline=None)
@given(st.integers(0, len(EXAMPLE)), st.integers(0, 40), YAMLISH.filter(lambda s: len(s) < 12))
def test_mangled_example(start: int, removed: int, inserted: str) -> None:
    _check(load_text(EXAMPLE[:start] + inserted + EXAMPLE[start + removed :], "jobs.yaml"))
