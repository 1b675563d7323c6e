"""Rules on `alerts:` and the jobs' `alert:`: channels that exist, addresses and topic ARNs that
are what they say, webhook URLs kept as secrets, outcome names sched knows, and a grace a fire
can be late by and still be told in time (shorter than the schedule's period).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from scheduler import limits
from scheduler.catalogue.durations import format_duration
from scheduler.catalogue.model import Compute, Job, Outcome
from scheduler.diagnostics import Diagnostic, Severity, Span, echo
from scheduler.kms_keys import KmsKey
from scheduler.rules.base import Context, Rule, RuleDoc
from scheduler.runtime.contract import SecretRef

_EMAIL = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>.]+$")
_TOPIC_ARN = re.compile(
    r"^arn:aws[a-z-]*:sns:[a-z]{2}(-[a-z]+)+-\d:\d{12}:"
    rf"[A-Za-z0-9_-]{{1,{limits.SNS_TOPIC_NAME_MAX}}}(\.fifo)?$"
)
OUTCOMES = tuple(o.value for o in Outcome)


def _alerting(context: Context) -> Iterator[Job]:
    yield from (job for job in context.catalogue.jobs if job.alert is not None)


class UnknownChannel(Rule):
    doc = RuleDoc(
        "SCH501",
        Severity.ERROR,
        "alert to a channel the catalogue does not declare",
        "A job's `alert: to:` names channels declared under `alerts: channels:`. An alert to a "
        "channel that does not exist would be sent nowhere.",
        "alert: {to: [opps]}    # alerts: {channels: {ops: {email: [ops@example.com]}}}",
        "alert: {to: [ops]}     # alerts: {channels: {ops: {email: [ops@example.com]}}}",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        alerts = context.catalogue.alerts
        known = [c.name for c in alerts.channels] if alerts else []
        for job in _alerting(context):
            assert job.alert is not None
            for index, name in enumerate(job.alert.channels):
                if name in known:
                    continue
                yield self.report(
                    context.setting_span(job, "alert", "to", index),
                    f'job "{job.name}" alerts channel {echo(name)}, which alerts: does not declare',
                    f"declared channels: {', '.join(known)}"
                    if known
                    else "declare it: alerts: {channels: {"
                    + name
                    + ": {email: [you@example.com]}}}",
                )
            if not job.alert.channels:
                yield self.report(
                    context.setting_span(job, "alert"),
                    f'job "{job.name}" alerts, but no channel is declared',
                    "declare one: alerts: {channels: {ops: {email: [you@example.com]}}}",
                )


class NotAnEmail(Rule):
    doc = RuleDoc(
        "SCH502",
        Severity.ERROR,
        "email channel address is not an email address",
        "SNS subscribes each address of an `email:` channel; one that is not an address is "
        "refused by SNS at apply time, or reaches nobody.",
        "alerts: {channels: {ops: {email: [ops.example.com]}}}",
        "alerts: {channels: {ops: {email: [ops@example.com]}}}",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        alerts = context.catalogue.alerts
        for channel in alerts.channels if alerts else ():
            for index, address in enumerate(channel.emails):
                if _EMAIL.match(address):
                    continue
                yield self.report(
                    context.source_map.span(("alerts", "channels", channel.name, "email", index)),
                    f"channel {echo(channel.name)}: {echo(address)} is not an email address",
                    "write one address per item, like ops@example.com",
                )


class NotATopicArn(Rule):
    doc = RuleDoc(
        "SCH503",
        Severity.ERROR,
        "topic channel is not an SNS topic ARN",
        "A `topic:` channel is an existing SNS topic, named by its ARN "
        "(arn:aws:sns:REGION:ACCOUNT:NAME). sched publishes to it and never changes it.",
        "alerts: {channels: {pager: {topic: arn:aws:sqs:us-east-1:123456789012:pager}}}",
        "alerts: {channels: {pager: {topic: arn:aws:sns:us-east-1:123456789012:pager}}}",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        alerts = context.catalogue.alerts
        for channel in alerts.channels if alerts else ():
            if channel.topic is None or _TOPIC_ARN.match(channel.topic):
                continue
            yield self.report(
                context.source_map.span(("alerts", "channels", channel.name, "topic")),
                f"channel {echo(channel.name)}: {echo(channel.topic)} is not an SNS topic ARN",
                "write arn:aws:sns:REGION:ACCOUNT:TOPIC (aws sns list-topics shows them), "
                "or use email: [addresses] for a topic sched creates",
            )


class GraceOverPeriod(Rule):
    doc = RuleDoc(
        "SCH504",
        Severity.ERROR,
        "alert grace longer than the schedule's period",
        "A fire counts as missed only once its grace has passed. A grace longer than the time "
        "between two fires means the next fire comes first, so a missed run is never told in "
        "time.",
        "schedule: rate(15 minutes)\nalert: {grace: 1h}",
        "schedule: rate(15 minutes)\nalert: {grace: 10m}",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        for job in _alerting(context):
            assert job.alert is not None
            schedule = context.schedule(job)
            if isinstance(schedule, Exception):
                continue
            period = schedule.min_interval(job.timezone)
            if period is None or job.alert.grace <= period:
                continue
            written = _grace_span(context, job)
            most = format_duration(period)
            default = "" if written is not None else " (the default)"
            hint = f"use a grace of at most {most}"
            yield self.report(
                written or _alert_span(context, job),
                f'job "{job.name}": alert grace {format_duration(job.alert.grace)}{default} is '
                f"longer than its schedule's period ({most})",
                hint if written is not None else f"{hint}: alert: {{grace: {most}}}",
            )


def _grace_span(context: Context, job: Job) -> Span | None:
    """Where the job's alert grace was written (on the job, else under defaults), or None when
    it is the default."""
    for path in (("jobs", job.name, "alert", "grace"), ("defaults", "alert", "grace")):
        if context.source_map.has(path):
            return context.source_map.span(path)
    return None


def _alert_span(context: Context, job: Job) -> Span:
    """The job's `alert:`, else the defaults' one, else the job itself."""
    for path in (("jobs", job.name, "alert"), ("defaults", "alert")):
        if context.source_map.has(path):
            return context.source_map.span(path)
    return context.span(job)


class UnknownOutcome(Rule):
    doc = RuleDoc(
        "SCH505",
        Severity.ERROR,
        "alert on an outcome sched does not know",
        f"`alert: when:` lists outcomes: {', '.join(OUTCOMES)}. A misspelt one would never alert.",
        "alert: {when: [failure]}",
        "alert: {when: [failed, missed, recovered]}",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        for job in _alerting(context):
            assert job.alert is not None
            for index, name in enumerate(job.alert.when):
                if name in OUTCOMES:
                    continue
                yield self.report(
                    context.setting_span(job, "alert", "when", index),
                    f'job "{job.name}": {echo(name)} is not an outcome sched alerts on',
                    f"use {', '.join(OUTCOMES)}",
                )


class AlertNeverWatched(Rule):
    doc = RuleDoc(
        "SCH506",
        Severity.WARNING,
        "alert on a job the watcher cannot see",
        "The watcher reads Lambda's logs. A Fargate job leaves none, so an alert on it never "
        "fires; nor does one on a disabled job, which has no fires to judge.",
        "compute: fargate\nalert: {to: [ops]}",
        "compute: fargate\nalert: false",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        for job in _alerting(context):
            if job.compute is Compute.FARGATE:
                why = "runs on Fargate, whose runs sched cannot read"
            elif not job.enabled:
                why = "is disabled"
            else:
                continue
            own = context.source_map.has(("jobs", job.name, "alert"))
            yield self.report(
                context.span(job, "alert") if own else context.key_span(job),
                f'job "{job.name}" {why}: its alert never fires',
                f'set alert: false on job "{job.name}"',
            )


class PlainWebhook(Rule):
    doc = RuleDoc(
        "SCH507",
        Severity.ERROR,
        "webhook channel URL that is not a secret reference",
        "A `slack:` or `webhook:` channel's URL is a secret (whoever has it can post to the "
        "channel), so the catalogue names where it is kept, never the URL: ssm:/parameter/name "
        "(a SecureString, decrypted) or secretsmanager:secret-name (#key for a key of a JSON "
        "secret). The watcher reads it with its own role, allowed to read exactly that; "
        "`kms_key:` names the customer managed key it is encrypted with, if any.",
        "alerts: {channels: {chat: {slack: https://hooks.slack.com/services/T0/B0/XXXX}}}",
        "alerts: {channels: {chat: {slack: ssm:/acme-ops/alerts/slack-url}}}",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        alerts = context.catalogue.alerts
        for channel in alerts.channels if alerts else ():
            if channel.hook is None or channel.secret is None:
                continue
            key = channel.hook.value
            where = ("alerts", "channels", channel.name, key)
            parameter = f"/{context.catalogue.name}/alerts/{channel.name}"
            # The URL itself is the secret: the message never repeats what was written.
            if "://" in channel.secret:
                yield self.report(
                    context.source_map.span(where),
                    f"channel {echo(channel.name)}: the {key} URL is written in plain text",
                    f"keep it in SSM: aws ssm put-parameter --type SecureString --name "
                    f"{parameter} --value 'https://...', then write {key}: ssm:{parameter}",
                )
                continue
            try:
                SecretRef.parse(channel.secret)
            except ValueError:
                yield self.report(
                    context.source_map.span(where),
                    f"channel {echo(channel.name)}: {key} is not a secret reference",
                    f"write {key}: ssm:{parameter} or {key}: secretsmanager:NAME[#key]",
                )
            if channel.kms_key is None:
                continue
            try:
                KmsKey.parse(channel.kms_key, setting="kms_key")
            except ValueError as error:
                yield self.report(
                    context.source_map.span(("alerts", "channels", channel.name, "kms_key")),
                    f"channel {echo(channel.name)}: kms_key {error}",
                    f"e.g. kms_key: alias/{context.catalogue.name}-secrets",
                )


ALERT_RULES: tuple[Rule, ...] = (
    UnknownChannel(),
    NotAnEmail(),
    NotATopicArn(),
    GraceOverPeriod(),
    UnknownOutcome(),
    AlertNeverWatched(),
    PlainWebhook(),
)
