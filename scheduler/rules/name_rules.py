"""Rules about names: characters AWS accepts, lengths after prefixing, clashing job names."""

from __future__ import annotations

import re
from collections.abc import Iterator

from scheduler import limits, naming
from scheduler.diagnostics import Diagnostic, Severity, echo
from scheduler.rules.base import Context, Rule, RuleDoc

_VALID = re.compile(limits.NAME_PATTERN)


class InvalidName(Rule):
    doc = RuleDoc(
        "SCH301",
        Severity.ERROR,
        "name with characters AWS does not accept",
        "The catalogue and job names become parts of rule, function and role names; Lambda "
        "function names allow only letters, digits, '-' and '_'.",
        "jobs:\n  log backup: {...}",
        "jobs:\n  log-backup: {...}",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        hint = "use only letters, digits, '-' and '_'"
        name = context.catalogue.name
        if not _VALID.match(name):
            yield self.report(
                context.source_map.span(("catalogue",)),
                f'catalogue name "{name}" has characters AWS names do not allow',
                hint,
            )
        for job in context.catalogue.jobs:
            if not _VALID.match(job.name):
                yield self.report(
                    context.key_span(job),
                    f'job name "{job.name}" has characters AWS names do not allow',
                    hint,
                )


class NameTooLong(Rule):
    doc = RuleDoc(
        "SCH302",
        Severity.WARNING,
        "name too long for AWS after prefixing",
        "Resources are named <catalogue>-<job>; past 64 characters sched shortens the name and "
        "appends a short hash, which keeps it unique but harder to read in the console.",
        "jobs:\n  a-very-long-job-name-that-goes-on-and-on-and-on-and-on-forever: {...}",
        "jobs:\n  nightly-export: {...}",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        limit = limits.LAMBDA_FUNCTION_NAME_MAX
        prefix = context.catalogue.prefix
        for job in context.catalogue.jobs:
            full = f"{prefix}-{job.name}"
            if len(full) > limit:
                yield self.report(
                    context.key_span(job),
                    f"resource name {echo(full)} is longer than the {limit} characters AWS "
                    "allows, so sched will shorten it and add a hash",
                    f"shorten the job or catalogue name by {len(full) - limit} characters",
                )


class ClashingJobNames(Rule):
    doc = RuleDoc(
        "SCH303",
        Severity.ERROR,
        "job names that differ only in case",
        "IAM, CloudWatch Logs searches and people treat such names as the same job.",
        "jobs:\n  Export: {...}\n  export: {...}",
        "jobs:\n  export: {...}\n  export-eu: {...}",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        seen: dict[str, str] = {}
        for job in context.catalogue.jobs:
            key = job.name.casefold()
            if key in seen:
                yield self.report(
                    context.key_span(job),
                    f'job "{job.name}" clashes with job "{seen[key]}" (same name ignoring case)',
                    "give each job a distinct lower-case name",
                )
            else:
                seen[key] = job.name


class NameOverLimit(Rule):
    doc = RuleDoc(
        "SCH314",
        Severity.ERROR,
        "name longer than AWS accepts anywhere sched puts it",
        "Resource names are shortened with a hash (SCH302), but the catalogue and job names are "
        f"also the values of sched's tags {naming.CATALOGUE_TAG} and {naming.JOB_TAG}, which AWS "
        f"holds to {limits.TAG_VALUE_MAX} characters, and part of each role's description.",
        f"jobs:\n  <{limits.TAG_VALUE_MAX + 1} characters>: {{...}}",
        "jobs:\n  nightly-export: {...}",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        limit = limits.TAG_VALUE_MAX
        name = context.catalogue.name
        if len(name) > limit:
            yield self.report(
                context.source_map.span(("catalogue",)),
                f"catalogue name {echo(name)} is over the {limit} characters AWS allows in "
                f"the {naming.CATALOGUE_TAG} tag",
                f"shorten it to {limit} characters or fewer (64 or fewer reads best)",
            )
        for job in context.catalogue.jobs:
            if len(job.name) > limit:
                yield self.report(
                    context.key_span(job),
                    f"job name {echo(job.name)} is over the {limit} characters AWS allows in "
                    f"the {naming.JOB_TAG} tag",
                    f"shorten it to {limit} characters or fewer (64 or fewer reads best)",
                )
