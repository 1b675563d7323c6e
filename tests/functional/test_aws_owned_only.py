"""Issue 14, ownership: sched changes only what it created and names, recognises its own
resources after a lost response, and sees every name taken by someone else before any write."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import boto3
import pytest
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


ROLE_TRUST = (
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":'
    '{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
)
SCHEDULED = """\
catalogue: acme
jobs:
  backup:
    schedule: rate(1 hour)
    expected_runtime: 1m
    handler: jobs/backup/handler.py:main
  export:
    schedule: rate(1 day)
    backend: scheduler
    expected_runtime: 1m
    handler: jobs/export/handler.py:main
"""


def _applied(aws: AwsContext, tmp_path: Path, text: str) -> tuple[object, object]:
    catalogue = load_catalogue(write_catalogue(tmp_path, text))
    desired = compile_for(catalogue, aws, tmp_path / "build")
    assert apply_plan(make_plan(desired, read_back(aws, "acme", desired)), aws.writer).ok
    return catalogue, desired


def test_what_a_person_added_inside_owned_resources_is_shown_and_left_alone(
    aws: AwsContext, tmp_path: Path
) -> None:
    _, desired = _applied(aws, tmp_path, SCHEDULED)
    function_arn = naming.function_arn(REGION, ACCOUNT, "acme-backup")
    role_arn = naming.role_arn(REGION, ACCOUNT, "acme-sched-scheduler")
    events, lambda_ = boto3.client("events"), boto3.client("lambda")
    events.put_targets(Rule="acme-backup", Targets=[{"Id": "audit", "Arn": function_arn}])
    lambda_.add_permission(
        FunctionName="acme-backup",
        StatementId="acme-backup-by-hand",
        Action="lambda:InvokeFunction",
        Principal="s3.amazonaws.com",
        SourceArn="arn:aws:s3:::acme-uploads",
    )
    for name in ("nightly-by-hand", "acme-by-hand"):
        boto3.client("scheduler").create_schedule(
            Name=name,
            GroupName="acme",
            ScheduleExpression="rate(1 day)",
            FlexibleTimeWindow={"Mode": "OFF"},
            Target={"Arn": function_arn, "RoleArn": role_arn.replace("sched-scheduler", "x")},
        )

    plan = make_plan(desired, read_back(aws, "acme", desired))

    assert not plan.has_changes, plan.pending
    assert {(d.key[0].value, d.key[1]) for d in plan.drift} == {
        ("target", "acme-backup/audit"),
        ("permission", "acme-backup/acme-backup-by-hand"),
        ("schedule", "acme/nightly-by-hand"),
        ("schedule", "acme/acme-by-hand"),
    }
    assert all("not created by sched" in d.why for d in plan.drift)


def test_every_name_someone_else_holds_is_a_collision_in_the_plan(
    aws: AwsContext, tmp_path: Path
) -> None:
    boto3.client("events").put_rule(Name="acme-backup", ScheduleExpression="rate(1 day)")
    boto3.client("iam").create_role(
        RoleName="acme-export",
        AssumeRolePolicyDocument=ROLE_TRUST,
        Tags=[{"Key": "managed-by", "Value": "sched"}, {"Key": "sched:catalogue", "Value": "x"}],
    )
    catalogue = load_catalogue(write_catalogue(tmp_path, SCHEDULED))
    desired = compile_for(catalogue, aws, tmp_path / "build")

    plan = make_plan(desired, read_back(aws, "acme", desired))

    assert {(c.key[0].value, c.key[1]) for c in plan.collisions} == {
        ("rule", "acme-backup"),
        ("role", "acme-export"),
    }
    whys = {c.key[1]: c.why for c in plan.collisions}
    assert whys["acme-backup"] == "exists, not created by sched"
    assert whys["acme-export"] == 'exists, made by sched for catalogue "x"'


def test_apply_refuses_a_taken_name_before_its_first_write(aws: AwsContext, tmp_path: Path) -> None:
    from scheduler.app import deploy
    from scheduler.errors import NamesTaken

    boto3.client("events").put_rule(Name="acme-backup", ScheduleExpression="rate(1 day)")
    catalogue = load_catalogue(write_catalogue(tmp_path, ONE_JOB))
    planned = deploy.plan(catalogue, aws)

    with pytest.raises(NamesTaken) as raised:
        deploy.apply(planned, aws, on_progress=lambda c, s: None, on_interrupt=lambda n: None)

    assert raised.value.lines()[0] == (
        "rule acme-backup exists, not created by sched; sched will not take it over",
        "rename the job (or the catalogue), or delete or rename that rule",
    )
    # Nothing was written: no role, no function, so no stranger's rule may invoke anything.
    assert boto3.client("lambda").list_functions()["Functions"] == [
        f
        for f in boto3.client("lambda").list_functions()["Functions"]
        if f["FunctionName"] != "acme-backup"
    ]
    roles = boto3.client("iam").list_roles()["Roles"]
    assert "acme-backup" not in {r["RoleName"] for r in roles}


@pytest.mark.parametrize(
    ("arn", "detail"),
    [
        (
            f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:never-made",
            f"function arn:aws:lambda:{REGION}:{ACCOUNT}:function:never-made does not exist",
        ),
        (
            f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:legacy-thing",
            f"function arn:aws:lambda:us-east-1:{ACCOUNT}:function:legacy-thing is in us-east-1, "
            f"and this apply is in {REGION}: a rule invokes functions of its own region only",
        ),
        (
            f"arn:aws:lambda:{REGION}:210987654321:function:legacy-thing",
            f"function arn:aws:lambda:{REGION}:210987654321:function:legacy-thing is in account "
            f"210987654321, and this apply is in account {ACCOUNT}: sched can only grant its "
            "rules access to a function here",
        ),
    ],
)
def test_a_function_arn_that_is_not_here_says_what_is_the_case(
    aws: AwsContext, arn: str, detail: str
) -> None:
    from scheduler.errors import NotFound
    from scheduler.resources import Permission

    permission = Permission(
        function=arn,
        statement_id="acme-legacy",
        principal="events.amazonaws.com",
        source_arn=naming.rule_arn(REGION, ACCOUNT, "acme-legacy"),
    )

    with pytest.raises(NotFound) as raised:
        aws.writer.create(permission)

    assert raised.value.detail == detail
    assert "removed outside sched" not in raised.value.hint
    assert not raised.value.transient


TAGGED = """\
catalogue: acme
defaults:
  tags: {team: platform}
jobs:
  backup:
    schedule: rate(1 hour)
    expected_runtime: 1m
    handler: jobs/backup/handler.py:main
"""


def _hand_policy() -> str:
    document = (
        '{"Version":"2012-10-17","Statement":'
        '[{"Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}'
    )
    return boto3.client("iam").create_policy(PolicyName="by-hand", PolicyDocument=document)[
        "Policy"
    ]["Arn"]


def test_a_hand_attached_policy_and_hand_set_tags_are_shown_and_kept(
    aws: AwsContext, tmp_path: Path
) -> None:
    _, desired = _applied(aws, tmp_path, TAGGED)
    iam, lambda_ = boto3.client("iam"), boto3.client("lambda")
    arn = _hand_policy()
    iam.attach_role_policy(RoleName="acme-backup", PolicyArn=arn)
    iam.tag_role(RoleName="acme-backup", Tags=[{"Key": "owner", "Value": "ann"}])
    function_arn = naming.function_arn(REGION, ACCOUNT, "acme-backup")
    lambda_.tag_resource(Resource=function_arn, Tags={"cost-centre": "42"})
    rule_arn = naming.rule_arn(REGION, ACCOUNT, "acme-backup")
    boto3.client("events").tag_resource(ResourceARN=rule_arn, Tags=[{"Key": "x", "Value": "y"}])

    plan = make_plan(desired, read_back(aws, "acme", desired))

    assert not plan.has_changes, plan.pending
    assert [(d.key[0].value, d.key[1], d.why) for d in plan.drift] == [
        ("role", "acme-backup", f"policy {arn} attached, not by sched"),
        ("role", "acme-backup", "tag owner not set by sched"),
        ("function", "acme-backup", "tag cost-centre not set by sched"),
        ("rule", "acme-backup", "tag x not set by sched"),
    ]


def test_a_tag_or_policy_removed_from_the_catalogue_is_still_removed(
    aws: AwsContext, tmp_path: Path
) -> None:
    arn = _hand_policy()
    with_policy = TAGGED + f"    permissions:\n      - {arn}\n"
    _applied(aws, tmp_path, with_policy)
    catalogue = load_catalogue(write_catalogue(tmp_path, TAGGED.replace("{team: platform}", "{}")))
    desired = compile_for(catalogue, aws, tmp_path / "build")

    plan = make_plan(desired, read_back(aws, "acme", desired))
    assert apply_plan(plan, aws.writer).ok

    attached = boto3.client("iam").list_attached_role_policies(RoleName="acme-backup")
    assert attached["AttachedPolicies"] == []
    tags = boto3.client("iam").list_role_tags(RoleName="acme-backup")["Tags"]
    assert "team" not in {t["Key"] for t in tags}
    assert not make_plan(desired, read_back(aws, "acme", desired)).has_changes


def test_destroy_leaves_a_hand_made_inline_policy_and_says_why_the_role_stays(
    aws: AwsContext, tmp_path: Path
) -> None:
    from scheduler.errors import Conflict
    from scheduler.resource_state import ResourceState

    _, desired = _applied(aws, tmp_path, ONE_JOB)
    document = (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'
    )
    boto3.client("iam").put_role_policy(
        RoleName="acme-backup", PolicyName="by-hand", PolicyDocument=document
    )

    result = apply_plan(make_plan(ResourceState(), read_back(aws, "acme", desired)), aws.writer)

    assert [str(f.change) for f in result.failed] == ["delete role acme-backup"]
    error = result.failed[0].error
    assert isinstance(error, Conflict)
    assert error.detail == (
        "role acme-backup still has policies sched did not write or attach: by-hand"
    )
    names = boto3.client("iam").list_role_policies(RoleName="acme-backup")["PolicyNames"]
    assert names == ["by-hand"]
