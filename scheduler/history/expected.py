"""The fire times a job was expected to have in a window, as far as sched can know them.

cron() and at() fire on the wall clock of the job's zone, so their fires are exact. rate() counts
from when the rule or schedule was created; guessing an anchor (the epoch, the window start) would
invent misses. So a rate() job's grid starts at its deployment time when the caller knows it (the
creation is not itself a fire) and goes on from each logged scheduled time; with neither, no fire
is expected.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from scheduler.catalogue.model import Job
from scheduler.history.match import EARLY_TOLERANCE
from scheduler.history.model import Run, Trigger
from scheduler.schedule import Schedule


@dataclass(frozen=True)
class Expected:
    """Fire times in (since, until], and a note when they are incomplete."""

    fires: tuple[datetime, ...]
    note: str | None = None


def logged_fires(runs: Iterable[Run]) -> list[datetime]:
    """Scheduled times the wrapper logged for runs the schedule started, oldest first."""
    scheduled = (Trigger.RULE, Trigger.SCHEDULER)
    return sorted(
        {r.scheduled_time for r in runs if r.scheduled_time is not None and r.trigger in scheduled}
    )


def rate_grid(
    logged: Sequence[datetime],
    interval: timedelta,
    until: datetime,
    *,
    since: datetime | None = None,
) -> list[datetime]:
    """Each logged fire, then the rate's grid from it until the next logged fire (or `until`);
    with `since`, only the times after it (the grid is stepped to it, never walked to it: a
    logged time is untrusted and may lie years before the window).

    Between two logged fires a grid time is expected only if a whole interval still fits before
    the next one, so a redeployment that moved the grid does not read as a miss.
    """
    tolerance = min(EARLY_TOLERANCE, interval / 2)
    fires: list[datetime] = []
    for i, anchor in enumerate(logged):
        if since is None or anchor > since:
            fires.append(anchor)
        following = logged[i + 1] if i + 1 < len(logged) else None
        fire = anchor + interval
        if since is not None and fire <= since:
            fire += ((since - fire) // interval + 1) * interval
        while fire <= until:
            if following is not None and (
                fire > following - interval + tolerance or fire >= following - tolerance
            ):
                break
            fires.append(fire)
            fire += interval
    return fires


def next_rate_fire(logged: Sequence[datetime], interval: timedelta, now: datetime) -> datetime:
    """The next grid time after `now`, counted from the latest logged fire (or deployment)."""
    latest = logged[-1]
    steps = max(0, (now - latest) // interval) + 1
    return latest + steps * interval


def expected_fires(
    job: Job,
    schedule: Schedule,
    runs: Iterable[Run],
    *,
    since: datetime,
    until: datetime,
    anchor: datetime | None = None,
) -> Expected:
    """What `job` should have run in (since, until]: nothing when disabled; see module doc.
    `anchor` is when the job was deployed (a rate() counts from it), when known."""
    if not job.enabled:
        return Expected((), "disabled: no runs expected")
    if job.start is not None or job.end is not None:
        span = job.active_span(since, until)
        if span is None:
            return Expected((), "outside its start and end dates: no runs expected")
        since, until = span
    if schedule.kind == "rate" and job.start is not None:
        anchor = job.start  # AWS counts a rate from the schedule's start date
    if schedule.kind != "rate":
        return Expected(tuple(schedule.fire_times(since, until, tz=job.timezone)))
    interval = schedule.min_interval()
    assert interval is not None  # a rate always has one
    logged = logged_fires(runs)
    if anchor is not None and (not logged or anchor < logged[0]):
        grid = rate_grid([anchor, *logged], interval, until, since=since)
        return Expected(tuple(f for f in grid if since < f <= until and f != anchor))
    if not logged:
        return Expected(
            (),
            f"{schedule.aws_expression} counts from its deployment, which the logs do not show;"
            " no logged run to count from, so no run is reported missed",
        )
    fires = tuple(f for f in rate_grid(logged, interval, until, since=since) if since < f <= until)
    note = None
    if logged[0] > since + interval:
        note = (
            f"{schedule.aws_expression} counts from its deployment, which the logs do not show;"
            f" misses are counted from the first logged run ({logged[0]:%Y-%m-%d %H:%M} UTC)"
        )
    return Expected(fires, note)
