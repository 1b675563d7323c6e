"""Issue 14, ownership: sched changes only what it created and names, recognises its own
resources after a lost response, and sees every name taken by someone else before any write."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import boto3
from aws_support import ACCOUNT, REGION, compile_for, load_catalogue, read_back, write_catalogue

from scheduler import naming
from scheduler.apply import apply_plan
from scheduler.aws import AwsContext
from scheduler.plan import Action, make_plan
from scheduler.resources import Rule

ONE_JOB = """\
catalogue: acme
jobs:
  backup:
    schedule: rate(1 hour)
    expected_runtime: 1m
    handler: jobs/backup/handler.py:main
"""


def _tags(arn: str) -> dict[str, str]:
    tags = boto3.client("events").list_tags_for_resource(ResourceARN=arn)["Tags"]
    return {t["Key"]: t["Value"] for t in tags}


def test_a_rule_deleted_during_an_update_comes_back_tagged(aws: AwsContext) -> None:
    rule = Rule(
        name="acme-backup",
        schedule_expression="rate(1 hour)",
        tags=(("managed-by", "sched"), ("sched:catalogue", "acme")),
    )
    aws.writer.create(rule)
    boto3.client("events").delete_rule(Name=rule.name)  # by someone, while apply runs

    aws.writer.update(rule, replace(rule, schedule_expression="rate(2 hours)"))

    arn = naming.rule_arn(REGION, ACCOUNT, rule.name)
    assert _tags(arn) == {"managed-by": "sched", "sched:catalogue": "acme"}


SHARED = """\
catalogue: acme
jobs:
  backup:
    schedule: rate(1 hour)
    expected_runtime: 1m
    handler: jobs/backup/handler.py:main
  again:
    schedule: rate(2 hours)
    expected_runtime: 1m
    function: arn:aws:lambda:eu-west-1:123456789012:function:acme-backup
"""


def test_a_job_running_another_jobs_function_plans_nothing_once_applied(
    aws: AwsContext, tmp_path: Path
) -> None:
    catalogue = load_catalogue(write_catalogue(tmp_path, SHARED))
    desired = compile_for(catalogue, aws, tmp_path / "build")
    assert apply_plan(make_plan(desired, read_back(aws, "acme", desired)), aws.writer).ok

    again = make_plan(desired, read_back(aws, "acme", desired))

    assert [c for c in again.changes if c.action is not Action.UNCHANGED] == []
    statements = boto3.client("lambda").get_policy(FunctionName="acme-backup")["Policy"]
    assert "acme-backup" in statements and "acme-again" in statements
