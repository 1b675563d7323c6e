"""summarise: exact counts, nearest-rank percentiles, headroom, and the attention order."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from history_support import at

from scheduler.history import (
    Attention,
    JobStatus,
    Run,
    RunStatus,
    Trigger,
    percentile,
    summarise,
)

M = timedelta(minutes=1)
NOW = at("2026-11-30T02:03:00")


def _run(
    when: datetime,
    status: RunStatus,
    minutes: float | None = None,
    *,
    late: bool = False,
    error_type: str | None = None,
) -> Run:
    return Run(
        job="log-backup",
        request_id="" if status is RunStatus.MISSED else f"r-{when:%m%d}",
        status=status,
        scheduled_time=when,
        start=None if status is RunStatus.MISSED else when,
        duration=minutes * M if minutes is not None else None,
        late=late,
        error_type=error_type,
    )


@pytest.mark.parametrize(
    ("minutes", "p50", "p95"),
    [
        ([7], 7, 7),
        ([3, 1, 2], 2, 3),
        ([4, 1, 3, 2], 2, 4),
        (list(range(1, 21)), 10, 19),
        (list(range(100, 0, -1)), 50, 95),
    ],
)
def test_percentiles_are_nearest_rank(minutes: list[int], p50: int, p95: int) -> None:
    values = [m * M for m in minutes]
    assert (percentile(values, 50), percentile(values, 95)) == (p50 * M, p95 * M)


def test_percentile_edges() -> None:
    assert percentile([], 50) is None
    assert percentile([M, 2 * M], 100) == 2 * M
    with pytest.raises(ValueError, match=r"percentile 0 is not in 1\.\.100"):
        percentile([M], 0)


def test_summary_of_a_mixed_window_is_exact() -> None:
    runs = [
        _run(at("2026-11-02T02:00:00"), RunStatus.MISSED),
        _run(at("2026-11-09T02:00:00"), RunStatus.SUCCEEDED, 2),
        _run(at("2026-11-16T02:00:00"), RunStatus.FAILED, 1, error_type="ValueError"),
        _run(at("2026-11-23T02:00:00"), RunStatus.SUCCEEDED, 6, late=True),
        _run(at("2026-11-30T02:00:00"), RunStatus.RUNNING),
    ]
    status = summarise("log-backup", runs[::-1], expected_runtime=5 * M, now=NOW)
    assert status == JobStatus(
        job="log-backup",
        runs=5,
        last_run=runs[4],
        last_success=at("2026-11-23T02:00:00"),
        succeeded=2,
        failed=1,
        timed_out=0,
        missed=1,
        running=1,
        unknown=0,
        manual=0,
        late=1,
        overran=1,
        success_rate=0.5,
        p50_duration=2 * M,
        p95_duration=6 * M,
        max_duration=6 * M,
        expected_runtime=5 * M,
        limit=15 * M,
        headroom_expected=-1 * M,
        headroom_limit=9 * M,
        attention=Attention.AT_RISK,
        reasons=("1 failed", "1 missed", "1 ran longer than the expected 5m"),
    )
    assert status.last_status is RunStatus.RUNNING


def test_a_running_run_past_its_expected_runtime_counts_as_overran() -> None:
    running = _run(at("2026-11-30T02:00:00"), RunStatus.RUNNING)
    assert summarise("j", [running], expected_runtime=2 * M, now=NOW).overran == 1
    assert summarise("j", [running], expected_runtime=4 * M, now=NOW).overran == 0
    assert summarise("j", [running], expected_runtime=None, now=NOW).overran == 0


def test_no_runs() -> None:
    status = summarise("j", [], expected_runtime=None, now=NOW)
    assert (status.attention, status.runs, status.success_rate, status.p50_duration) == (
        Attention.NO_RUNS,
        0,
        None,
        None,
    )
    assert (status.last_run, status.headroom_expected, status.headroom_limit) == (None, None, None)


WEEK = [at(f"2026-11-{d:02d}T02:00:00") for d in (2, 9, 16, 23)]


@pytest.mark.parametrize(
    ("runs", "attention", "reasons"),
    [
        (
            [
                _run(WEEK[0], RunStatus.SUCCEEDED, 1),
                _run(WEEK[1], RunStatus.TIMED_OUT, 10, error_type=None),
                _run(WEEK[2], RunStatus.RUNNING),
            ],
            Attention.FAILING,
            ("last run timed out", "1 timed out"),
        ),
        (
            [_run(WEEK[0], RunStatus.FAILED, 1, error_type="KeyError")],
            Attention.FAILING,
            ("last run failed: KeyError", "1 failed"),
        ),
        (
            [_run(WEEK[0], RunStatus.SUCCEEDED, 1), _run(WEEK[1], RunStatus.MISSED)],
            Attention.MISSING,
            ("run due 2026-11-09 02:00 UTC did not happen", "1 missed"),
        ),
        (
            [_run(WEEK[0], RunStatus.SUCCEEDED, 12)],
            Attention.AT_RISK,
            ("slowest run took 12m, 80% of the 15m limit",),
        ),
        (
            [_run(WEEK[0], RunStatus.SUCCEEDED, 11.9)],
            Attention.HEALTHY,
            (),
        ),
        (
            [
                Run(job="j", request_id="u", status=RunStatus.UNKNOWN, start=WEEK[0]),
                _run(WEEK[1], RunStatus.SUCCEEDED, 1),
            ],
            Attention.AT_RISK,
            ("1 ended with no record",),
        ),
    ],
)
def test_attention_and_reasons(
    runs: list[Run], attention: Attention, reasons: tuple[str, ...]
) -> None:
    status = summarise("j", runs, expected_runtime=None, now=NOW)
    assert (status.attention, status.reasons) == (attention, reasons)


def test_attention_key_orders_failing_then_missing_then_at_risk_then_healthy() -> None:
    def status(job: str, runs: list[Run]) -> JobStatus:
        return summarise(job, runs, expected_runtime=5 * M, now=NOW)

    statuses = [
        status("healthy", [_run(WEEK[0], RunStatus.SUCCEEDED, 1)]),
        status("idle", []),
        status("overran", [_run(WEEK[0], RunStatus.SUCCEEDED, 6)]),
        status("missing", [_run(WEEK[0], RunStatus.MISSED)]),
        status("failing-once", [_run(WEEK[0], RunStatus.FAILED, 1)]),
        status(
            "failing-twice",
            [_run(WEEK[0], RunStatus.FAILED, 1), _run(WEEK[1], RunStatus.FAILED, 1)],
        ),
    ]
    ordered = [s.job for s in sorted(statuses, key=lambda s: s.attention_key)]
    assert ordered == ["failing-twice", "failing-once", "missing", "overran", "healthy", "idle"]


def _manual(
    when: datetime, status: RunStatus, minutes: float, error_type: str | None = None
) -> Run:
    run = _run(when, status, minutes, error_type=error_type)
    return replace(run, request_id=f"m-{when:%m%d}", trigger=Trigger.MANUAL)


def test_manual_runs_count_like_scheduled_ones_and_are_tallied() -> None:
    scheduled = [_run(WEEK[2], RunStatus.SUCCEEDED, 2), _run(WEEK[3], RunStatus.SUCCEEDED, 4)]
    manual = [
        _manual(at("2026-11-24T09:11:00"), RunStatus.FAILED, 3, error_type="KeyError"),
        _manual(at("2026-11-25T10:00:00"), RunStatus.SUCCEEDED, 7),
    ]
    status = summarise("log-backup", [*scheduled, *manual], expected_runtime=5 * M, now=NOW)
    assert (status.runs, status.manual, status.succeeded, status.failed) == (4, 2, 3, 1)
    assert (status.success_rate, status.last_run, status.last_success) == (
        0.75,
        manual[1],
        at("2026-11-25T10:00:00"),
    )
    # Durations 2, 3, 4, 7 minutes: the same code ran, whoever started it.
    assert (status.p50_duration, status.p95_duration, status.overran) == (3 * M, 7 * M, 1)
    assert (status.attention, status.reasons) == (
        Attention.AT_RISK,
        ("1 failed", "1 ran longer than the expected 5m"),
    )


def test_a_failed_manual_run_makes_the_job_fail() -> None:
    status = summarise("j", [_manual(WEEK[0], RunStatus.FAILED, 1)], expected_runtime=None, now=NOW)
    assert (status.attention, status.runs, status.manual, status.success_rate) == (
        Attention.FAILING,
        1,
        1,
        0.0,
    )
    assert status.reasons == ("last run failed", "1 failed")


def test_a_run_refused_by_iam_names_the_entry_that_would_allow_it() -> None:
    message = (
        "User: arn:aws:sts::123456789012:assumed-role/acme-ops-log-backup/x is not authorized to"
        ' perform: s3:PutObject on resource: "arn:aws:s3:::acme-app-logs-backup/k" because no'
        " identity-based policy allows the s3:PutObject action"
    )
    run = replace(
        _run(WEEK[0], RunStatus.FAILED, 1, error_type="AccessDenied"), error_message=message
    )
    status = summarise("j", [run], expected_runtime=None, now=NOW)
    assert status.reasons == (
        "last run failed: AccessDenied",
        "its role does not allow s3:PutObject; add to its permissions:"
        " - S3WritePolicy: {BucketName: acme-app-logs-backup}",
        "1 failed",
    )


def test_a_refusal_under_a_shared_role_names_the_jobs_using_it() -> None:
    message = (
        "User: arn:aws:sts::123456789012:assumed-role/acme-sched-role-1a2b3c4d/x is not"
        ' authorized to perform: s3:PutObject on resource: "arn:aws:s3:::backup/k" because no'
        " identity-based policy allows the s3:PutObject action"
    )
    run = replace(
        _run(WEEK[0], RunStatus.FAILED, 1, error_type="AccessDenied"), error_message=message
    )
    status = summarise("j", [run], expected_runtime=None, now=NOW, role_mates=("k", "l"))
    assert status.reasons[1] == (
        "its role, shared with jobs k, l, does not allow s3:PutObject; add to its permissions:"
        " - S3WritePolicy: {BucketName: backup} (it then gets a role of its own; theirs is"
        " unchanged)"
    )
