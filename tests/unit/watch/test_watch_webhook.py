"""Webhook channels: the Slack and generic messages as a real HTTP server on 127.0.0.1 receives
them, the URL read once from its secret (an in-memory SecretSource) and never named in an error,
and a watcher pass whose webhook refuses that records the failure and retries next pass."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from hook_server import hook_server
from run_fakes import FakeLogs
from run_support import at, group, job, ms, run_events
from watch_support import watch_config

from scheduler.catalogue.model import AlertRule, Channel, HookKind
from scheduler.ports import LogEvent
from scheduler.watch.config import WatchConfig, from_json, to_json
from scheduler.watch.state import parse_state_line
from scheduler.watch.watcher import Pass, run_pass
from scheduler.watch.webhook import (
    SLACK,
    WEBHOOK,
    HookSender,
    Webhook,
    WebhookError,
    body,
    check_url,
)

SECRET = "ssm:/acme-ops/alerts/chat"


@dataclass
class FakeSecrets:
    values: dict[str, str]
    reads: list[str] = field(default_factory=list)

    def value(self, reference: str) -> str:
        self.reads.append(reference)
        return self.values[reference]


class NoSns:
    def publish(self, topic_arn: str, subject: str, message: str) -> str:
        raise AssertionError("no SNS channel here")


def test_slack_gets_a_bold_subject_and_the_message_with_its_markup_escaped() -> None:
    data = body(SLACK, "sched: a & b failed", "KeyError: <missing>\n", {"job": "a"})
    assert data == b'{"text": "*sched: a &amp; b failed*\\nKeyError: &lt;missing&gt;"}'


def test_a_generic_webhook_gets_the_alert_as_json() -> None:
    data = body(WEBHOOK, "s", "m\n", {"job": "a", "outcome": "failed"})
    assert data == (
        b'{"job": "a", "message": "m\\n", "outcome": "failed", "sched_alert": 1, "subject": "s"}'
    )


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("http://hooks.example.com/x", "the secret's URL is http scheme: write an https:// URL"),
        ("file:///etc/passwd", "the secret does not hold a URL"),
        ("hooks.slack.com/services/T0/B0/XXXX", "the secret does not hold a URL"),
        ("https://[::1", "the secret does not hold a URL"),
    ],
)
def test_only_https_or_http_to_this_machine_is_posted_to(url: str, error: str) -> None:
    with pytest.raises(WebhookError) as raised:
        check_url(url)
    assert str(raised.value) == error
    assert (
        check_url(" https://hooks.slack.com/services/T0 \n")
        == "https://hooks.slack.com/services/T0"
    )
    assert check_url("http://127.0.0.1:8080/x") == "http://127.0.0.1:8080/x"


def test_the_sender_posts_json_to_the_url_its_secret_holds_reading_it_once() -> None:
    with hook_server() as server:
        secrets = FakeSecrets({SECRET: server.url + "\n"})
        sender = HookSender(secrets)
        hook = Webhook("chat", SLACK, SECRET)
        assert sender.send(hook, "subject", "one\n", {}) == "HTTP 200"
        assert sender.send(hook, "subject", "two\n", {}) == "HTTP 200"
    assert secrets.reads == [SECRET]
    assert [(r.path, r.content_type, r.body) for r in server.received] == [
        ("/services/T0/B0/secret", "application/json", {"text": "*subject*\none"}),
        ("/services/T0/B0/secret", "application/json", {"text": "*subject*\ntwo"}),
    ]


@pytest.mark.parametrize("status", [404, 500, 302])
def test_a_refusal_says_the_status_and_never_the_url(status: int) -> None:
    with hook_server() as server:
        server.status = status
        sender = HookSender(FakeSecrets({SECRET: server.url}))
        with pytest.raises(WebhookError) as raised:
            sender.send(Webhook("chat", SLACK, SECRET), "s", "m", {})
    assert str(raised.value).startswith(f"the webhook answered HTTP {status} ")
    assert "secret" not in str(raised.value) and "127.0.0.1" not in str(raised.value)


def test_an_unreachable_webhook_says_so_without_the_url() -> None:
    with hook_server() as server:
        url = server.url  # the server is stopped on leaving: nothing listens there any more
    with pytest.raises(WebhookError) as raised:
        HookSender(FakeSecrets({SECRET: url})).send(Webhook("c", WEBHOOK, SECRET), "s", "m", {})
    assert str(raised.value).startswith("the webhook could not be reached: ")
    assert "/services/" not in str(raised.value)


RULE = AlertRule(channels=("chat",), grace=timedelta(minutes=10))


def _config(kind: HookKind) -> WatchConfig:
    return watch_config(
        job("canary", "cron(0 * * * ? *)", alert=RULE),
        channels=(Channel("chat", hook=kind, secret=SECRET),),
    )


def test_a_webhook_channel_has_no_topic_and_its_reference_survives_the_json() -> None:
    config = _config(HookKind.SLACK)
    assert config.topics == ()
    assert from_json(to_json(config)).hooks == (Webhook("chat", "slack", SECRET),)
    assert "https://" not in to_json(config)


def test_a_pass_posts_a_failed_fire_to_a_generic_webhook_as_json() -> None:
    config, logs = _config(HookKind.WEBHOOK), FakeLogs()
    fire = at("2026-12-01T01:00:00")
    logs.groups[group("canary")] = run_events(
        "canary", fire, request_id="r1", status="failed", error=("KeyError", "'x'")
    )
    with hook_server() as server:
        done = run_pass(
            config,
            logs,
            NoSns(),
            lambda _: None,
            now=fire + timedelta(minutes=5),
            first_seen={"canary": fire - timedelta(hours=1)},
            hooks=HookSender(FakeSecrets({SECRET: server.url})),
        )
    assert [(s.channel, s.topic, s.message_id, s.error) for s in done.sent] == [
        ("chat", SECRET, "HTTP 200", None)
    ]
    [received] = server.received
    assert received.body == {
        "sched_alert": 1,
        "catalogue": "acme-ops",
        "job": "canary",
        "outcome": "failed",
        "fire": "2026-12-01T01:00:00.000Z",
        "streak": 1,
        "repeat": False,
        "detail": "the fire of 2026-12-01 01:00 UTC failed: KeyError: 'x'",
        "subject": "sched: canary failed (acme-ops)",
        "message": "Job canary of catalogue acme-ops: the fire of 2026-12-01 01:00 UTC failed: "
        "KeyError: 'x'.\n1 bad fire(s) in a row.\nSee its runs: sched history canary --since 7d\n",
    }


def test_a_webhook_that_refuses_is_logged_as_failed_and_tried_again_next_pass() -> None:
    config, logs = _config(HookKind.SLACK), FakeLogs()

    def run(hooks: HookSender, now: datetime) -> Pass:
        def emit(line: str) -> None:
            logs.write(config.log_group, "w", [LogEvent(ms(now), line, "w")])

        return run_pass(config, logs, NoSns(), emit, now=now, hooks=hooks)

    with hook_server() as server:
        hooks = HookSender(FakeSecrets({SECRET: server.url}))
        run(hooks, at("2026-12-01T00:30:00"))  # the first pass: watched from now
        server.status = 500
        failed = run(hooks, at("2026-12-01T01:11:00"))  # the 01:00 fire is missed
        server.status = 200
        again = run(hooks, at("2026-12-01T01:16:00"))
    assert [s.error for s in failed.failed] == [
        "WebhookError: the webhook answered HTTP 500 Internal Server Error"
    ]
    # the failing pass's state line records it, for `sched alerts` and whoever reads the logs
    failed_line = logs.writes[1][2][0].message
    assert '"error":"WebhookError: the webhook answered HTTP 500' in failed_line
    assert parse_state_line(failed_line) is not None
    assert [(s.alert.outcome, s.message_id) for s in again.sent] == [("missed", "HTTP 200")]
    assert len(server.received) == 2
