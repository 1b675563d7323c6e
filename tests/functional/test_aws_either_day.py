"""A Unix either-day job (`0 0 1,15 * 1`) on moto: apply creates its two rules (and two
schedules on the Scheduler backend), a second plan is empty, destroy removes both."""

from __future__ import annotations

from pathlib import Path

from aws_support import compile_for, load_catalogue, read_back, write_catalogue

from scheduler.apply import apply_plan
from scheduler.aws import AwsContext
from scheduler.plan import make_plan
from scheduler.resource_state import ResourceState

CATALOGUE = """\
catalogue: acme
jobs:
  backup:
    schedule: "0 0 1,15 * 1"
    expected_runtime: 1m
    handler: jobs/backup/handler.py:main
  export:
    schedule: "30 6 1 * 5"
    backend: scheduler
    timezone: Europe/Paris
    expected_runtime: 1m
    handler: jobs/export/handler.py:main
"""


def _rules(aws: AwsContext) -> dict[str, str]:
    rules = aws.session.client("events").list_rules(NamePrefix="acme-")["Rules"]
    return {r["Name"]: r["ScheduleExpression"] for r in rules}


def _schedules(aws: AwsContext) -> dict[str, str]:
    client = aws.session.client("scheduler")
    listed = client.list_schedules(GroupName="acme")["Schedules"]
    return {
        s["Name"]: client.get_schedule(GroupName="acme", Name=s["Name"])["ScheduleExpression"]
        for s in listed
    }


def test_two_halves_apply_plan_nothing_after_and_destroy_together(
    aws: AwsContext, tmp_path: Path
) -> None:
    desired = compile_for(load_catalogue(write_catalogue(tmp_path, CATALOGUE)), aws, tmp_path)
    result = apply_plan(make_plan(desired, read_back(aws, "acme", desired)), aws.writer)
    assert result.ok, result.failed

    assert _rules(aws) == {
        "acme-backup": "cron(0 0 1,15 * ? *)",
        "acme-backup-dow": "cron(0 0 ? * MON *)",
    }
    assert _schedules(aws) == {
        "acme-export": "cron(30 6 1 * ? *)",
        "acme-export-dow": "cron(30 6 ? * FRI *)",
    }
    policy = aws.session.client("lambda").get_policy(FunctionName="acme-backup")["Policy"]
    assert '"acme-backup-dow"' in policy and '"acme-backup"' in policy
    deployed = read_back(aws, "acme", desired)
    assert deployed.unowned == ()
    assert make_plan(desired, deployed).pending == ()

    result = apply_plan(make_plan(ResourceState(), deployed), aws.writer)
    assert result.ok, result.failed
    assert _rules(aws) == {}
    assert _schedules(aws) == {}
