"""`sched next`: when do these jobs or expressions fire? Pure: inputs in, data out."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from scheduler.schedule import ScheduleError, is_known_timezone, parse

if TYPE_CHECKING:
    from scheduler.catalogue.model import Catalogue, Job

# A query shaped like a job name: with a catalogue, a typo of a job, not an expression.
_NAME_LIKE = re.compile(r"[A-Za-z0-9_-]+")
_OR_EXPRESSION = "(or give an expression such as cron(0 10 * * ? *))"


@dataclass(frozen=True)
class Upcoming:
    """Fire times for one job or expression, or the error that stops it."""

    query: str
    job: str | None
    expression: str
    timezone: str  # the zone the schedule is evaluated in
    shown_in: str  # the zone times are shown in (besides UTC)
    aws_expression: str | None = None
    # The day-of-week half of a Unix either-day line, deployed beside `aws_expression`.
    also_expression: str | None = None
    description: str | None = None
    fire_times: tuple[datetime, ...] = ()
    error_code: str | None = None
    error: str | None = None
    hint: str | None = None
    # A rate() counts from its creation: offline, sched can only assume it is created `after`.
    created: datetime | None = None


def upcoming(
    queries: Sequence[str],
    catalogue: Catalogue | None,
    *,
    after: datetime,
    count: int,
    tz: str | None,
    source: str = "the catalogue",
) -> list[Upcoming]:
    """Resolve each query (a job name first, else an expression) to its next `count` fires.

    A job's schedule is evaluated in the job's zone (that is what it means); a raw expression
    in `tz` (default UTC). Times are shown in `tz` when given, else in the evaluation zone.
    A rate() counts from its creation, as AWS counts it; taken here to be `after` (`created`).
    With a catalogue (read from `source`), a name-like query that is neither a job nor an
    expression is reported as an unknown job, with the closest job names.
    """
    if not queries and catalogue is not None:
        queries = [job.name for job in catalogue.jobs]
    out = []
    for query in queries:
        job = catalogue.job(query) if catalogue else None
        expression = job.schedule if job else query
        zone = job.timezone if job else (tz or "UTC")
        item = _one(query, job.name if job else None, expression, zone, tz or zone, after, count)
        if catalogue is not None and job is None and item.error and _NAME_LIKE.fullmatch(query):
            item = _unknown_job(item, catalogue, source)
        out.append(_within_dates(item, job, after, count) if job else item)
    return out


def _unknown_job(item: Upcoming, catalogue: Catalogue, source: str) -> Upcoming:
    not_here = catalogue.not_here([item.query])
    if not_here is not None:  # the name was right: say where it is, guess at no other job
        error, hint = not_here
        return replace(item, error_code=None, error=error, hint=hint)
    names = [job.name for job in catalogue.jobs]
    close = difflib.get_close_matches(item.query, names, n=3)
    if close:
        hint = f"did you mean {' or '.join(close)}? {_OR_EXPRESSION}"
    else:
        hint = f"jobs: {', '.join(names)} {_OR_EXPRESSION}" if names else _OR_EXPRESSION
    return replace(item, error_code=None, error=f"no job named {item.query} in {source}", hint=hint)


def _within_dates(item: Upcoming, job: Job, after: datetime, count: int) -> Upcoming:
    """A job's fires between its start and end dates (EventBridge Scheduler's StartDate and
    EndDate); a rate() counts from its start date as from its creation."""
    if item.error or (job.start is None and job.end is None):
        return item
    schedule = parse(job.schedule)
    anchor = job.start if schedule.kind == "rate" and job.start else item.created
    span = job.active_span(after, datetime.max.replace(tzinfo=UTC))
    fires: tuple[datetime, ...] = ()
    if span is not None:
        # A rate's first run is one interval after what it counts from, as after its creation.
        begin = max(span[0], anchor) if anchor is not None else span[0]
        found = schedule.next_fire_times(begin, count, tz=job.timezone, anchor=anchor)
        fires = tuple(f for f in found if f <= span[1])
    return replace(item, fire_times=fires, created=anchor)


def _one(
    query: str,
    job: str | None,
    expression: str,
    zone: str,
    shown_in: str,
    after: datetime,
    count: int,
) -> Upcoming:
    for name in {zone, shown_in}:
        if not is_known_timezone(name):
            return Upcoming(
                query, job, expression, zone, shown_in, error_code="SCH105",
                error=f'unknown time zone "{name}"', hint="use an IANA name such as Europe/Paris",
            )  # fmt: skip
    try:
        schedule = parse(expression)
    except ScheduleError as e:
        return Upcoming(
            query, job, expression, zone, shown_in, error_code=e.code, error=e.message, hint=e.hint
        )
    created = after if schedule.kind == "rate" else None
    return Upcoming(
        query,
        job,
        expression,
        zone,
        shown_in,
        aws_expression=schedule.aws_expression,
        also_expression=schedule.also,
        description=schedule.describe(),
        fire_times=tuple(schedule.next_fire_times(after, count, tz=zone, anchor=created)),
        created=created,
    )
