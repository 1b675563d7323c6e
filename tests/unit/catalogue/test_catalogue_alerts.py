"""`alerts:` and `alert:` resolve into channels and per-job alert rules, defaults merged."""

from __future__ import annotations

from datetime import timedelta

from scheduler.catalogue.loader import load_text
from scheduler.catalogue.model import AlertRule, Alerts, Channel, HookKind

TEXT = """\
catalogue: t
alerts:
  every: 10m
  channels:
    ops: {email: [ops@example.com]}
    pager: {topic: "arn:aws:sns:us-east-1:123456789012:pager"}
defaults:
  alert: {when: [failed, missed], grace: 5m}
jobs:
  a:
    schedule: rate(1 hour)
    expected_runtime: 1m
    function: arn:aws:lambda:us-east-1:123456789012:function:f
    alert: {to: [ops], repeat: 1h, after: 2}
  b:
    schedule: rate(1 hour)
    expected_runtime: 1m
    function: arn:aws:lambda:us-east-1:123456789012:function:f
    alert: false
  c:
    schedule: rate(1 hour)
    expected_runtime: 1m
    function: arn:aws:lambda:us-east-1:123456789012:function:f
"""


def test_channels_and_the_watchers_period_resolve() -> None:
    result = load_text(TEXT, "jobs.yaml")
    assert result.diagnostics == ()
    assert result.catalogue is not None
    assert result.catalogue.alerts == Alerts(
        channels=(
            Channel("ops", emails=("ops@example.com",)),
            Channel("pager", topic="arn:aws:sns:us-east-1:123456789012:pager"),
        ),
        every=timedelta(minutes=10),
    )


def test_a_jobs_keys_win_over_the_defaults_and_false_silences_it() -> None:
    result = load_text(TEXT, "jobs.yaml")
    assert result.catalogue is not None
    rules = {job.name: job.alert for job in result.catalogue.jobs}
    assert rules == {
        "a": AlertRule(
            channels=("ops",),
            when=("failed", "missed"),
            after=2,
            grace=timedelta(minutes=5),
            repeat=timedelta(hours=1),
        ),
        "b": None,
        "c": AlertRule(
            channels=("ops", "pager"), when=("failed", "missed"), grace=timedelta(minutes=5)
        ),
    }


def test_without_defaults_only_jobs_that_ask_alert() -> None:
    text = TEXT.replace("defaults:\n  alert: {when: [failed, missed], grace: 5m}\n", "")
    result = load_text(text, "jobs.yaml")
    assert result.catalogue is not None
    assert [j.name for j in result.catalogue.jobs if j.alert is not None] == ["a"]


def test_a_channel_that_is_both_email_and_topic_is_refused_where_it_stands() -> None:
    text = TEXT.replace(
        "ops: {email: [ops@example.com]}",
        'ops: {email: [ops@example.com], topic: "arn:aws:sns:us-east-1:123456789012:x"}',
    )
    found = [(d.code, d.span.line) for d in load_text(text, "jobs.yaml").diagnostics]
    assert found == [("SCH006", 5)]


def test_slack_and_webhook_channels_resolve_to_their_secret_references() -> None:
    text = TEXT.replace(
        "    ops: {email: [ops@example.com]}\n",
        "    ops: {email: [ops@example.com]}\n"
        "    chat: {slack: ssm:/t/alerts/chat}\n"
        "    hook: {webhook: 'secretsmanager:t/hook#url', kms_key: alias/t}\n",
    )
    result = load_text(text, "jobs.yaml")
    assert result.catalogue is not None and result.catalogue.alerts is not None
    assert result.catalogue.alerts.channels[1:3] == (
        Channel("chat", hook=HookKind.SLACK, secret="ssm:/t/alerts/chat"),
        Channel(
            "hook", hook=HookKind.WEBHOOK, secret="secretsmanager:t/hook#url", kms_key="alias/t"
        ),
    )


def test_a_kms_key_on_an_email_channel_or_two_kinds_in_one_are_refused() -> None:
    for channel in (
        "ops: {email: [ops@example.com], kms_key: alias/t}",
        "ops: {slack: ssm:/a, webhook: ssm:/b}",
    ):
        text = TEXT.replace("ops: {email: [ops@example.com]}", channel)
        found = [(d.code, d.span.line) for d in load_text(text, "jobs.yaml").diagnostics]
        assert found == [("SCH006", 5)]
