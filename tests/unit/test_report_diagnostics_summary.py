"""The summary line under `sched validate`'s findings: counts by severity, and which of them
are in another file than the catalogue (its local data)."""

from __future__ import annotations

from scheduler.diagnostics import Diagnostic, Severity, Span
from scheduler.report.diagnostics import summary_line


def _finding(file: str, severity: Severity = Severity.ERROR) -> Diagnostic:
    return Diagnostic("SCH010", severity, "m", Span(file, 1, 1), "h")


def test_findings_of_the_catalogue_alone_are_counted_without_a_file() -> None:
    found = [_finding("jobs.yaml"), _finding("jobs.yaml", Severity.WARNING)]
    assert summary_line(found, "jobs.yaml") == "jobs.yaml: 1 error, 1 warning"


def test_findings_of_another_file_are_said_to_be_there() -> None:
    found = [_finding("local-data.yaml"), _finding("jobs.yaml", Severity.WARNING)]
    assert (
        summary_line(found, "jobs.yaml") == "jobs.yaml: 1 error, 1 warning (1 in local-data.yaml)"
    )


def test_no_findings_says_so() -> None:
    assert summary_line([], "jobs.yaml") == "jobs.yaml: no problems found"
