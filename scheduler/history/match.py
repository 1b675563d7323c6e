"""Expected versus observed: match runs to the fire times the schedule predicted.

A run with a logged scheduled time (its run line's, or its start line's when Lambda killed it)
matches that fire time; a run known only from platform records matches the nearest fire at most
`grace` before its start (uncovered fires first). A manual run (`sched run`, `sched trigger`)
matches no fire, whatever scheduled time it carries.
A fire with no run once `grace` has passed becomes a `missed` run. A first attempt that started
more than `late_after` after its fire time gets `late=True` (retries start late by design).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta

from scheduler.history.model import Run, RunStatus, Trigger, timeline_key

# Log timestamps and the scheduler's clock can disagree by a little; a run that appears to start
# up to this long before a fire time still belongs to it.
EARLY_TOLERANCE = timedelta(seconds=60)


def _is_late(run: Run, fire: datetime, late_after: timedelta) -> tuple[bool, timedelta | None]:
    if run.start is None:
        return False, run.delay
    delay = run.start - fire
    first_attempt = run.attempt is None or run.attempt <= 1
    return (first_attempt and delay > late_after), delay


def _nearest(
    fires: list[datetime], covered: set[datetime], start: datetime, grace: timedelta
) -> datetime | None:
    lo = bisect_left(fires, start - grace)
    hi = bisect_right(fires, start + EARLY_TOLERANCE)
    candidates = fires[lo:hi]
    if not candidates:
        return None
    fresh = [f for f in candidates if f not in covered] or candidates
    return min(fresh, key=lambda f: (abs(start - f), f))


def expected_vs_observed(
    runs: Iterable[Run],
    expected_fire_times: Iterable[datetime],
    *,
    job: str,
    now: datetime,
    grace: timedelta,
    late_after: timedelta,
) -> list[Run]:
    """All runs (late flags set, fire times inferred where matched by start) plus missed fires.

    Manual runs never match a fire. Fires later than `now - grace` with no run are left out: they
    are not due yet. The result is ordered by scheduled time (else start), oldest first.
    """
    fires = sorted(set(expected_fire_times))
    fire_set = set(fires)
    covered: set[datetime] = set()
    out: list[Run] = []
    unmatched: list[Run] = []
    for run in runs:
        if run.trigger is Trigger.MANUAL:
            out.append(run)
        elif run.scheduled_time is not None:
            if run.scheduled_time in fire_set:
                covered.add(run.scheduled_time)
            late, delay = _is_late(run, run.scheduled_time, late_after)
            # dataclasses.replace is slow, and most runs are on time with their delay known.
            same = late == run.late and delay == run.delay
            out.append(run if same else replace(run, late=late, delay=delay))
        elif run.start is not None:
            unmatched.append(run)
        else:
            out.append(run)
    for run in sorted(unmatched, key=lambda r: (r.start, r.request_id)):
        assert run.start is not None
        fire = _nearest(fires, covered, run.start, grace)
        if fire is None:
            out.append(run)
            continue
        covered.add(fire)
        late, delay = _is_late(run, fire, late_after)
        out.append(replace(run, scheduled_time=fire, late=late, delay=delay))
    for fire in fires:
        if fire not in covered and fire + grace <= now:
            out.append(Run(job=job, request_id="", status=RunStatus.MISSED, scheduled_time=fire))
    return sorted(out, key=timeline_key)
