"""Rules on what is kept of a job's function: `versions:` keeps the last N published versions
(the `live` alias the schedule invokes points at one of them, so N is at least 1), and
`log_retention:` how long its logs are kept, in the days CloudWatch Logs accepts.
"""

from __future__ import annotations

from collections.abc import Iterator

from scheduler import limits
from scheduler.catalogue.model import Compute, Job
from scheduler.diagnostics import Diagnostic, Severity
from scheduler.rules.base import Context, Rule, RuleDoc


def _versioned(job: Job) -> bool:
    """Only a function sched deploys (a handler job) has versions sched publishes."""
    return job.compute is Compute.LAMBDA and job.handler is not None and job.function is None


class VersionsBelowOne(Rule):
    doc = RuleDoc(
        "SCH221",
        Severity.ERROR,
        "versions below 1",
        "Each apply that changes a job's function publishes a version and points the `live` "
        "alias the schedule invokes at it; `versions: N` keeps the last N (older ones are "
        "deleted, never the one the alias points at). The alias needs a version, so N is at "
        "least 1; keep 2 or more to be able to roll back (`sched rollback JOB`).",
        "versions: 0",
        "versions: 3",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        reported_defaults = False
        for job in context.catalogue.jobs:
            if not _versioned(job) or job.versions is None or job.versions >= 1:
                continue
            own = context.source_map.has(("jobs", job.name, "versions"))
            if not own:
                if reported_defaults:
                    continue
                reported_defaults = True
            who = f'job "{job.name}"' if own else "defaults"
            yield self.report(
                context.setting_span(job, "versions"),
                f"{who}: versions is {job.versions}; the live alias needs at least 1 version",
                "keep at least 1 (3 by default): versions: 3",
            )


class LogRetentionNotAccepted(Rule):
    doc = RuleDoc(
        "SCH222",
        Severity.ERROR,
        "log retention CloudWatch Logs does not accept",
        "`log_retention:` is how many days CloudWatch Logs keeps a job's logs. It accepts only "
        f"these: {', '.join(map(str, limits.CLOUDWATCH_LOG_RETENTION_DAYS))} "
        "(https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/"
        "API_PutRetentionPolicy.html); any other refuses the apply.",
        "log_retention: 10",
        "log_retention: 14",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        reported_defaults = False
        for job in context.catalogue.jobs:
            days = job.log_retention
            if not _versioned(job) or days is None or days in limits.CLOUDWATCH_LOG_RETENTION_DAYS:
                continue
            own = context.source_map.has(("jobs", job.name, "log_retention"))
            if not own:
                if reported_defaults:
                    continue
                reported_defaults = True
            who = f'job "{job.name}"' if own else "defaults"
            yield self.report(
                context.setting_span(job, "log_retention"),
                f"{who}: log_retention is {days} days; CloudWatch Logs does not accept it",
                f"use the nearest it accepts: log_retention: {_nearest(days)}",
            )


def _nearest(days: int) -> int:
    return min(limits.CLOUDWATCH_LOG_RETENTION_DAYS, key=lambda d: (abs(d - days), d))


VERSION_RULES: tuple[Rule, ...] = (VersionsBelowOne(), LogRetentionNotAccepted())
