"""Every loader code has a failing and a passing fixture under tests/fixtures/catalogue/."""

from __future__ import annotations

from pathlib import Path

import pytest
from catalogue_support import FIXTURES, found

from scheduler.catalogue.loader import load

FAILING = {
    "SCH002": [("SCH002", 5, 15)],
    "SCH003": [("SCH003", 7, 5)],
    "SCH004": [("SCH004", 2, 1)],
    "SCH005": [("SCH005", 7, 5)],
    "SCH006": [("SCH006", 8, 13)],
    "SCH007": [("SCH007", 4, 3)],
    "SCH008": [("SCH008", 8, 1)],
}
CODES = [f"SCH00{n}" for n in range(1, 9)]


def test_every_code_has_both_fixtures_and_nothing_else_is_there() -> None:
    names = {path.name for path in FIXTURES.glob("*.yaml")}
    expected = {f"{code}.pass.yaml" for code in CODES}
    expected |= {f"{code}.fail.yaml" for code in FAILING}
    assert names == expected | {"example.yaml"}


@pytest.mark.parametrize("code", CODES)
def test_passing_fixture_loads_without_any_diagnostic(code: str) -> None:
    result = load(FIXTURES / f"{code}.pass.yaml")
    assert result.diagnostics == ()
    assert result.catalogue is not None
    assert result.catalogue.jobs != ()
    assert result.invalid_jobs == frozenset()


@pytest.mark.parametrize(("code", "expected"), sorted(FAILING.items()))
def test_failing_fixture_reports_exactly_its_code(
    code: str, expected: list[tuple[str, int, int]]
) -> None:
    result = load(FIXTURES / f"{code}.fail.yaml")
    assert found(result) == expected
    assert result.diagnostics[0].span.file == str(FIXTURES / f"{code}.fail.yaml")


def test_sch001_fails_for_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    text = (FIXTURES / "SCH001.pass.yaml").read_bytes().replace("—".encode(), b"\x97")
    path = tmp_path / "SCH001.fail.yaml"
    path.write_bytes(text)
    assert found(load(path)) == [("SCH001", 6, 42)]


def test_example_catalogue_loads_its_six_jobs() -> None:
    result = load(FIXTURES / "example.yaml")
    assert result.diagnostics == ()
    assert result.catalogue is not None
    jobs = {job.name: job for job in result.catalogue.jobs}
    assert list(jobs) == [
        "log-backup",
        "nightly-reindex",
        "hourly-metrics",
        "hourly-audit",
        "daily-report",
        "cleanup",
    ]
    assert jobs["hourly-audit"].memory == 512
    assert jobs["hourly-audit"].handler == "jobs/audit/handler.py"
    assert jobs["cleanup"].description == "Delete expired exports.\nRuns on weekdays only.\n"
    assert jobs["nightly-reindex"].fargate is not None
    assert jobs["nightly-reindex"].fargate.subnets == ("subnet-0abc", "subnet-0def")
