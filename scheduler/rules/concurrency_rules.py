"""Fire-time collisions: more Lambda jobs running at once than the account's concurrency.

Lambda's account concurrency is shared; the invocations past it are throttled and retried for up
to six hours, so jobs run late or not at all. Counted over the next four weeks from the schedule
engine's fire times (`scheduler.schedule.peaks`).
"""

from __future__ import annotations

from collections.abc import Iterator

from scheduler import limits
from scheduler.catalogue.model import Catalogue, Compute, Job
from scheduler.diagnostics import Diagnostic, Severity
from scheduler.rules.base import Context, Rule, RuleDoc
from scheduler.schedule import Schedule, ScheduleError, is_known_timezone
from scheduler.schedule.peaks import Load, busiest

SHOWN_JOBS = 5


def loads(catalogue: Catalogue, schedule_of: dict[str, Schedule | ScheduleError]) -> list[Load]:
    """The jobs that take Lambda concurrency at their exact fire time: enabled Lambda jobs
    whose schedule and zone are valid, without a flexible_window (Scheduler spreads those
    over it)."""
    found: list[Load] = []
    for job in catalogue.jobs:
        schedule = schedule_of.get(job.name)
        if not _counted(job) or not isinstance(schedule, Schedule):
            continue
        if not is_known_timezone(job.timezone):  # SCH105 reports it
            continue
        anchor = job.start if schedule.kind == "rate" else None
        found.append(Load(job.name, schedule, job.timezone, job.expected_runtime, anchor))
    return found


def _counted(job: Job) -> bool:
    return job.enabled and job.compute is Compute.LAMBDA and job.flexible_window is None


def threshold(catalogue: Catalogue) -> int:
    return catalogue.policy.max_concurrent_jobs or limits.LAMBDA_ACCOUNT_CONCURRENCY


def crowd(jobs: tuple[str, ...], running: int) -> str:
    """`a, b, c, d, e and 995 more`: up to five of a minute's jobs by name."""
    shown = ", ".join(jobs[:SHOWN_JOBS])
    more = running - min(len(jobs), SHOWN_JOBS)
    return f"{shown} and {more} more" if more > 0 else shown


class TooManyAtOnce(Rule):
    doc = RuleDoc(
        "SCH225",
        Severity.WARNING,
        "more Lambda jobs running at once than the account's concurrency",
        f"Lambda runs {limits.LAMBDA_ACCOUNT_CONCURRENCY} functions at once per account and "
        "region by default, shared by every function. When more jobs run in one minute (each "
        "for its expected_runtime), the excess is throttled and retried for up to six hours: "
        "jobs run late or not at all. Counted over the next 4 weeks, in UTC and through DST; "
        "policy: {max_concurrent_jobs: N} sets a lower threshold. Jobs with a flexible_window "
        "are left out: EventBridge Scheduler spreads them over it.",
        "policy: {max_concurrent_jobs: 1}\njobs:\n  a: {schedule: cron(0 0 * * ? *), ...}\n"
        "  b: {schedule: cron(0 0 * * ? *), ...}",
        "policy: {max_concurrent_jobs: 1}\njobs:\n  a: {schedule: cron(0 0 * * ? *), ...}\n"
        "  b: {schedule: cron(7 0 * * ? *), ...}",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        catalogue = context.catalogue
        schedules = {job.name: context.schedule(job) for job in catalogue.jobs if _counted(job)}
        peaks = busiest(loads(catalogue, schedules), context.now)
        limit = threshold(catalogue)
        if not peaks or peaks[0].running <= limit:
            return
        peak = peaks[0]
        first = catalogue.job(peak.jobs[0])
        assert first is not None
        yield self.report(
            context.span(first, "schedule"),
            f"{peak.running} jobs run at once at {peak.minute:%Y-%m-%d %H:%M} UTC, over "
            f"{limit} ({_source(catalogue)}): {crowd(peak.jobs, peak.running)}",
            "give some a flexible_window on backend: scheduler, or stagger their minutes "
            "(`sched peaks` lists the busiest); or ask for an increase of the quota "
            f'"{limits.LAMBDA_CONCURRENCY_QUOTA_NAME}" of AWS Lambda in Service Quotas',
        )


def _source(catalogue: Catalogue) -> str:
    if catalogue.policy.max_concurrent_jobs:
        return "policy max_concurrent_jobs"
    return "Lambda's default account concurrency"
