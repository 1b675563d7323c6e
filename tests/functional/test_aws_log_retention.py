"""log_retention: apply creates the job's log group (before Lambda would, on the first run) and
sets its retention; a second plan is empty, a new value is one update, destroy leaves the group
and its logs. Through the boto3 adapters against moto."""

from __future__ import annotations

from pathlib import Path

import boto3
from aws_support import REGION, compile_for, load_catalogue, read_back, write_catalogue

from scheduler.apply import apply_plan
from scheduler.aws import AwsContext
from scheduler.plan import Action, Plan, make_plan
from scheduler.resource_state import ResourceState

CATALOGUE = """\
catalogue: acme
defaults:
  log_retention: 14
jobs:
  backup:
    schedule: cron(0 2 ? * MON *)
    expected_runtime: 5m
    handler: jobs/backup/handler.py:main
"""
GROUP = "/sched/acme/backup"


def _plan(aws: AwsContext, root: Path, text: str) -> Plan:
    desired = compile_for(load_catalogue(write_catalogue(root, text)), aws, root / "build")
    return make_plan(desired, read_back(aws, "acme", desired))


def _retention() -> int | None:
    found = boto3.client("logs", region_name=REGION).describe_log_groups(logGroupNamePrefix=GROUP)
    (group,) = found["logGroups"]
    return group.get("retentionInDays")


def test_apply_sets_retention_then_plans_nothing_and_a_change_is_one_update(
    aws: AwsContext, tmp_path: Path
) -> None:
    assert apply_plan(_plan(aws, tmp_path, CATALOGUE), aws.writer).ok
    assert _retention() == 14
    assert _plan(aws, tmp_path, CATALOGUE).pending == ()

    changed = _plan(aws, tmp_path, CATALOGUE.replace("14", "30"))
    assert [(c.action, c.name, [str(f) for f in c.fields]) for c in changed.pending] == [
        (Action.UPDATE, "acme-backup", ["log_retention_days: 14 → 30"])
    ]
    assert apply_plan(changed, aws.writer).ok
    assert _retention() == 30


def test_destroy_leaves_the_log_group_and_its_logs(aws: AwsContext, tmp_path: Path) -> None:
    desired = compile_for(load_catalogue(write_catalogue(tmp_path, CATALOGUE)), aws, tmp_path)
    assert apply_plan(make_plan(desired, read_back(aws, "acme", desired)), aws.writer).ok
    deployed = read_back(aws, "acme", desired)

    assert apply_plan(make_plan(ResourceState(), deployed), aws.writer).ok

    assert _retention() == 14
