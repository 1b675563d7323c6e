"""The timeout findings (SCH202, SCH203) agree with SCH201: when no Lambda timeout can cover a
job's runtime, each points off Lambda rather than at a timeout Lambda would refuse."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from scheduler.validate import validate

NOW = datetime(2026, 11, 25, tzinfo=UTC)
OFF_LAMBDA = "run it on Fargate (compute: fargate) or EC2, or split the work"


def hints(tmp_path: Path, job: str, policy: str = "") -> list[tuple[str, str]]:
    (tmp_path / "jobs").mkdir()
    (tmp_path / "jobs" / "h.py").write_text("def main(event, context):\n    return None\n")
    path = tmp_path / "jobs.yaml"
    path.write_text(
        f"catalogue: fx\n{policy}jobs:\n  long:\n    schedule: rate(1 day)\n"
        f"    handler: jobs/h.py:main\n{job}"
    )
    found = validate(path, now=NOW)[1]
    return [(d.code, d.hint) for d in found if d.code in {"SCH201", "SCH202", "SCH203"}]


def test_a_runtime_over_15m_with_a_shorter_timeout_is_told_to_leave_lambda_twice(
    tmp_path: Path,
) -> None:
    assert hints(tmp_path, "    expected_runtime: 20m\n    timeout: 10m\n") == [
        ("SCH201", OFF_LAMBDA),
        ("SCH203", f"no timeout up to 15m can cover 20m: {OFF_LAMBDA}"),
    ]


def test_a_runtime_over_15m_with_a_longer_timeout_is_not_told_to_lower_it(
    tmp_path: Path,
) -> None:
    assert hints(tmp_path, "    expected_runtime: 20m\n    timeout: 30m\n") == [
        ("SCH201", OFF_LAMBDA),
        ("SCH202", f"no timeout up to 15m can cover 20m: {OFF_LAMBDA}"),
    ]


def test_the_policys_lower_cap_is_the_one_no_timeout_can_exceed(tmp_path: Path) -> None:
    policy = "policy:\n  max_runtime: 10m\n"
    assert hints(tmp_path, "    expected_runtime: 12m\n    timeout: 11m\n", policy) == [
        ("SCH201", OFF_LAMBDA),
        ("SCH203", f"no timeout up to 10m can cover 12m: {OFF_LAMBDA}"),
    ]


def test_a_runtime_lambda_can_cover_is_told_to_raise_the_timeout_within_the_limit(
    tmp_path: Path,
) -> None:
    assert hints(tmp_path, "    expected_runtime: 12m\n    timeout: 10m\n") == [
        ("SCH203", "raise the timeout above 12m, with some headroom, up to 15m"),
    ]


def test_a_timeout_over_15m_for_a_short_job_is_still_told_to_lower_it(tmp_path: Path) -> None:
    assert hints(tmp_path, "    expected_runtime: 5m\n    timeout: 20m\n") == [
        (
            "SCH202",
            "lower the timeout to 15m or less, or move the job to Fargate (compute: fargate)",
        ),
    ]
