"""End to end: the real `sched` process applies the example to a moto server on 127.0.0.1,
boto3 reads back what it created, and a second plan reports no changes. The server is shared;
each test starts from an empty one and its own copy of the example, so any runs alone."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from example import copy_example

ROOT = Path(__file__).parent.parent.parent
REGION = "us-east-1"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    port = _free_port()
    # Started plainly, as a user would: without AWS's managed policies (sched needs none).
    env = dict(os.environ)
    env.pop("MOTO_IAM_LOAD_MANAGED_POLICIES", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("moto server did not start") from None
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def project(endpoint: str, tmp_path: Path) -> Path:
    """A copy of the example, against a server emptied of what earlier tests created."""
    reset = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
    urllib.request.urlopen(reset, timeout=30).close()
    folder = tmp_path / "project"
    folder.mkdir()
    copy_example(folder)
    return folder


def _env(endpoint: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "SCHED_"))}
    env.update(
        AWS_ENDPOINT_URL=endpoint,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION=REGION,
        NO_COLOR="1",
    )
    return env


def sched(project: Path, endpoint: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "scheduler", *args],
        cwd=project,
        env=_env(endpoint),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def client(endpoint: str, service: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def test_apply_creates_the_example_then_plan_is_empty(endpoint: str, project: Path) -> None:
    applied = sched(project, endpoint, "apply", "jobs.yaml", "--yes")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "Apply complete" in applied.stdout

    events = client(endpoint, "events")
    rules = {r["Name"]: r for r in events.list_rules(NamePrefix="acme-ops-")["Rules"]}
    assert set(rules) == {
        "acme-ops-log-backup",
        "acme-ops-tmp-cleanup",
        "acme-ops-role-canary",
        "acme-ops-search-reindex",
        "acme-ops-sched-watcher",
    }
    assert rules["acme-ops-log-backup"]["ScheduleExpression"] == "cron(0 2 ? * MON *)"
    assert rules["acme-ops-search-reindex"]["ScheduleExpression"] == "cron(0 3 ? * SUN *)"

    policy = client(endpoint, "lambda").get_policy(FunctionName="acme-ops-log-backup")
    assert rules["acme-ops-log-backup"]["Arn"] in policy["Policy"]

    schedules = client(endpoint, "scheduler").list_schedules(GroupName="acme-ops")
    assert {s["Name"] for s in schedules["Schedules"]} == {
        "acme-ops-monthly-report",
        "acme-ops-nightly-export",
    }

    # Each job's own role reaches its own log group and the buckets its permissions: name.
    iam = client(endpoint, "iam")
    document = iam.get_role_policy(RoleName="acme-ops-log-backup", PolicyName="sched")
    statements = document["PolicyDocument"]["Statement"]
    group = "arn:aws:logs:us-east-1:123456789012:log-group:/sched/acme-ops/log-backup"
    # and the group its function logged to before it had its own (Lambda's default)
    before = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/acme-ops-log-backup"
    assert sorted({r for s in statements for r in s["Resource"]}) == sorted(
        [
            "arn:aws:s3:::acme-app-logs",
            "arn:aws:s3:::acme-app-logs-backup",
            "arn:aws:s3:::acme-app-logs-backup/*",
            "arn:aws:s3:::acme-app-logs/*",
            group,
            f"{group}:*",
            before,
            f"{before}:*",
        ]
    )
    functions = client(endpoint, "lambda").get_function(FunctionName="acme-ops-log-backup")
    assert functions["Configuration"]["Role"].endswith(":role/acme-ops-log-backup")

    planned = sched(project, endpoint, "plan", "jobs.yaml", "--detailed-exitcode")
    assert planned.returncode == 0, planned.stdout + planned.stderr
    assert "No changes" in planned.stdout


def test_an_unmanaged_rule_with_the_same_prefix_survives_a_prune(
    endpoint: str, project: Path
) -> None:
    first = sched(project, endpoint, "apply", "jobs.yaml", "--yes")
    assert first.returncode == 0, first.stdout + first.stderr
    events = client(endpoint, "events")
    assert "acme-ops-tmp-cleanup" in {r["Name"] for r in events.list_rules()["Rules"]}
    events.put_rule(Name="acme-ops-handmade", ScheduleExpression="rate(1 day)")
    text = (project / "jobs.yaml").read_text()
    start = text.index("  tmp-cleanup:")
    end = text.index("  role-canary:")
    (project / "jobs.yaml").write_text(text[:start] + text[end:])

    applied = sched(project, endpoint, "apply", "jobs.yaml", "--yes")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    names = {r["Name"] for r in events.list_rules(NamePrefix="acme-ops-")["Rules"]}
    assert "acme-ops-tmp-cleanup" not in names
    assert "acme-ops-handmade" in names


def test_the_alert_watcher_is_created_planned_empty_and_pruned_with_alerts(
    endpoint: str, project: Path
) -> None:
    applied = sched(project, endpoint, "apply", "jobs.yaml", "--yes")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    watcher = "acme-ops-sched-watcher"
    sns = client(endpoint, "sns")
    [topic] = [t["TopicArn"] for t in sns.list_topics()["Topics"]]
    assert topic.endswith(":acme-ops-alerts-ops")
    subscribed = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert [s["Endpoint"] for s in subscribed] == ["ops@acme.example"]
    function = client(endpoint, "lambda").get_function(FunctionName=watcher)
    assert function["Configuration"]["Handler"] == "sched_watcher.handler"
    assert client(endpoint, "iam").get_role(RoleName=watcher)["Role"]["RoleName"] == watcher
    rule = client(endpoint, "events").describe_rule(Name=watcher)
    assert rule["ScheduleExpression"] == "rate(5 minutes)"
    planned = sched(project, endpoint, "plan", "jobs.yaml", "--detailed-exitcode")
    assert planned.returncode == 0, planned.stdout + planned.stderr

    text = (project / "jobs.yaml").read_text()
    text = text[: text.index("alerts:")] + text[text.index("jobs:") :]
    start = text.index("    alert:")
    text = text[:start] + text[text.index("\n\n", start) + 1 :]
    (project / "jobs.yaml").write_text(text)
    pruned = sched(project, endpoint, "apply", "jobs.yaml", "--yes")
    assert pruned.returncode == 0, pruned.stdout + pruned.stderr
    assert "6 to delete" in pruned.stdout
    assert sns.list_topics()["Topics"] == []
    names = {
        r["Name"] for r in client(endpoint, "events").list_rules(NamePrefix="acme-ops-")["Rules"]
    }
    assert watcher not in names
    functions = client(endpoint, "lambda").list_functions()["Functions"]
    assert watcher not in {f["FunctionName"] for f in functions}


GUARDED = """\
catalogue: acme
environments:
  dev: {account: "123456789012", region: us-east-1}
  prod: {account: "210987654321", region: us-east-1}
jobs:
  canary:
    schedule: rate(1 hour)
    expected_runtime: 5s
    handler: jobs/role_canary/handler.py:main
"""


def test_an_environment_refuses_credentials_of_another_account(
    endpoint: str, project: Path
) -> None:
    (project / "jobs.yaml").write_text(GUARDED)
    # moto's account is 123456789012: dev's, never prod's
    validated = "jobs.yaml: no problems found\n\n"  # what apply says before it connects
    for command, said in ((["plan"], ""), (["apply", "--yes"], validated)):
        refused = sched(project, endpoint, *command, "jobs.yaml", "--env", "prod")
        assert (refused.returncode, refused.stdout) == (3, said)
        assert refused.stderr.splitlines() == [
            'error: environment "prod" is deployed to account 210987654321, but these '
            "credentials are for account 123456789012; nothing was read or changed",
            "  hint: use credentials of account 210987654321 (--profile, AWS_PROFILE), or the "
            "environment of this account with --env",
        ]
    assert client(endpoint, "lambda").list_functions()["Functions"] == []

    applied = sched(project, endpoint, "apply", "jobs.yaml", "--env", "dev", "--yes")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    names = [f["FunctionName"] for f in client(endpoint, "lambda").list_functions()["Functions"]]
    assert names == ["acme-dev-canary"]
