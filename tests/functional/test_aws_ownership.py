"""Only what carries both ownership tags AND the name prefix is read, and so ever changed or
deleted; look-alikes with the catalogue's prefix survive everything sched does."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from aws_support import ACCOUNT, REGION, compile_for, load_catalogue, read_back, write_catalogue

from scheduler.apply import apply_plan
from scheduler.aws import AwsContext
from scheduler.errors import Conflict
from scheduler.plan import make_plan
from scheduler.resource_state import ResourceState
from scheduler.resources import Rule

TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


def _look_alikes() -> None:
    """Resources named like the catalogue's that sched must never touch."""
    events = boto3.client("events")
    events.put_rule(Name="acme-x", ScheduleExpression="rate(1 day)")  # no tags
    events.put_rule(  # one tag of two
        Name="acme-half",
        ScheduleExpression="rate(1 day)",
        Tags=[{"Key": "managed-by", "Value": "sched"}],
    )
    events.put_rule(  # another catalogue's
        Name="acme-other",
        ScheduleExpression="rate(1 day)",
        Tags=[
            {"Key": "managed-by", "Value": "sched"},
            {"Key": "sched:catalogue", "Value": "acme-two"},
        ],
    )
    events.put_targets(
        Rule="acme-x", Targets=[{"Id": "mine", "Arn": f"arn:aws:sqs:{REGION}:{ACCOUNT}:q"}]
    )
    role = boto3.client("iam").create_role(RoleName="acme-manual", AssumeRolePolicyDocument=TRUST)
    boto3.client("lambda").create_function(
        FunctionName="acme-x",
        Runtime="python3.12",
        Role=role["Role"]["Arn"],
        Handler="h.main",
        Code={"ZipFile": b"PK\x05\x06" + b"\0" * 18},
        Tags={"sched:catalogue": "acme"},
    )
    boto3.client("scheduler").create_schedule_group(Name="acme-manual")


def _look_alikes_intact() -> None:
    events = boto3.client("events")
    rules = {r["Name"] for r in events.list_rules(NamePrefix="acme-")["Rules"]}
    assert {"acme-x", "acme-half", "acme-other"} <= rules
    assert [t["Id"] for t in events.list_targets_by_rule(Rule="acme-x")["Targets"]] == ["mine"]
    assert boto3.client("iam").get_role(RoleName="acme-manual")["Role"]["RoleName"]
    assert boto3.client("lambda").get_function(FunctionName="acme-x")
    groups = boto3.client("scheduler").list_schedule_groups(NamePrefix="acme")["ScheduleGroups"]
    assert "acme-manual" in {g["Name"] for g in groups}


def test_look_alikes_are_never_read(aws: AwsContext, tmp_path: Path) -> None:
    _look_alikes()
    catalogue = load_catalogue(write_catalogue(tmp_path))
    desired = compile_for(catalogue, aws, tmp_path / "build")
    assert apply_plan(make_plan(desired, read_back(aws, "acme", desired)), aws.writer).ok
    aws.calls.reset()

    deployed = read_back(aws, "acme", desired)

    assert deployed.resources == desired.resources
    names = {r.key_name for r in deployed}
    assert not names & {"acme-x", "acme-half", "acme-other", "acme-manual"}
    calls = aws.calls.counts()
    # Targets are listed for the catalogue's three rules only, policies read for its one
    # rules-backed function and the existing one (a schedule invokes its function with its
    # role: no statement to read); a look-alike's tags are read to learn it is not owned (the
    # function's: the tag search does not find it), and nothing else about it. Roles, the
    # look-alike acme-manual among them, come with their tags and policies in one bulk read.
    assert calls["events:ListTargetsByRule"] == 3
    assert calls["lambda:GetPolicy"] == 2
    assert calls["lambda:ListTags"] == 1
    assert calls["iam:ListRoles"] == 1
    assert calls["iam:GetAccountAuthorizationDetails"] == 1
    assert not {"iam:ListRoleTags", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies"} & set(
        calls
    )


def test_pruning_everything_leaves_look_alikes(aws: AwsContext, tmp_path: Path) -> None:
    _look_alikes()
    catalogue = load_catalogue(write_catalogue(tmp_path))
    desired = compile_for(catalogue, aws, tmp_path / "build")
    assert apply_plan(make_plan(desired, read_back(aws, "acme", desired)), aws.writer).ok

    destroy = make_plan(ResourceState(), read_back(aws, "acme", desired))
    result = apply_plan(destroy, aws.writer)

    assert result.ok, result.failed
    assert len(destroy.pending) == len(desired)
    _look_alikes_intact()


def test_creating_a_rule_never_takes_over_an_unowned_one(aws: AwsContext) -> None:
    boto3.client("events").put_rule(Name="acme-backup", ScheduleExpression="rate(1 day)")
    rule = Rule(name="acme-backup", schedule_expression="rate(5 minutes)")

    with pytest.raises(Conflict) as raised:
        aws.writer.create(rule)

    assert raised.value.action == "events:PutRule"
    assert raised.value.resource == "acme-backup"
    described = boto3.client("events").describe_rule(Name="acme-backup")
    assert described["ScheduleExpression"] == "rate(1 day)"
