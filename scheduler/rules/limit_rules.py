"""Rules that hold what a job passes to AWS to the limits AWS documents (`scheduler.limits`):
description lengths, tag counts, lengths, characters and keys reserved by AWS or by sched, and
environment names Lambda refuses or reserves, or sched sets itself. All of them would otherwise
fail only mid-apply, after earlier phases were applied.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from functools import partial

from scheduler import limits, naming
from scheduler.catalogue.model import Backend, Compute, Job
from scheduler.diagnostics import Diagnostic, Severity, Span, echo
from scheduler.rules.base import Context, Rule, RuleDoc

# Every name sched sets in a function's environment starts with this (see
# scheduler/runtime/contract.py); the whole prefix is kept for sched, so a later version can add
# a name without taking one a catalogue already uses.
SCHED_ENVIRONMENT_PREFIX = "SCHED_"
# Tags sched sets on everything it creates and reads back to know what it owns.
SCHED_TAG_PREFIX = "sched:"
RESERVED_TAG_KEYS = (naming.MANAGED_BY_KEY, f"{SCHED_TAG_PREFIX}*")

_ENV_NAME = re.compile(limits.LAMBDA_ENVIRONMENT_NAME_PATTERN)
_PLAIN_TAG = re.compile(f"[A-Za-z0-9 {re.escape(limits.TAG_PUNCTUATION)}]*")


def _merged_entries(context: Context, section: str) -> list[tuple[Job | None, str, str, Span]]:
    """Each entry of a merged mapping (`tags`, `environment`) once, where it was written, as
    (job, key, value, key span): keys of `defaults:` once for the catalogue (job None), a job's
    own keys once for that job. Computed once per validation."""
    return context.memo(("merged", section), partial(_merge, context, section))


def _merge(context: Context, section: str) -> list[tuple[Job | None, str, str, Span]]:
    found: list[tuple[Job | None, str, str, Span]] = []
    seen_defaults: set[str] = set()
    has = context.source_map.has
    for job in context.catalogue.jobs:
        if section == "environment" and not _deploys_environment(job):
            continue
        pairs = job.tags if section == "tags" else job.environment
        own = has(("jobs", job.name, section))
        for key, value in pairs:
            if own and has(("jobs", job.name, section, key)):
                found.append((job, key, value, context.key_span(job, section, key)))
            elif key not in seen_defaults:
                seen_defaults.add(key)
                span = context.source_map.key_span(("defaults", section, key))
                found.append((None, key, value, span))
    return found


def _deploys_environment(job: Job) -> bool:
    """Only a handler job's function gets the environment (and the secrets) sched deploys."""
    return job.compute is Compute.LAMBDA and job.handler is not None and job.function is None


def _who(job: Job | None) -> str:
    return f'job "{job.name}"' if job is not None else "defaults"


def _description_limit(job: Job) -> tuple[int, str]:
    """The shortest description limit among the resources the job's description goes to."""
    targets: list[tuple[int, str]] = []
    if _deploys_environment(job):  # a function of sched's own
        targets.append((limits.LAMBDA_DESCRIPTION_MAX, "a Lambda function's"))
    if job.backend is Backend.SCHEDULER and job.compute is Compute.LAMBDA:
        targets.append((limits.SCHEDULER_SCHEDULE_DESCRIPTION_MAX, "a schedule's"))
    else:
        targets.append((limits.EVENTBRIDGE_RULE_DESCRIPTION_MAX, "an EventBridge rule's"))
    return min(targets)


_SHORTEST_DESCRIPTION = min(
    limits.LAMBDA_DESCRIPTION_MAX,
    limits.SCHEDULER_SCHEDULE_DESCRIPTION_MAX,
    limits.EVENTBRIDGE_RULE_DESCRIPTION_MAX,
)


class DescriptionTooLong(Rule):
    doc = RuleDoc(
        "SCH216",
        Severity.ERROR,
        "description longer than AWS accepts",
        f"A job's description becomes its Lambda function's (at most "
        f"{limits.LAMBDA_DESCRIPTION_MAX} characters) and its EventBridge rule's or schedule's "
        f"(at most {limits.EVENTBRIDGE_RULE_DESCRIPTION_MAX}). AWS refuses a longer one when "
        "the job is applied, after the earlier resources were created.",
        "description: <300 characters>   # a handler job",
        "description: Back up application logs to S3 every Monday at 02:00",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        for job in context.catalogue.jobs:
            if len(job.description) <= _SHORTEST_DESCRIPTION:
                continue
            limit, where = _description_limit(job)
            if len(job.description) > limit:
                yield self.report(
                    context.span(job, "description"),
                    f'job "{job.name}": description is {len(job.description)} characters; '
                    f"{where} allows {limit}",
                    f"shorten it to {limit} characters or fewer; keep the details in a README",
                )


def _bad_tag_characters(text: str) -> str:
    """The characters of `text` no tag accepts, in order, each once."""
    if _PLAIN_TAG.fullmatch(text):  # the common case, without a look at each character
        return ""
    bad = dict.fromkeys(
        c
        for c in text
        if not (
            c.isalnum() or unicodedata.category(c).startswith("Z") or c in limits.TAG_PUNCTUATION
        )
    )
    return "".join(bad)


class InvalidTag(Rule):
    doc = RuleDoc(
        "SCH217",
        Severity.ERROR,
        "tag AWS does not accept",
        f"Lambda functions, EventBridge rules and IAM roles take at most "
        f"{limits.TAGS_PER_RESOURCE_MAX} tags, sched's own three included; keys of 1 to "
        f"{limits.TAG_KEY_MAX} characters, values of at most {limits.TAG_VALUE_MAX}, made of "
        f"letters, digits, spaces and {' '.join(limits.TAG_PUNCTUATION)}; and keys starting "
        f"with {limits.TAG_RESERVED_PREFIX} (in any case) are AWS's own.",
        "tags: {aws:team: platform, cost#centre: ops}",
        "tags: {team: platform, cost-centre: ops}",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        yield from self._counts(context)
        for job, key, value, key_span in _merged_entries(context, "tags"):
            yield from self._entry(context, job, key, value, key_span)

    def _counts(self, context: Context) -> Iterator[Diagnostic]:
        for job in context.catalogue.jobs:
            catalogue = context.catalogue
            ours = len(naming.ownership_tags(catalogue.name, job.name, catalogue.environment_name))
            room = limits.TAGS_PER_RESOURCE_MAX - ours
            if len(job.tags) > room:
                own = context.source_map.has(("jobs", job.name, "tags"))
                span = (
                    context.key_span(job, "tags")
                    if own
                    else context.source_map.key_span(("defaults", "tags"))
                )
                yield self.report(
                    span,
                    f'job "{job.name}" has {len(job.tags)} tags; with sched\'s own '
                    f"{ours}, AWS allows {room}",
                    f"remove {len(job.tags) - room} tags (defaults' count too)",
                )

    def _entry(
        self, context: Context, job: Job | None, key: str, value: str, key_span: Span
    ) -> Iterator[Diagnostic]:
        who = _who(job)
        if not key or len(key) > limits.TAG_KEY_MAX:
            yield self.report(
                key_span,
                f"{who}: tag key {echo(key)} is {'empty' if not key else 'too long'}; AWS "
                f"allows 1 to {limits.TAG_KEY_MAX} characters",
                f"give the tag a key of 1 to {limits.TAG_KEY_MAX} characters",
            )
        elif key.casefold().startswith(limits.TAG_RESERVED_PREFIX):
            yield self.report(
                key_span,
                f"{who}: tag key {echo(key)} starts with {limits.TAG_RESERVED_PREFIX}, which AWS "
                "keeps for its own tags",
                f"drop the {key[: len(limits.TAG_RESERVED_PREFIX)]} prefix",
            )
        elif bad := _bad_tag_characters(key):
            yield self.report(
                key_span,
                f"{who}: tag key {echo(key)} has characters tags do not allow: {echo(bad)}",
                f"use letters, digits, spaces and {' '.join(limits.TAG_PUNCTUATION)}",
            )
        value_path = ("jobs", job.name, "tags", key) if job else ("defaults", "tags", key)
        if len(value) > limits.TAG_VALUE_MAX:
            yield self.report(
                context.source_map.span(value_path),
                f"{who}: tag {echo(key)} has a value of {len(value)} characters; AWS allows "
                f"{limits.TAG_VALUE_MAX}",
                f"shorten the value to {limits.TAG_VALUE_MAX} characters or fewer",
            )
        elif bad := _bad_tag_characters(value):
            yield self.report(
                context.source_map.span(value_path),
                f"{who}: tag {echo(key)} has a value with characters tags do not allow: "
                f"{echo(bad)}",
                f"use letters, digits, spaces and {' '.join(limits.TAG_PUNCTUATION)}",
            )


class ReservedTag(Rule):
    doc = RuleDoc(
        "SCH218",
        Severity.ERROR,
        "tag key that sched sets itself",
        f"sched tags everything it creates with {naming.MANAGED_BY_KEY}={naming.MANAGED_BY_VALUE}"
        f" and {naming.CATALOGUE_TAG}, {naming.JOB_TAG} (every {SCHED_TAG_PREFIX} key is kept "
        "for sched), and reads them back to know what it owns. A catalogue's tag with one of "
        "these keys would be overwritten without a word.",
        "tags: {managed-by: terraform}",
        "tags: {provisioned-by: terraform}",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        for job, key, _, key_span in _merged_entries(context, "tags"):
            if key == naming.MANAGED_BY_KEY or key.startswith(SCHED_TAG_PREFIX):
                yield self.report(
                    key_span,
                    f"{_who(job)}: tag key {echo(key)} is reserved by sched "
                    f"({', '.join(RESERVED_TAG_KEYS)}); sched sets it on what it creates",
                    "rename the tag; sched already records who manages each resource",
                )


class EnvironmentName(Rule):
    doc = RuleDoc(
        "SCH219",
        Severity.ERROR,
        "environment name Lambda refuses or reserves, or sched sets",
        "Lambda takes environment names of a letter then at least one more letter, digit or _, "
        "and keeps its runtime's own names (AWS_REGION, _HANDLER, TZ and the others on its "
        f"page) for itself. Names starting with {SCHED_ENVIRONMENT_PREFIX} are sched's: it sets "
        "them in every function, replacing the catalogue's. The same reserved names hold for "
        "secrets:, which the wrapper sets in the environment before the handler runs.",
        "environment: {AWS_REGION: eu-west-1, my-key: a, SCHED_JOB: x}",
        "environment: {APP_REGION: eu-west-1, MY_KEY: a, JOB_NAME: x}",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        for job, key, _, span in _merged_entries(context, "environment"):
            found = self._problem(key, pattern=True)
            if found is not None:
                yield self.report(span, f"{_who(job)}: environment name {found[0]}", found[1])
        for job in context.catalogue.jobs:
            if not _deploys_environment(job):
                continue
            for key, _ in job.secrets:
                found = self._problem(key, pattern=False)  # SCH410 checks the pattern
                if found is not None:
                    yield self.report(
                        context.key_span(job, "secrets", key),
                        f'job "{job.name}": secret name {found[0]}',
                        found[1],
                    )

    @staticmethod
    def _problem(name: str, *, pattern: bool) -> tuple[str, str] | None:
        if name in limits.LAMBDA_RESERVED_ENVIRONMENT_NAMES:
            return (
                f"{echo(name)} is reserved by Lambda, which sets it itself",
                "choose another name; read Lambda's value of it in the handler",
            )
        if name.startswith(SCHED_ENVIRONMENT_PREFIX):
            return (
                f"{echo(name)} starts with {SCHED_ENVIRONMENT_PREFIX}, which sched keeps for its "
                "own names (SCHED_JOB, SCHED_CATALOGUE, SCHED_HANDLER, ...)",
                f"choose a name without the {SCHED_ENVIRONMENT_PREFIX} prefix",
            )
        if pattern and not _ENV_NAME.match(name):
            return (
                f"{echo(name)} is not one Lambda accepts",
                "start with a letter, then at least one more letter, digit or _",
            )
        return None
