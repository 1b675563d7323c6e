"""`ignore:` on a job and at the top level: which findings it silences, and which it cannot."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scheduler.app.check import check
from scheduler.diagnostics import Diagnostic, Severity, Span, Suppression, active
from scheduler.rules import all_docs
from scheduler.rules.base import IGNORE_CODES
from scheduler.rules.suppression import DOCS as SUPPRESSION_DOCS
from scheduler.validate import validate

RULES = Path(__file__).parent.parent / "fixtures" / "rules"
NOW = datetime(2026, 11, 25, tzinfo=UTC)
LOCK = "the overlap is deliberate: the job takes a lock"
BUSY = "    schedule: rate(5 minutes)\n    expected_runtime: 7m\n    timeout: 12m\n"
HANDLER = "    handler: jobs/ok/handler.py:main\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shutil.copytree(RULES / "jobs" / "ok", tmp_path / "jobs" / "ok")
    return tmp_path


def _found(folder: Path, text: str) -> list[Diagnostic]:
    path = folder / "jobs.yaml"
    path.write_text(text)
    return validate(path, now=NOW, local_data=False)[1]


def _rows(found: list[Diagnostic]) -> list[tuple[str, int, str | None]]:
    return [(d.code, d.span.line, d.suppressed and d.suppressed.reason) for d in found]


def test_a_jobs_ignore_silences_its_own_finding_and_not_another_jobs(folder: Path) -> None:
    text = (
        f"catalogue: fx\njobs:\n  busy:\n{BUSY}{HANDLER}"
        f'    ignore:\n      SCH108: "{LOCK}"\n'
        f"  other:\n{BUSY}{HANDLER}"
    )
    found = _found(folder, text)
    assert _rows(found) == [("SCH108", 4, LOCK), ("SCH108", 11, None)]
    where = Span(str(folder / "jobs.yaml"), 9, 7, 9, 13)
    assert found[0].suppressed == Suppression(LOCK, where)


def test_the_top_level_ignore_silences_the_code_in_every_job(folder: Path) -> None:
    text = (
        f'catalogue: fx\nignore:\n  SCH108: "{LOCK}"\njobs:\n'
        f"  busy:\n{BUSY}{HANDLER}  other:\n{BUSY}{HANDLER}"
    )
    assert _rows(_found(folder, text)) == [("SCH108", 6, LOCK), ("SCH108", 11, LOCK)]


def test_a_jobs_ignore_covers_a_finding_written_in_an_x_anchor_it_merges(folder: Path) -> None:
    """The README's pattern: the schedule sits in a shared `x-` anchor, so SCH108 is reported
    there, outside the job; the job's own entry still silences it (the message names the job)."""
    text = (
        "catalogue: fx\nx-busy: &busy\n  schedule: rate(5 minutes)\n  expected_runtime: 7m\n"
        "  timeout: 12m\njobs:\n  busy:\n    <<: *busy\n"
        f'{HANDLER}    ignore:\n      SCH108: "{LOCK}"\n'
        f"  other:\n    <<: *busy\n{HANDLER}"
    )
    assert _rows(_found(folder, text)) == [("SCH108", 3, LOCK), ("SCH108", 3, None)]


def test_a_jobs_ignore_covers_a_warning_on_a_setting_it_takes_from_defaults(folder: Path) -> None:
    text = (
        "catalogue: fx\ndefaults:\n  runtime: python3.10\njobs:\n"
        "  old:\n    schedule: rate(1 hour)\n    expected_runtime: 1m\n"
        f'{HANDLER}    ignore:\n      SCH213: "moving in January, ticket OPS-12"\n'
        f"  older:\n    schedule: rate(1 hour)\n    expected_runtime: 1m\n{HANDLER}"
    )
    found = _found(folder, text)
    assert [(d.code, d.span.line) for d in found] == [("SCH213", 3), ("SCH213", 3)]
    by_job = {d.message.split(" uses")[0]: d.suppressed and d.suppressed.reason for d in found}
    assert by_job == {'job "old"': "moving in January, ticket OPS-12", 'job "older"': None}


def test_an_error_stays_an_error_even_under_a_catalogue_wide_entry(folder: Path) -> None:
    text = (
        'catalogue: fx\nignore:\n  SCH201: "it runs 20 minutes"\njobs:\n'
        f"  long:\n    schedule: rate(1 day)\n    expected_runtime: 20m\n{HANDLER}"
    )
    assert _rows(_found(folder, text)) == [("SCH023", 3, None), ("SCH201", 7, None)]


def test_an_entry_with_no_reason_silences_nothing(folder: Path) -> None:
    text = f"catalogue: fx\njobs:\n  busy:\n{BUSY}{HANDLER}    ignore:\n      SCH108:\n"
    assert _rows(_found(folder, text)) == [("SCH108", 4, None), ("SCH021", 9, None)]


def test_only_warnings_and_infos_can_be_silenced_and_never_the_ignore_codes() -> None:
    docs = all_docs()
    assert {doc.code for doc in SUPPRESSION_DOCS} == IGNORE_CODES
    silenceable = {code for code, doc in docs.items() if doc.suppressible}
    assert "SCH108" in silenceable
    assert "SCH022" not in silenceable  # a warning, but about ignore: itself
    assert all(docs[code].severity < Severity.ERROR for code in silenceable)


def test_the_gate_before_aws_shows_no_suppressed_finding(folder: Path) -> None:
    text = f'catalogue: fx\njobs:\n  busy:\n{BUSY}{HANDLER}    ignore:\n      SCH108: "{LOCK}"\n'
    (folder / "jobs.yaml").write_text(text)
    checked = check(folder / "jobs.yaml", now=NOW)
    assert checked.diagnostics == ()
    assert active(_found(folder, text)) == []


def test_an_unknown_code_suggests_only_a_code_one_character_off(folder: Path) -> None:
    def hint(code: str) -> str | None:
        text = f'catalogue: fx\nignore:\n  {code}: "why"\njobs:\n  busy:\n{BUSY}{HANDLER}'
        [unknown] = [d for d in _found(folder, text) if d.code == "SCH020"]
        return unknown.hint

    assert hint("SCH180") == "did you mean SCH108? `sched rules` lists every code"
    assert hint("SCH999") == "`sched rules` lists every code"
