"""Rules about how long and how big a run is: Lambda's 15-minute limit, timeouts, memory, input."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from datetime import timedelta

from scheduler import limits
from scheduler.catalogue.durations import format_duration as fmt
from scheduler.catalogue.model import Compute, Job
from scheduler.diagnostics import Diagnostic, Severity, Span
from scheduler.rules.base import Context, Rule, RuleDoc
from scheduler.runtime.contract import ENV_CODE, ENV_DEPLOY


def _lambda_jobs(context: Context) -> Iterator[Job]:
    return (job for job in context.catalogue.jobs if job.compute is Compute.LAMBDA)


def _timed_jobs(context: Context) -> Iterator[Job]:
    """Jobs whose timeout means something: Lambda's, or one the job sets itself."""
    return (
        job
        for job in context.catalogue.jobs
        if job.compute is Compute.LAMBDA or job.timeout_is_explicit
    )


def _cap(context: Context) -> timedelta:
    """The longest a Lambda run may take here: Lambda's limit, or the policy's if lower."""
    return min(context.catalogue.policy.max_runtime, limits.LAMBDA_MAX_TIMEOUT)


def _too_long(context: Context, job: Job) -> bool:
    """SCH201's case: no Lambda timeout can cover the job's runtime. Then that is the advice
    every timeout finding gives, rather than a timeout Lambda would refuse."""
    return job.compute is Compute.LAMBDA and job.expected_runtime > _cap(context)


_OFF_LAMBDA = "run it on Fargate (compute: fargate) or EC2, or split the work"


def _uncovered(context: Context, job: Job) -> str:
    cover = f"no timeout up to {fmt(_cap(context))} can cover {fmt(job.expected_runtime)}"
    return f"{cover}: {_OFF_LAMBDA}"


def _timeout_span(context: Context, job: Job) -> Span:
    """The timeout where it was written (job or defaults), else the job: it was derived."""
    if job.timeout_is_explicit:
        return context.setting_span(job, "timeout")
    return context.source_map.span(("jobs", job.name))


class RuntimeOverLimit(Rule):
    doc = RuleDoc(
        "SCH201",
        Severity.ERROR,
        "expected runtime too long for Lambda",
        "Lambda stops every invocation after 15 minutes (or the catalogue's policy.max_runtime "
        "if lower). A job that needs longer must run on Fargate or EC2, or be split.",
        "expected_runtime: 45m",
        "expected_runtime: 45m\ncompute: fargate",
        source_url="https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        cap = _cap(context)
        for job in _lambda_jobs(context):
            if job.expected_runtime > cap:
                limit = (
                    "Lambda stops at 15m"
                    if cap == limits.LAMBDA_MAX_TIMEOUT
                    else f"policy allows {fmt(cap)}"
                )
                yield self.report(
                    context.span(job, "expected_runtime"),
                    f'job "{job.name}" expects {fmt(job.expected_runtime)}; {limit}',
                    _OFF_LAMBDA,
                )


class TimeoutOverLimit(Rule):
    doc = RuleDoc(
        "SCH202",
        Severity.ERROR,
        "timeout outside Lambda's range",
        f"A Lambda function's timeout is {limits.LAMBDA_MIN_TIMEOUT_SECONDS} to "
        f"{limits.LAMBDA_MAX_TIMEOUT_SECONDS} seconds (15 minutes), in whole seconds.",
        "timeout: 20m",
        "timeout: 15m",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        for job in _lambda_jobs(context):
            if job.timeout < limits.LAMBDA_MIN_TIMEOUT:
                yield self.report(
                    _timeout_span(context, job),
                    f'job "{job.name}" sets timeout {fmt(job.timeout)}; Lambda needs at least '
                    f"{limits.LAMBDA_MIN_TIMEOUT_SECONDS}s",
                    "give the job a timeout of a few seconds at least",
                )
            elif job.timeout > limits.LAMBDA_MAX_TIMEOUT:
                yield self.report(
                    _timeout_span(context, job),
                    f'job "{job.name}" sets timeout {fmt(job.timeout)}; Lambda allows at most 15m',
                    _uncovered(context, job)
                    if _too_long(context, job)
                    else "lower the timeout to 15m or less, or move the job to Fargate "
                    "(compute: fargate)",
                )


class TimeoutBelowRuntime(Rule):
    doc = RuleDoc(
        "SCH203",
        Severity.ERROR,
        "timeout shorter than the expected runtime",
        "Every run would be stopped before it is expected to finish.",
        "expected_runtime: 10m\ntimeout: 5m",
        "expected_runtime: 10m\ntimeout: 14m",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        # A derived timeout is only ever short when the runtime is over the limit: SCH201's case.
        for job in context.catalogue.jobs:
            if job.timeout_is_explicit and job.timeout < job.expected_runtime:
                yield self.report(
                    context.span(job, "timeout"),
                    f'job "{job.name}" times out after {fmt(job.timeout)} but expects to run '
                    f"for {fmt(job.expected_runtime)}",
                    self._advice(context, job),
                )

    @staticmethod
    def _advice(context: Context, job: Job) -> str:
        if _too_long(context, job):
            return _uncovered(context, job)
        if job.compute is Compute.LAMBDA:
            return (
                f"raise the timeout above {fmt(job.expected_runtime)}, with some headroom, "
                f"up to {fmt(_cap(context))}"
            )
        return "raise the timeout above the expected runtime, with some headroom"


class RuntimeCloseToTimeout(Rule):
    doc = RuleDoc(
        "SCH204",
        Severity.WARNING,
        "expected runtime close to the timeout",
        "Runs that take a little longer than usual will time out. The threshold is "
        "policy.timeout_warning_ratio of the timeout (80% by default).",
        "expected_runtime: 9m\ntimeout: 10m",
        "expected_runtime: 6m\ntimeout: 10m",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        ratio = context.catalogue.policy.timeout_warning_ratio
        for job in _timed_jobs(context):
            if job.expected_runtime <= job.timeout and job.expected_runtime > job.timeout * ratio:
                share = job.expected_runtime / job.timeout
                yield self.report(
                    context.span(job, "expected_runtime"),
                    f'job "{job.name}" expects {fmt(job.expected_runtime)}, {share:.0%} of its '
                    f"{fmt(job.timeout)} timeout",
                    "raise the timeout, or make the job faster, to keep some headroom",
                )


class MemoryOutOfRange(Rule):
    doc = RuleDoc(
        "SCH205",
        Severity.ERROR,
        "memory outside Lambda's range",
        "Lambda memory is between 128 MB and 10,240 MB.",
        "memory: 64",
        "memory: 256",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        low, high = limits.LAMBDA_MIN_MEMORY_MB, limits.LAMBDA_MAX_MEMORY_MB
        for job in _lambda_jobs(context):
            if not low <= job.memory <= high:
                yield self.report(
                    context.setting_span(job, "memory"),
                    f'job "{job.name}" asks for {job.memory} MB; Lambda allows {low}-{high} MB',
                    f"set memory between {low} and {high}",
                )


class InputTooLarge(Rule):
    doc = RuleDoc(
        "SCH206",
        Severity.ERROR,
        "input too large for an EventBridge target",
        "A target's input is at most 8,192 characters of JSON (sched's envelope included).",
        "input: {blob: <10,000 characters>}",
        "input: {bucket: app-logs}",
    )

    # Room kept for the envelope sched wraps around the input (job name, scheduled time, ids).
    ENVELOPE = 200

    def check(self, context: Context) -> Iterator[Diagnostic]:
        budget = limits.EVENTBRIDGE_TARGET_INPUT_MAX - self.ENVELOPE
        for job in context.catalogue.jobs:
            if job.input is None:
                continue
            try:
                size = len(_COMPACT.encode(job.input))
            except TypeError:
                continue  # binary data (YAML's !!binary), which SCH209 says JSON cannot carry
            if size > budget:
                yield self.report(
                    context.span(job, "input"),
                    f'job "{job.name}" input is {size} characters of JSON; at most {budget} fit',
                    "store large data in S3 or SSM Parameter Store and pass its key",
                )


# How an input is sent, as compact as JSON writes it; one encoder for every job.
_COMPACT = json.JSONEncoder(separators=(",", ":"))

_BINARY = "binary data (!!binary)"


def _not_json(value: object) -> str | None:
    """What in `value` JSON cannot carry: NaN or infinite numbers (YAML's .nan, .inf), binary
    data (YAML's !!binary)."""
    if isinstance(value, float):
        return None if math.isfinite(value) else str(value)
    if isinstance(value, bytes):
        return _BINARY
    items = value.values() if isinstance(value, dict) else value if isinstance(value, list) else ()
    for item in items:
        # Text, numbers and booleans, most of an input, need no call of their own.
        if isinstance(item, _NOT_PLAIN) and (bad := _not_json(item)) is not None:
            return bad
    return None


_NOT_PLAIN = (float, bytes, dict, list)


class InputNotJson(Rule):
    doc = RuleDoc(
        "SCH209",
        Severity.ERROR,
        "input that JSON cannot carry",
        "A job's input is sent as JSON, which has no NaN or infinite numbers (YAML's .nan, .inf) "
        "and no binary data (YAML's !!binary).",
        "input: {threshold: .inf}",
        "input: {threshold: 1000000}",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        for job in context.catalogue.jobs:
            bad = _not_json(job.input)
            if bad is not None:
                yield self.report(
                    context.span(job, "input"),
                    f'job "{job.name}" input holds {bad}, which JSON cannot represent',
                    "write the data as text (base64, say) that the handler decodes"
                    if bad == _BINARY
                    else 'use a finite number, or a string such as "inf" that the handler reads',
                )


class PolicyOverLimit(Rule):
    doc = RuleDoc(
        "SCH207",
        Severity.ERROR,
        "policy.max_runtime above Lambda's limit",
        "The policy may lower Lambda's 15-minute limit to keep headroom, never raise it.",
        "policy: {max_runtime: 1h}",
        "policy: {max_runtime: 12m}",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        if context.catalogue.policy.max_runtime > limits.LAMBDA_MAX_TIMEOUT:
            yield self.report(
                context.source_map.span(("policy", "max_runtime")),
                f"policy.max_runtime is {fmt(context.catalogue.policy.max_runtime)}; "
                "Lambda stops at 15m",
                "set max_runtime to 15m or less; route long jobs with compute: fargate",
            )


def environment_size(variables: dict[str, str]) -> int:
    """The size Lambda holds to its 4 KB: the variables as one compact JSON object, in bytes.
    Its refusal quotes exactly that ("... exceeded the 4KB limit. String measured: {...}"), see
    https://github.com/github-aws-runners/terraform-aws-github-runner/issues/3594."""
    text = json.dumps(variables, separators=(",", ":"), ensure_ascii=False)
    return len(text.encode())


# sched's own names and their values' punctuation, rounded up (see compile.function_environment).
_SCHED_ENVIRONMENT_OVERHEAD = 360
# SCHED_CODE, which the writer adds: a hex SHA-256, a colon, a base64 one (aws/code_record.py).
_CODE_RECORD = "0" * 64 + ":" + "0" * 44


def deployed_environment(job: Job, catalogue: str) -> dict[str, str]:
    """The handler job's environment as deployed: compile adds SCHED_DEPLOY, a digest of the
    rest, last, and the writer SCHED_CODE; their lengths are fixed, so placeholders measure the
    same."""
    # Imported here: compile pulls in the history and the watcher's webhook client (http,
    # ssl), which validate needs only for a job whose environment may be near the limit.
    from scheduler.compile import DEPLOY_VALUE_LENGTH, function_environment

    return {
        **function_environment(job, catalogue),
        ENV_DEPLOY: "0" * DEPLOY_VALUE_LENGTH,
        ENV_CODE: _CODE_RECORD,
    }


def _environment_bound(job: Job, catalogue: str) -> int:
    """An upper bound of `environment_size` of the job's function: a character takes at most 6
    bytes in JSON (\\u00XX), and one of a secret reference, JSON inside JSON, at most 24."""
    own = sum(len(k) + len(v) + 6 for k, v in job.environment)
    names = len(job.name) + len(catalogue) + len(job.handler or "")
    secrets = sum(len(k) + len(v) + 6 for k, v in job.secrets)
    return 6 * (own + names) + 24 * secrets + _SCHED_ENVIRONMENT_OVERHEAD


class EnvironmentTooLarge(Rule):
    doc = RuleDoc(
        "SCH208",
        Severity.ERROR,
        "environment over Lambda's 4 KB",
        "All of a function's environment variables together are at most 4 KB, measured as one "
        "JSON object, and that includes the SCHED_* names sched adds (the job, the handler, the "
        "secret references).",
        "environment: {BLOB: <5,000 characters>}",
        "environment: {LOG_LEVEL: info}",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        catalogue = context.catalogue.prefix
        for job in _lambda_jobs(context):
            if _environment_bound(job, catalogue) <= limits.LAMBDA_ENVIRONMENT_MAX_BYTES:
                continue  # the common case, without building the environment
            if job.handler is not None:
                variables = deployed_environment(job, catalogue)
            else:
                variables = dict(job.environment)
            size = environment_size(variables)
            if size > limits.LAMBDA_ENVIRONMENT_MAX_BYTES:
                span = (
                    context.setting_span(job, "environment")
                    if job.environment
                    else context.span(job, "secrets")
                )
                yield self.report(
                    span,
                    f'job "{job.name}" environment is {size} bytes as Lambda measures it '
                    f"(sched's SCHED_* names included); Lambda allows "
                    f"{limits.LAMBDA_ENVIRONMENT_MAX_BYTES}",
                    "move large values to SSM Parameter Store or S3",
                )


class EventAgeOutOfRange(Rule):
    doc = RuleDoc(
        "SCH215",
        Severity.ERROR,
        "event age outside what AWS allows",
        "max_event_age is how long Lambda keeps re-running a failed run's event (60s to 6h); "
        "delivery_max_event_age how long the rule or schedule keeps trying to deliver it (60s "
        "to 24h). AWS refuses anything else when the job is applied.",
        "max_event_age: 12h",
        "max_event_age: 6h\ndelivery_max_event_age: 12h",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        lambda_range = (limits.LAMBDA_MIN_EVENT_AGE_SECONDS, limits.LAMBDA_MAX_EVENT_AGE_SECONDS)
        delivery_range = (
            limits.EVENTBRIDGE_MIN_EVENT_AGE_SECONDS,
            limits.EVENTBRIDGE_MAX_EVENT_AGE_SECONDS,
        )
        for job in context.catalogue.jobs:
            for key, value, (low, high) in (
                ("max_event_age", job.max_event_age, lambda_range),
                ("delivery_max_event_age", job.delivery_max_event_age, delivery_range),
            ):
                if value is None or low <= value.total_seconds() <= high:
                    continue
                low_text, high_text = fmt(timedelta(seconds=low)), fmt(timedelta(seconds=high))
                yield self.report(
                    context.setting_span(job, key),
                    f'job "{job.name}": {key} is {fmt(value)};'
                    f" AWS allows {low_text} to {high_text}",
                    f"set {key} between {low_text} and {high_text}",
                )
