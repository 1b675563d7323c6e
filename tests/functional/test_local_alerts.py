"""Alerts end to end in the local AWS: the example catalogue applied, a queue subscribed to its
alert topic, fires ticked as `sched local tick` runs them and the watcher's pass after them.
A missed fire alerts once after its grace, the catch-up run sends `recovered`, a failed fire
alerts with its error; each message is read back from the queue."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from hook_server import hook_server

from scheduler.app import deploy
from scheduler.app.alerts import watch_locally
from scheduler.app.connect import Connection, connect
from scheduler.catalogue.loader import load
from scheduler.catalogue.model import Catalogue
from scheduler.local import tick as local_tick

ROOT = Path(__file__).parent.parent.parent
# CloudWatch Logs (and moto) refuse events older than 14 days, so the fires are recent ones,
# and the weekly backup runs daily here: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutLogEvents.html
FIRE = (datetime.now(UTC) - timedelta(days=4)).replace(hour=2, minute=0, second=0, microsecond=0)
DEPLOYED = {"log-backup": FIRE - timedelta(hours=1)}
WEEKLY, DAILY = "schedule: cron(0 2 ? * MON *)", "schedule: cron(0 2 * * ? *)"
BUCKETS = ("acme-app-logs", "acme-app-logs-backup")


def _example(tmp_path: Path) -> Catalogue:
    text = (ROOT / "jobs.yaml").read_text()
    assert WEEKLY in text
    (tmp_path / "jobs.yaml").write_text(text.replace(WEEKLY, DAILY))
    shutil.copytree(ROOT / "jobs", tmp_path / "jobs")
    loaded = load(tmp_path / "jobs.yaml")
    assert loaded.catalogue is not None and not loaded.diagnostics
    return loaded.catalogue


def _apply_and_subscribe(catalogue: Catalogue) -> str:
    with connect(Connection(local=True), catalogue.path) as aws:
        planned = deploy.plan(catalogue, aws)
        done = deploy.apply(
            planned, aws, on_progress=lambda c, s: None, on_interrupt=lambda n: None
        )
        assert done.ok
        sqs, sns = aws.session.client("sqs"), aws.session.client("sns")
        queue = sqs.create_queue(QueueName="alerts")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])
        topic = f"arn:aws:sns:{aws.region}:{aws.account}:acme-ops-alerts-ops"
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn["Attributes"]["QueueArn"])
        return str(queue)


def _tick(catalogue: Catalogue, fire: datetime, *, at: datetime) -> list[str]:
    """Run the fires in (fire - 1m, fire] as a tick run at `at` would; their statuses."""
    with connect(Connection(local=True), catalogue.path) as aws:
        ticked = local_tick.tick(
            catalogue,
            aws.sink,
            since=fire - timedelta(minutes=1),
            until=fire,
            now_fn=lambda: at,
            deployed=DEPLOYED,
        )
    return [f"{o.job} {o.status}" for o in ticked]


def _watch(catalogue: Catalogue, now: datetime) -> list[str]:
    with connect(Connection(local=True), catalogue.path) as aws:
        done = watch_locally(catalogue, aws, now=now, deployed=DEPLOYED)
    assert done is not None
    assert done.failed == ()
    return [f"{s.alert.job} {s.alert.outcome} → {s.channel}" for s in done.sent]


def _received(catalogue: Catalogue, queue: str) -> list[dict[str, Any]]:
    with connect(Connection(local=True), catalogue.path) as aws:
        sqs = aws.session.client("sqs")
        found = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", [])
        for message in found:
            sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])
    return [json.loads(m["Body"]) for m in found]


def _buckets(catalogue: Catalogue, *, present: bool) -> None:
    with connect(Connection(local=True), catalogue.path) as aws:
        s3 = aws.session.client("s3")
        for bucket in BUCKETS:
            if present:
                s3.create_bucket(Bucket=bucket)
            else:
                s3.delete_bucket(Bucket=bucket)


def test_missed_recovered_and_failed_reach_the_local_topic(tmp_path: Path) -> None:
    catalogue = _example(tmp_path)
    queue = _apply_and_subscribe(catalogue)
    _buckets(catalogue, present=True)

    assert _tick(catalogue, FIRE, at=FIRE + timedelta(minutes=1)) == ["log-backup succeeded"]
    assert _watch(catalogue, FIRE + timedelta(minutes=5)) == []

    missed = FIRE + timedelta(days=1)  # no run: its grace is 30m
    assert _watch(catalogue, missed + timedelta(minutes=20)) == []
    assert _watch(catalogue, missed + timedelta(minutes=31)) == ["log-backup missed → ops"]
    assert _watch(catalogue, missed + timedelta(minutes=40)) == []
    [alert] = _received(catalogue, queue)
    assert alert["Subject"] == "sched: log-backup missed (acme-ops)"
    assert alert["Message"].startswith(
        f"Job log-backup of catalogue acme-ops: the fire of {missed:%Y-%m-%d %H:%M} UTC did not"
    )

    assert _tick(catalogue, missed, at=missed + timedelta(minutes=45)) == ["log-backup succeeded"]
    assert _watch(catalogue, missed + timedelta(minutes=50)) == ["log-backup recovered → ops"]
    [recovered] = _received(catalogue, queue)
    assert recovered["Subject"] == "sched: log-backup recovered (acme-ops)"

    _buckets(catalogue, present=False)
    failing = FIRE + timedelta(days=2)
    assert _tick(catalogue, failing, at=failing + timedelta(minutes=1)) == ["log-backup failed"]
    assert _watch(catalogue, failing + timedelta(minutes=5)) == ["log-backup failed → ops"]
    [failed] = _received(catalogue, queue)
    assert failed["Subject"] == "sched: log-backup failed (acme-ops)"
    assert "NoSuchBucket" in failed["Message"]
    assert _watch(catalogue, failing + timedelta(minutes=10)) == []
    assert _received(catalogue, queue) == []


def test_a_failed_fire_reaches_a_slack_channel_whose_url_is_in_the_local_ssm(
    tmp_path: Path,
) -> None:
    """The same pass, to a Slack channel: its URL read from the local SSM, the message posted
    to a real HTTP server on 127.0.0.1 (the queue of the email channel gets it too)."""
    text = (ROOT / "jobs.yaml").read_text().replace(WEEKLY, DAILY)
    text = text.replace("      to: [ops]\n", "      to: [ops, chat]\n")
    text = text.replace(
        "  channels:\n", "  channels:\n    chat:\n      slack: ssm:/acme-ops/alerts/chat\n"
    )
    (tmp_path / "jobs.yaml").write_text(text)
    shutil.copytree(ROOT / "jobs", tmp_path / "jobs")
    loaded = load(tmp_path / "jobs.yaml")
    assert loaded.catalogue is not None and not loaded.diagnostics
    catalogue = loaded.catalogue
    queue = _apply_and_subscribe(catalogue)
    with hook_server() as server:
        with connect(Connection(local=True), catalogue.path) as aws:
            aws.session.client("ssm").put_parameter(
                Name="/acme-ops/alerts/chat", Value=server.url, Type="SecureString"
            )
        assert _tick(catalogue, FIRE, at=FIRE + timedelta(minutes=1)) == ["log-backup failed"]
        assert _watch(catalogue, FIRE + timedelta(minutes=5)) == [
            "log-backup failed → ops",
            "log-backup failed → chat",
        ]
    [posted] = server.received
    first, second = posted.body["text"].split("\n", 1)
    assert first == "*sched: log-backup failed (acme-ops)*"
    assert second.startswith(
        f"Job log-backup of catalogue acme-ops: the fire of {FIRE:%Y-%m-%d %H:%M} UTC failed: "
    )
    assert "NoSuchBucket" in second
    assert [m["Subject"] for m in _received(catalogue, queue)] == [
        "sched: log-backup failed (acme-ops)"
    ]
