"""The watcher function's own entry point, run from its built zip as Lambda would (boto3 from
the runtime, answered by moto): it reads a job's failed run from CloudWatch Logs, publishes the
alert to the channel's topic (read back from a subscribed queue) and prints its state line."""

from __future__ import annotations

import importlib
import json
import sys
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from hook_server import hook_server
from moto import mock_aws
from run_support import catalogue, job, run_events

from scheduler.catalogue.model import AlertRule, Alerts, Catalogue, Channel, HookKind
from scheduler.package import build_watcher_package
from scheduler.watch.config import config_for, to_json
from scheduler.watch.state import parse_state_line

REGION, ACCOUNT = "eu-west-1", "123456789012"
# A daily fire half an hour ago: the only one the pass can judge, whatever the time of day (an
# hourly schedule made the test see the next hour's fire as missed in the first half hour).
FIRE = (datetime.now(UTC) - timedelta(minutes=30)).replace(second=0, microsecond=0)


EMAIL = Channel("ops", emails=("ops@example.com",))
SLACK = Channel("ops", hook=HookKind.SLACK, secret="secretsmanager:acme-ops/alerts#slack")


@pytest.fixture(params=[EMAIL])
def unzipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Iterator[Path]:
    """The watcher's zip, unpacked and importable, for one channel `ops` (email by default)."""
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(name, raising=False)
    base = catalogue(
        job(
            "backup", f"cron({FIRE.minute} {FIRE.hour} * * ? *)", alert=AlertRule(channels=("ops",))
        )
    )
    alerts = Alerts(channels=(request.param,))
    cat = Catalogue(base.name, base.path, base.policy, base.jobs, alerts)
    config = config_for(cat, region=REGION, account=ACCOUNT)
    assert config is not None
    ref = build_watcher_package(to_json(config), tmp_path / "build")
    with zipfile.ZipFile(ref.path) as archive:
        archive.extractall(tmp_path / "fn")
    monkeypatch.syspath_prepend(str(tmp_path / "fn"))
    yield tmp_path / "fn"
    sys.modules.pop("sched_watcher", None)


def _failed_fire_and_state(logs: Any, fire: datetime) -> None:
    """The job's failed run of `fire` in its log group, and the watcher's last state line
    (watching it from an hour before the fire) in its own."""
    group, stream = "/sched/acme-ops/backup", "s"
    logs.create_log_group(logGroupName=group)
    logs.create_log_stream(logGroupName=group, logStreamName=stream)
    events = run_events("backup", fire, request_id="r1", status="failed", error=("E", "boom"))
    logs.put_log_events(
        logGroupName=group,
        logStreamName=stream,
        logEvents=[{"timestamp": e.timestamp_ms, "message": e.message} for e in events],
    )
    # Its first pass: it has no state yet, so it watches from an hour before the fire.
    logs.create_log_group(logGroupName="/sched/acme-ops/sched-watcher")
    logs.create_log_stream(logGroupName="/sched/acme-ops/sched-watcher", logStreamName="w")
    since = json.dumps(
        {"sched_watch": 1, "at": "x", "sent": [],
         "jobs": {"backup": {"since": (fire - timedelta(hours=1)).isoformat()}}}
    )  # fmt: skip
    logs.put_log_events(
        logGroupName="/sched/acme-ops/sched-watcher",
        logStreamName="w",
        logEvents=[
            {"timestamp": int(datetime.now(UTC).timestamp() * 1000) - 1000, "message": since}
        ],
    )


def test_the_function_alerts_a_failed_fire_and_logs_its_state(
    unzipped: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with mock_aws():
        sns, sqs, logs = (boto3.client(s) for s in ("sns", "sqs", "logs"))
        topic = sns.create_topic(Name="acme-ops-alerts-ops")["TopicArn"]
        queue = sqs.create_queue(QueueName="q")["QueueUrl"]
        queue_arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn["Attributes"]["QueueArn"])
        _failed_fire_and_state(logs, FIRE)

        entry = importlib.import_module("sched_watcher")
        assert Path(entry.__file__).parent == unzipped
        assert entry.handler({}, None) == {"alerts": 1, "sent": 1}

        [message] = sqs.receive_message(QueueUrl=queue)["Messages"]
        body = json.loads(message["Body"])
        assert body["Subject"] == "sched: backup failed (acme-ops)"
        assert "failed: E: boom" in body["Message"]
    state = parse_state_line(capsys.readouterr().out.strip().splitlines()[-1])
    assert state is not None and state.jobs["backup"].open


def test_the_function_reads_each_job_s_deployment_value(unzipped: Path) -> None:
    """What the watcher binds a job's lines to: its function's SCHED_DEPLOY, read with
    GetFunctionConfiguration (the one call its role may make on the jobs' functions)."""
    with mock_aws():
        iam, lambda_ = boto3.client("iam"), boto3.client("lambda")
        role = iam.create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        lambda_.create_function(
            FunctionName="acme-ops-backup",
            Runtime="python3.12",
            Role=role,
            Handler="h.main",
            Code={"ZipFile": b"PK\x05\x06" + b"\0" * 18},
            Environment={"Variables": {"SCHED_DEPLOY": "d1"}},
        )
        entry = importlib.import_module("sched_watcher")

        found = entry.Functions(lambda_).deployments(["acme-ops-backup", "acme-ops-gone"])

    assert list(found) == ["acme-ops-backup"]
    assert found["acme-ops-backup"].deploy == "d1"
    assert abs(found["acme-ops-backup"].at - datetime.now(UTC)) < timedelta(minutes=5)


def test_a_versioned_function_s_live_alias_value_counts_after_a_rollback(unzipped: Path) -> None:
    """After a rollback the schedule runs the version `live` points at, whose lines carry its
    own SCHED_DEPLOY: the watcher believes them, as `sched alerts` does."""
    with mock_aws():
        iam, lambda_ = boto3.client("iam"), boto3.client("lambda")
        role = iam.create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        lambda_.create_function(
            FunctionName="acme-ops-backup",
            Runtime="python3.12",
            Role=role,
            Handler="h.main",
            Code={"ZipFile": b"PK\x05\x06" + b"\0" * 18},
            Environment={"Variables": {"SCHED_DEPLOY": "d1"}},
            Publish=True,
        )
        lambda_.create_alias(FunctionName="acme-ops-backup", Name="live", FunctionVersion="1")
        lambda_.update_function_configuration(
            FunctionName="acme-ops-backup", Environment={"Variables": {"SCHED_DEPLOY": "d2"}}
        )
        entry = importlib.import_module("sched_watcher")

        found = entry.Functions(lambda_).deployments(
            ["acme-ops-backup"], versioned=["acme-ops-backup"]
        )

    assert found["acme-ops-backup"].deploy == "d2"
    assert found["acme-ops-backup"].versions == {"d1"}


@pytest.mark.parametrize("unzipped", [SLACK], indirect=True)
def test_the_function_posts_to_a_slack_channel_with_the_url_its_secret_holds(
    unzipped: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A webhook channel: its URL read from Secrets Manager (a JSON secret's key) with the
    function's own role, the alert posted to a real HTTP server on 127.0.0.1."""
    with hook_server() as server, mock_aws():
        boto3.client("secretsmanager").create_secret(
            Name="acme-ops/alerts", SecretString=json.dumps({"slack": server.url})
        )
        _failed_fire_and_state(boto3.client("logs"), FIRE)
        entry = importlib.import_module("sched_watcher")
        assert entry.handler({}, None) == {"alerts": 1, "sent": 1}
    [posted] = server.received
    assert posted.body["text"].startswith("*sched: backup failed (acme-ops)*\nJob backup of ")
    assert '"message_id":"HTTP 200"' in capsys.readouterr().out


@pytest.mark.parametrize("unzipped", [SLACK], indirect=True)
def test_a_webhook_that_refuses_fails_the_pass_visibly_and_names_no_url(
    unzipped: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with hook_server() as server, mock_aws():
        server.status = 403
        boto3.client("secretsmanager").create_secret(
            Name="acme-ops/alerts", SecretString=json.dumps({"slack": server.url})
        )
        _failed_fire_and_state(boto3.client("logs"), FIRE)
        entry = importlib.import_module("sched_watcher")
        with pytest.raises(RuntimeError, match=r"^1 alert\(s\) could not be published$"):
            entry.handler({}, None)
    out, err = capsys.readouterr()
    assert err == (
        "could not alert ops about backup: WebhookError: the webhook answered HTTP 403 Forbidden\n"
    )
    assert "127.0.0.1" not in out + err and "/services/" not in out + err
    state = parse_state_line(out.strip().splitlines()[-1])
    assert state is not None and not state.jobs["backup"].open  # not told: the next pass retries
