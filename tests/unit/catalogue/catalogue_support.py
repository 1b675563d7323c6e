"""Helpers shared by the catalogue loader tests."""

from __future__ import annotations

from pathlib import Path

from scheduler.catalogue.loader import LoadResult, load_text
from scheduler.diagnostics import Span

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "catalogue"

VALID_JOB = "    schedule: rate(1 day)\n    expected_runtime: 5m\n"


def found(result: LoadResult) -> list[tuple[str, int, int]]:
    """The diagnostics as (code, line, column), in the order the loader returns them."""
    return [(d.code, d.span.line, d.span.column) for d in result.diagnostics]


def loaded(text: str) -> LoadResult:
    return load_text(text, "jobs.yaml")


def region(span: Span) -> tuple[int, int, int | None, int | None]:
    return (span.line, span.column, span.end_line, span.end_column)


def billion_laughs(levels: int = 9) -> str:
    lines = ["catalogue: acme-ops", "lol1: &lol1 [" + ", ".join(["lol"] * 9) + "]"]
    for level in range(2, levels + 1):
        items = ", ".join([f"*lol{level - 1}"] * 9)
        lines.append(f"lol{level}: &lol{level} [{items}]")
    return "\n".join(lines) + "\n"


def generated_catalogue(jobs: int) -> str:
    """A large, valid catalogue: every job with a description, input and tags."""
    out = ["catalogue: big\n", "defaults:\n  memory: 512\n  tags: {team: platform}\n", "jobs:\n"]
    for i in range(jobs):
        out.append(
            f"  job-{i}:\n"
            f"    description: Job number {i}\n"
            f"    schedule: cron({i % 60} {i % 24} * * ? *)\n"
            f"    expected_runtime: 5m\n"
            f"    handler: jobs/job_{i}/handler.py:main\n"
            f"    input: {{bucket: b-{i}, prefix: p/{i}}}\n"
            f"    tags: {{owner: team-{i % 7}}}\n"
        )
    return "".join(out)
