"""compile → apply → read back → plan is empty, through the boto3 adapters against moto; then a
changed schedule is one update and a removed job is deleted in reverse order."""

from __future__ import annotations

from pathlib import Path

import boto3
from aws_support import (
    DLQ,
    LEGACY_ARN,
    REGION,
    RecordingWriter,
    compile_for,
    load_catalogue,
    read_back,
    without_job,
    write_catalogue,
)

from scheduler import naming
from scheduler.apply import apply_plan
from scheduler.aws import AwsContext
from scheduler.plan import Action, FieldChange, make_plan
from scheduler.resources import (
    EcsParameters,
    Function,
    ResourceKind,
    RetryPolicy,
    Schedule,
    Target,
    Toggle,
)


def _deploy(aws: AwsContext, root: Path) -> None:
    catalogue = load_catalogue(write_catalogue(root))
    desired = compile_for(catalogue, aws, root / "build")
    result = apply_plan(make_plan(desired, read_back(aws, "acme", desired)), aws.writer)
    assert result.ok, result.failed


def test_everything_applied_reads_back_equal_and_plans_nothing(
    aws: AwsContext, tmp_path: Path
) -> None:
    catalogue = load_catalogue(write_catalogue(tmp_path))
    desired = compile_for(catalogue, aws, tmp_path / "build")
    first = make_plan(desired, read_back(aws, "acme", desired))
    assert {c.action for c in first.pending} == {Action.CREATE}
    assert len(first.pending) == len(desired)

    result = apply_plan(first, aws.writer)

    assert result.ok, result.failed
    deployed = read_back(aws, "acme", desired)
    assert deployed.resources == desired.resources
    assert make_plan(desired, deployed).pending == ()


def test_read_back_keeps_every_field_compile_sets(aws: AwsContext, tmp_path: Path) -> None:
    _deploy(aws, tmp_path)
    catalogue = load_catalogue(tmp_path / "jobs.yaml")
    deployed = read_back(aws, "acme", compile_for(catalogue, aws, tmp_path / "build"))

    export = deployed.get((ResourceKind.SCHEDULE, "acme/acme-export"))
    assert isinstance(export, Schedule)
    assert (export.expression, export.timezone, export.state) == (
        "cron(30 1 * * ? *)",
        "Europe/Paris",
        Toggle.ENABLED,
    )
    assert export.retry_policy == RetryPolicy(2, 7200)
    assert export.dead_letter_arn == DLQ
    # Lambda's own re-runs of a failed run, and where a run that failed for good goes
    export_function = deployed.get((ResourceKind.FUNCTION, "acme-export"))
    assert isinstance(export_function, Function)
    assert (
        export_function.retry_attempts,
        export_function.max_event_age_seconds,
        export_function.on_failure,
    ) == (1, 3600, DLQ)
    paused = deployed.get((ResourceKind.SCHEDULE, "acme/acme-paused"))
    assert isinstance(paused, Schedule) and paused.state is Toggle.DISABLED
    reindex = deployed.get((ResourceKind.TARGET, "acme-reindex/sched"))
    assert isinstance(reindex, Target)
    assert reindex.ecs == EcsParameters(
        task_definition_arn=f"arn:aws:ecs:{REGION}:123456789012:task-definition/reindex",
        subnets=("subnet-1", "subnet-2"),
        security_groups=("sg-1",),
    )
    legacy = deployed.get((ResourceKind.TARGET, "acme-legacy/sched"))
    assert isinstance(legacy, Target) and legacy.arn == LEGACY_ARN
    assert legacy.retry_policy == RetryPolicy(0, 86400)
    backup = deployed.get((ResourceKind.FUNCTION, "acme-backup"))
    assert isinstance(backup, Function)
    assert dict(backup.tags) == {
        "managed-by": "sched",
        "sched:catalogue": "acme",
        "sched:job": "backup",
        "sched:tags": naming.mark(["team"]),
        "team": "platform",
    }
    assert backup.code_path is None


def test_the_permission_on_an_existing_function_is_read_back(
    aws: AwsContext, tmp_path: Path
) -> None:
    _deploy(aws, tmp_path)
    catalogue = load_catalogue(tmp_path / "jobs.yaml")
    desired = compile_for(catalogue, aws, tmp_path / "build")

    deployed = read_back(aws, "acme", desired)

    assert (ResourceKind.PERMISSION, f"{LEGACY_ARN}/acme-legacy") in deployed
    policy = boto3.client("lambda").get_policy(FunctionName="legacy-thing")["Policy"]
    assert '"AWS:SourceArn": "arn:aws:events:eu-west-1:123456789012:rule/acme-legacy"' in policy


def test_a_changed_schedule_is_exactly_one_update(aws: AwsContext, tmp_path: Path) -> None:
    _deploy(aws, tmp_path)
    text = (tmp_path / "jobs.yaml").read_text()
    changed = text.replace("cron(0 2 ? * MON *)", "cron(0 3 ? * TUE *)").replace(
        '"30 1 * * *"', '"45 1 * * *"'
    )
    catalogue = load_catalogue(write_catalogue(tmp_path, changed))
    desired = compile_for(catalogue, aws, tmp_path / "build")

    plan = make_plan(desired, read_back(aws, "acme", desired))

    assert [(c.action, str(c.kind), c.name, c.fields) for c in plan.pending] == [
        (
            Action.UPDATE,
            "rule",
            "acme-backup",
            (FieldChange("schedule_expression", "cron(0 2 ? * MON *)", "cron(0 3 ? * TUE *)"),),
        ),
        (
            Action.UPDATE,
            "schedule",
            "acme/acme-export",
            (FieldChange("expression", "cron(30 1 * * ? *)", "cron(45 1 * * ? *)"),),
        ),
    ]
    assert apply_plan(plan, aws.writer).ok
    assert make_plan(desired, read_back(aws, "acme", desired)).pending == ()
    rule = boto3.client("events").describe_rule(Name="acme-backup")
    assert rule["ScheduleExpression"] == "cron(0 3 ? * TUE *)"


def test_a_removed_job_is_deleted_its_permission_before_its_rule(
    aws: AwsContext, tmp_path: Path
) -> None:
    _deploy(aws, tmp_path)
    text = without_job((tmp_path / "jobs.yaml").read_text(), "backup")
    catalogue = load_catalogue(write_catalogue(tmp_path, text))
    desired = compile_for(catalogue, aws, tmp_path / "build")
    plan = make_plan(desired, read_back(aws, "acme", desired))
    writer = RecordingWriter(aws.writer)

    result = apply_plan(plan, writer)

    assert result.ok
    # the permission and the queue's statement (found by the target it served) are one phase,
    # applied at once
    calls = writer.calls
    assert sorted(calls[1:3]) == [
        ("delete", "permission", "acme-backup/acme-backup"),
        ("delete", "queue-policy", "acme-dlq/acme-backup"),
    ]
    assert calls[:1] + calls[3:] == [
        ("delete", "target", "acme-backup/sched"),
        ("delete", "rule", "acme-backup"),
        ("delete", "function", "acme-backup"),
        ("delete", "role", "acme-backup"),
    ]
    assert make_plan(desired, read_back(aws, "acme", desired)).pending == ()
    names = [f["FunctionName"] for f in boto3.client("lambda").list_functions()["Functions"]]
    assert "acme-backup" not in names
    rules = sorted(
        r["Name"] for r in boto3.client("events").list_rules(NamePrefix="acme-")["Rules"]
    )
    assert rules == ["acme-legacy", "acme-reindex"]


def test_destroying_everything_leaves_nothing_owned(aws: AwsContext, tmp_path: Path) -> None:
    _deploy(aws, tmp_path)
    catalogue = load_catalogue(tmp_path / "jobs.yaml")
    desired = compile_for(catalogue, aws, tmp_path / "build")
    deployed = read_back(aws, "acme", desired)
    empty = type(desired)()

    result = apply_plan(make_plan(empty, deployed), aws.writer)

    assert result.ok, result.failed
    assert len(read_back(aws, "acme", desired)) == 0
    # The existing function survives; only sched's statement left its policy.
    legacy = boto3.client("lambda").get_function(FunctionName="legacy-thing")
    assert legacy["Configuration"]["FunctionName"] == "legacy-thing"


def test_the_shared_execution_role_of_earlier_versions_is_pruned_in_one_apply(
    aws: AwsContext, tmp_path: Path
) -> None:
    """Before jobs had roles of their own, every catalogue had one `<catalogue>-sched-exec`."""
    iam = boto3.client("iam")
    tags = [{"Key": k, "Value": v} for k, v in naming.ownership_tags("acme").items()]
    iam.create_role(RoleName="acme-sched-exec", AssumeRolePolicyDocument="{}", Tags=tags)
    catalogue = load_catalogue(write_catalogue(tmp_path))
    desired = compile_for(catalogue, aws, tmp_path / "build")
    plan = make_plan(desired, read_back(aws, "acme", desired))
    pending = plan.pending
    deletes = [(c.kind.value, c.resource.key_name) for c in pending if c.action is Action.DELETE]
    assert deletes == [("role", "acme-sched-exec")]
    assert apply_plan(plan, aws.writer).ok
    assert make_plan(desired, read_back(aws, "acme", desired)).pending == ()
    names = {r["RoleName"] for r in iam.list_roles()["Roles"]}
    assert "acme-sched-exec" not in names
    assert {"acme-backup", "acme-export", "acme-paused"} <= names
