"""One job's history over a window, from the events read already: its runs reconstructed from
its log group(s), matched against the fires its schedule expected (missed and late included),
or why it has none (untracked, not deployed, a schedule that cannot be read), with the notes
that explain what it shows. Pure: `now` is passed in.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from scheduler.catalogue.model import Catalogue, Job
from scheduler.history.collect import Binding
from scheduler.history.expected import expected_fires, logged_fires
from scheduler.history.match import expected_vs_observed
from scheduler.history.model import Run, RunStatus, Skipped
from scheduler.history.reconstruct import reconstruct
from scheduler.history.targets import deployed_function, log_group_for, untracked_reason
from scheduler.history.window import groups_of, job_schedule, log_read, span
from scheduler.ports import LogEvent, LogRead
from scheduler.schedule import Schedule


@dataclass(frozen=True)
class JobHistory:
    """One job over the window: its runs (missed fires included), or why there are none."""

    job: Job
    runs: tuple[Run, ...]
    tracked: bool
    note: str | None
    schedule: Schedule | None
    logged_fires: tuple[datetime, ...] = ()
    skipped: Skipped = field(default_factory=Skipped)
    deployed: bool = True
    anchor: datetime | None = None


def _read(
    fetched: Mapping[LogRead, Sequence[LogEvent]],
    groups: Sequence[str],
    job: Job,
    *,
    start: datetime,
    end: datetime,
    now: datetime,
    shared: bool,
    binding: Binding | None,
) -> tuple[list[Run], Skipped]:
    if end <= start:
        return [], Skipped()
    found_in = [e for g in groups if (e := fetched.get(log_read(g, start, end)))]
    # Each event is in one group (a run logs where its function's configuration said when it
    # started), so the groups' events together are each run's once, in time order.
    events: Sequence[LogEvent] = (
        sorted((e for es in found_in for e in es), key=lambda e: e.timestamp_ms)
        if len(found_in) > 1
        else (found_in[0] if found_in else ())
    )
    found = reconstruct(
        events, job.name, now=now, shared=shared, binding=binding, window=(start, end)
    )
    return found.runs, found.skipped


def _deployed_within(
    catalogue: Catalogue, job: Job, deployed: datetime | None, since: datetime
) -> datetime | None:
    """The job's deployment time when sched deployed it after `since`, else None."""
    if deployed is None or deployed <= since or deployed_function(catalogue, job) is None:
        return None
    return deployed


def not_deployed_note(function: str) -> str:
    # The report adds the apply command, pointed where the user is (`report.commands`).
    return f"not deployed: no function {function}"


def _deployment_note(deployed: datetime) -> str:
    return f"deployed {deployed.astimezone(UTC):%Y-%m-%d %H:%M} UTC; earlier fires are not expected"


def _joined(*notes: str | None) -> str | None:
    return "; ".join(n for n in notes if n) or None


def job_history(
    catalogue: Catalogue,
    job: Job,
    fetched: Mapping[LogRead, Sequence[LogEvent]],
    *,
    now: datetime,
    since: datetime,
    until: datetime,
    grace: timedelta,
    late_after: timedelta,
    deployed: datetime | None,
    shared: bool = False,
    binding: Binding | None = None,
    absent: bool = False,
    legacy: Collection[str] = (),
) -> JobHistory:
    """`job`'s runs in (since, until] from the events of its reads (`window.job_reads`) in
    `fetched`; the arguments are as in `read.job_histories`, per job: `shared` when its log
    group serves other jobs too, `absent` when it is not deployed."""
    schedule, problem = job_schedule(job)
    reason = untracked_reason(job)
    group = log_group_for(catalogue, job)
    if reason is not None or group is None:
        return JobHistory(job, (), False, reason, schedule)
    start, end = span(job, schedule, now=now, since=since, until=until, grace=grace)
    observed, skipped = _read(
        fetched,
        groups_of(catalogue, job, group, legacy),
        job,
        start=start,
        end=end,
        now=now,
        shared=shared,
        binding=binding,
    )

    def match(fires: Iterable[datetime]) -> list[Run]:
        return expected_vs_observed(
            observed, fires, job=job.name, now=now, grace=grace, late_after=late_after
        )

    function = deployed_function(catalogue, job)
    if absent and function is not None:
        # Nothing in AWS can fire it: its fires are not missed, its old runs still show.
        absent_runs = _within(match(()), since, until)
        return JobHistory(
            job,
            absent_runs,
            True,
            not_deployed_note(function),
            schedule,
            tuple(logged_fires(observed)),
            skipped,
            deployed=False,
        )
    if schedule is None:
        matched = match(())
        return JobHistory(
            job, _within(matched, since, until), True, problem, schedule, skipped=skipped
        )
    recent = _deployed_within(catalogue, job, deployed, since)
    # AWS counts a rate from the rule's or schedule's creation
    # (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
    # #eb-rate-expressions), which DescribeRule does not return. Apply creates the rule seconds
    # after the function, so the function's LastModified stands for it; a logged fire (AWS's own
    # delivery time) overrides it, as a later code change moves LastModified but not the rule.
    anchor = deployed if function is not None else None
    expected = expected_fires(
        job, schedule, observed, since=recent or since, until=until, anchor=anchor
    )
    matched = match(expected.fires)
    note = expected.note
    if recent is not None:
        # Say so only when a fire left out would have read as missed: then it explains something.
        whole = expected_fires(
            job, schedule, observed, since=since, until=until, anchor=anchor
        ).fires
        dropped = set(whole) - set(expected.fires)
        if dropped and any(
            r.status is RunStatus.MISSED and r.anchor in dropped for r in match(whole)
        ):
            note = _joined(note, _deployment_note(recent))
    logged = tuple(logged_fires(observed))
    runs = _within(matched, since, until)
    return JobHistory(job, runs, True, note, schedule, logged, skipped, anchor=anchor)


def _within(runs: Iterable[Run], since: datetime, until: datetime) -> tuple[Run, ...]:
    return tuple(r for r in runs if r.anchor is not None and since < r.anchor <= until)
