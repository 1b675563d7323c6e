"""Summarise a job's runs into a `JobStatus`: counts, success rate, duration percentiles,
headroom against the expected runtime and Lambda's limit, and how urgently it needs a look.

Percentiles use the nearest-rank method: p-th = the smallest observed duration with at least
p% of the durations at or below it (always a real duration, never interpolated).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from scheduler import limits
from scheduler.access import denial_hint
from scheduler.catalogue.durations import format_duration
from scheduler.history.model import (
    OUT_OF_MEMORY,
    Attention,
    JobStatus,
    Run,
    RunStatus,
    Trigger,
    timeline_key,
)

# A job whose slowest run used this share of the limit is one slow day away from timing out.
CLOSE_TO_LIMIT = 0.8

_CONCLUDED = frozenset(
    {RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.TIMED_OUT, RunStatus.MISSED}
)


def percentile(values: Sequence[timedelta], pct: int) -> timedelta | None:
    """Nearest-rank percentile (0 < pct <= 100) of `values`; None when there are none."""
    if not values:
        return None
    if not 0 < pct <= 100:
        raise ValueError(f"percentile {pct} is not in 1..100")
    ordered = sorted(values)
    rank = -(-pct * len(ordered) // 100)  # ceil(pct/100 * n) in integers
    return ordered[rank - 1]


def _overran(run: Run, expected: timedelta | None, now: datetime) -> bool:
    if expected is None:
        return False
    if run.duration is not None:
        return run.duration > expected
    if run.status is RunStatus.RUNNING and run.start is not None:
        return now - run.start > expected
    return False


def _reasons(
    counts: Counter[RunStatus],
    latest: Run | None,
    *,
    overran: int,
    expected: timedelta | None,
    max_duration: timedelta | None,
    limit: timedelta,
    role_mates: Sequence[str] = (),
) -> list[str]:
    reasons: list[str] = []
    if latest is not None and latest.status in (RunStatus.FAILED, RunStatus.TIMED_OUT):
        oom = latest.error_type == OUT_OF_MEMORY
        shown = latest.error_message if oom else latest.error_type
        detail = f": {shown}" if shown else ""
        reasons.append(f"last run {latest.status.value.replace('_', ' ')}{detail}")
        if oom:
            above = f" above {latest.memory_size_mb} MB" if latest.memory_size_mb else ""
            reasons.append(f"give it more memory: raise `memory:`{above} in the catalogue")
        hint = denial_hint(latest.error_message, role_mates)
        if hint is not None:  # say which permissions: entry would have allowed it
            reasons.append(hint)
    if latest is not None and latest.status is RunStatus.MISSED and latest.scheduled_time:
        reasons.append(f"run due {latest.scheduled_time:%Y-%m-%d %H:%M} UTC did not happen")
    for status, label in (
        (RunStatus.FAILED, "failed"),
        (RunStatus.TIMED_OUT, "timed out"),
        (RunStatus.MISSED, "missed"),
        (RunStatus.UNKNOWN, "ended with no record"),
    ):
        if counts[status]:
            reasons.append(f"{counts[status]} {label}")
    if overran and expected is not None:
        reasons.append(f"{overran} ran longer than the expected {format_duration(expected)}")
    if max_duration is not None and max_duration >= limit * CLOSE_TO_LIMIT:
        share = round(100 * (max_duration / limit))
        reasons.append(
            f"slowest run took {format_duration(max_duration)},"
            f" {share}% of the {format_duration(limit)} limit"
        )
    return reasons


def _attention(latest: Run | None, reasons: list[str], any_runs: bool) -> Attention:
    if latest is not None and latest.status in (RunStatus.FAILED, RunStatus.TIMED_OUT):
        return Attention.FAILING
    if latest is not None and latest.status is RunStatus.MISSED:
        return Attention.MISSING
    if reasons:
        return Attention.AT_RISK
    return Attention.HEALTHY if any_runs else Attention.NO_RUNS


def summarise(
    job: str,
    runs: Iterable[Run],
    *,
    expected_runtime: timedelta | None,
    limit: timedelta = limits.LAMBDA_MAX_TIMEOUT,
    now: datetime,
    role_mates: Sequence[str] = (),
) -> JobStatus:
    """How `job` has been doing over `runs` (the output of `expected_vs_observed`).

    The success rate is succeeded / concluded (succeeded, failed, timed out, missed); running and
    unknown runs are left out. Manual runs (`sched run`, `sched trigger`) count like any other:
    the same code ran, and a failure of it is the job's failure; they never stand for a fire
    (`expected_vs_observed` keeps them out of the matching), and `manual` says how many there
    were. p50/p95/max use every run with a known duration. Headroom is
    expected_runtime - p95 and limit - max (negative when over). A running run counts as overran
    once `now - start` exceeds the expected runtime.
    """
    ordered = sorted(runs, key=timeline_key)
    scheduled = ordered
    counts = Counter(run.status for run in scheduled)
    concluded = [run for run in scheduled if run.status in _CONCLUDED]
    latest = concluded[-1] if concluded else None
    durations = [run.duration for run in ordered if run.duration is not None]
    p50, p95 = percentile(durations, 50), percentile(durations, 95)
    max_duration = max(durations, default=None)
    overran = sum(_overran(run, expected_runtime, now) for run in ordered)
    successes = [run for run in scheduled if run.status is RunStatus.SUCCEEDED]
    reasons = _reasons(
        counts,
        latest,
        overran=overran,
        expected=expected_runtime,
        max_duration=max_duration,
        limit=limit,
        role_mates=role_mates,
    )
    return JobStatus(
        job=job,
        runs=len(scheduled),
        last_run=scheduled[-1] if scheduled else None,
        last_success=(successes[-1].start or successes[-1].anchor) if successes else None,
        succeeded=counts[RunStatus.SUCCEEDED],
        failed=counts[RunStatus.FAILED],
        timed_out=counts[RunStatus.TIMED_OUT],
        missed=counts[RunStatus.MISSED],
        running=counts[RunStatus.RUNNING],
        unknown=counts[RunStatus.UNKNOWN],
        manual=sum(run.trigger is Trigger.MANUAL for run in ordered),
        late=sum(run.late for run in scheduled),
        overran=overran,
        success_rate=counts[RunStatus.SUCCEEDED] / len(concluded) if concluded else None,
        p50_duration=p50,
        p95_duration=p95,
        max_duration=max_duration,
        expected_runtime=expected_runtime,
        limit=limit,
        headroom_expected=(
            expected_runtime - p95 if expected_runtime is not None and p95 is not None else None
        ),
        headroom_limit=limit - max_duration if max_duration is not None else None,
        attention=_attention(latest, reasons, bool(scheduled)),
        reasons=tuple(reasons),
        max_memory_used_mb=max(
            (r.max_memory_used_mb for r in ordered if r.max_memory_used_mb is not None),
            default=None,
        ),
        memory_size_mb=next(
            (r.memory_size_mb for r in reversed(ordered) if r.memory_size_mb is not None), None
        ),
    )
