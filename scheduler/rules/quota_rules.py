"""Account quotas a catalogue alone would exceed: EventBridge's rules per event bus and IAM's
roles per account, at their defaults (`scheduler.limits`). Counted offline from what compile
would create, so that a large catalogue is warned at validate rather than refused mid-apply.
"""

from __future__ import annotations

from collections.abc import Iterator

from scheduler import limits
from scheduler.catalogue.model import Backend, Catalogue, Compute, Job, RoleMode
from scheduler.diagnostics import Diagnostic, Severity
from scheduler.rules.base import Context, Rule, RuleDoc
from scheduler.schedule import ScheduleError

_LOW_REGIONS = ", ".join(limits.EVENTBRIDGE_RULES_PER_BUS_LOW_REGIONS)


def has_watcher(catalogue: Catalogue) -> bool:
    """Whether compile deploys the alert watcher (its own rule and role): as
    `scheduler.watch.config.config_for` decides, without a region or an account."""
    alerts = catalogue.alerts
    return (
        alerts is not None
        and bool(alerts.channels)
        and any(
            j.alert is not None and j.enabled and j.compute is Compute.LAMBDA
            for j in catalogue.jobs
        )
    )


def _rules_of(context: Context, job: Job) -> int:
    """EventBridge rules the job makes: none on Scheduler; two for a Unix either-day line."""
    if job.backend is not Backend.RULES:
        return 0
    schedule = context.schedule(job)
    if isinstance(schedule, ScheduleError):
        return 1
    return 1 if schedule.also is None else 2


def _own_role(job: Job) -> bool:
    """Whether compile gives the job an execution role of its own."""
    return (
        job.compute is Compute.LAMBDA
        and job.handler is not None
        and job.function is None
        and job.role is None
    )


# Any account and region: whether two jobs' policies are the same does not depend on them.
_ACCOUNT, _REGION = "123456789012", "us-east-1"


def _job_roles(catalogue: Catalogue) -> list[int]:
    """For each job, 1 when compile makes a role for it that no job before it has: per job,
    every job with its own role; shared (defaults: {roles: shared}), the first of each
    permission set."""
    if catalogue.roles is not RoleMode.SHARED:
        return [int(_own_role(job)) for job in catalogue.jobs]
    from scheduler.permissions import GrantProblem, shared_policy, shared_role_name

    seen: set[str] = set()
    found = []
    for job in catalogue.jobs:
        if not _own_role(job):
            found.append(0)
            continue
        try:
            policy = shared_policy(
                job, catalogue=catalogue.prefix, region=_REGION, account=_ACCOUNT
            )
            key = shared_role_name(policy, catalogue.prefix)
        except GrantProblem:  # SCH3xx reports it; counted as a set of its own
            key = f"job {job.name}"
        found.append(int(key not in seen))
        seen.add(key)
    return found


def _shared_roles(catalogue: Catalogue) -> int:
    """sched's roles shared by jobs: Scheduler's, the Fargate-on-rules one, the watcher's."""
    jobs = catalogue.jobs
    scheduler = any(j.backend is Backend.SCHEDULER for j in jobs)
    ecs = any(j.compute is Compute.FARGATE and j.backend is Backend.RULES for j in jobs)
    return scheduler + ecs + has_watcher(catalogue)


class RulesPerBus(Rule):
    doc = RuleDoc(
        "SCH223",
        Severity.WARNING,
        "more EventBridge rules than an event bus allows by default",
        f"Each job on backend: rules is an EventBridge rule on the default event bus (a Unix "
        f"either-day line is two, the alert watcher one more). EventBridge allows "
        f"{limits.EVENTBRIDGE_RULES_PER_BUS} rules per bus by default "
        f"({limits.EVENTBRIDGE_RULES_PER_BUS_LOW} in {_LOW_REGIONS}), counting rules sched did "
        "not create; past it, PutRule fails mid-apply. EventBridge Scheduler allows a million "
        "schedules per region.",
        "defaults: {backend: rules}\njobs: {job-1: ..., ..., job-301: ...}",
        "defaults: {backend: scheduler}\njobs: {job-1: ..., ..., job-301: ...}",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        catalogue = context.catalogue
        count = int(has_watcher(catalogue))
        for index, job in enumerate(catalogue.jobs):
            count += _rules_of(context, job)
            if count > limits.EVENTBRIDGE_RULES_PER_BUS:
                rest = catalogue.jobs[index + 1 :]
                total = count + sum(_rules_of(context, j) for j in rest)
                yield self.report(
                    context.key_span(job),
                    f'job "{job.name}" is EventBridge rule {count}: the catalogue makes {total} '
                    f"rules; an event bus allows {limits.EVENTBRIDGE_RULES_PER_BUS} by default "
                    f"({limits.EVENTBRIDGE_RULES_PER_BUS_LOW} in {_LOW_REGIONS})",
                    "move jobs to backend: scheduler, or ask for an increase of the quota "
                    f'"{limits.EVENTBRIDGE_RULES_QUOTA_NAME}" of Amazon EventBridge in Service '
                    "Quotas",
                )
                return


class RolesPerAccount(Rule):
    doc = RuleDoc(
        "SCH224",
        Severity.WARNING,
        "more IAM roles than an account allows by default",
        "Each Lambda job with a handler and no role: gets an execution role of its own (with "
        "defaults: {roles: shared}, one role per distinct permission set), and sched adds "
        "shared roles (EventBridge Scheduler's, Fargate's, the alert watcher's). IAM allows "
        f"{limits.IAM_ROLES_PER_ACCOUNT} roles per account by default, counting roles sched "
        "did not create; past it, CreateRole fails mid-apply.",
        "jobs: {job-1: {handler: ...}, ..., job-1000: {handler: ...}}",
        "jobs: {job-1: {handler: ..., role: arn:aws:iam::123456789012:role/jobs}, ...}",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        catalogue = context.catalogue
        shared = _shared_roles(catalogue)
        count = shared
        made = _job_roles(catalogue)
        for job, adds in zip(catalogue.jobs, made, strict=True):
            count += adds
            if count > limits.IAM_ROLES_PER_ACCOUNT:
                total = shared + sum(made)
                share = (
                    ""
                    if catalogue.roles is RoleMode.SHARED
                    else "share one role among jobs with the same permissions (defaults: "
                    "{roles: shared}), or "
                )
                yield self.report(
                    context.key_span(job),
                    f'job "{job.name}" is IAM role {count}: the catalogue makes {total} roles '
                    f"({shared} of them shared); an account allows "
                    f"{limits.IAM_ROLES_PER_ACCOUNT} by default",
                    f"{share}give jobs one existing role: (role: ARN), or "
                    f'ask for an increase of the quota "{limits.IAM_ROLES_QUOTA_NAME}" of AWS '
                    "Identity and Access Management in Service Quotas",
                )
                return
