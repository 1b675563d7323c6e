"""SCH225, fire-time collisions: the default threshold (Lambda's account concurrency), what the
warning names, and the jobs it leaves out."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from scheduler.diagnostics import Diagnostic
from scheduler.validate import validate

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
ARN = "arn:aws:lambda:eu-west-1:123456789012:function:f"


def _validate(tmp_path: Path, jobs: list[str], *, head: str = "") -> list[Diagnostic]:
    path = tmp_path / "jobs.yaml"
    path.write_text(f"catalogue: fx\n{head}jobs:\n" + "".join(f"  {j}\n" for j in jobs))
    return [d for d in validate(path, now=NOW)[1] if d.code == "SCH225"]


def _midnight(n: int, extra: str = "", start: int = 0) -> list[str]:
    return [
        f"job-{i:04d}: {{schedule: '0 0 * * *', expected_runtime: 1m, function: '{ARN}'{extra}}}"
        for i in range(start, start + n)
    ]


def test_past_lambdas_default_concurrency_it_names_the_minute_and_five_jobs(
    tmp_path: Path,
) -> None:
    (finding,) = _validate(tmp_path, _midnight(1001))
    assert finding.message == (
        "1001 jobs run at once at 2026-11-26 00:00 UTC, over 1000 (Lambda's default account "
        "concurrency): job-0000, job-0001, job-0002, job-0003, job-0004 and 996 more"
    )
    assert (finding.span.line, finding.span.column) == (3, 24)


def test_at_lambdas_default_concurrency_it_is_quiet(tmp_path: Path) -> None:
    assert _validate(tmp_path, _midnight(1000)) == []


def test_jobs_with_a_flexible_window_or_disabled_are_left_out(tmp_path: Path) -> None:
    head = "policy: {max_concurrent_jobs: 2}\ndefaults: {backend: scheduler}\n"
    jobs = [
        *_midnight(2),
        *_midnight(1, ", flexible_window: 15m", start=10),
        *_midnight(1, ", enabled: false", start=20),
    ]
    assert _validate(tmp_path, jobs, head=head) == []
