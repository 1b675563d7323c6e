"""The writer's contract against moto: create of an existing resource conflicts, delete of a
missing one succeeds, updates converge to exactly the desired resource, a role IAM has not yet
propagated is retried, and an interrupt ends every wait at once."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import threading
import time
import zipfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import boto3
import pytest
from aws_support import ACCOUNT, REGION
from botocore.stub import Stubber
from moto import mock_aws

from scheduler import naming
from scheduler.aws.clients import Clients, client_config, new_session
from scheduler.aws.reader import AwsStateReader
from scheduler.aws.retry import Interrupted
from scheduler.aws.writer import AwsResourceWriter
from scheduler.canonical import canonical_json
from scheduler.errors import AwsError, Conflict, InvalidRequest
from scheduler.ports import ReadScope
from scheduler.resource_state import DeployedState, key_of
from scheduler.resources import (
    Function,
    InputTransformer,
    Permission,
    Resource,
    RetryPolicy,
    Role,
    Rule,
    Schedule,
    ScheduleGroup,
    Target,
    pairs,
)

TAGS = pairs({"managed-by": "sched", "sched:catalogue": "acme"})


def _tags(**extra: str) -> tuple[tuple[str, str], ...]:
    """Sched's tags and the catalogue's `extra`, marked as compile marks them."""
    keys = naming.mark(extra)
    return pairs({**dict(TAGS), **extra, **({naming.TAG_KEYS_TAG: keys} if keys else {})})


def _role_tags(*arns: str) -> tuple[tuple[str, str], ...]:
    return pairs({**dict(TAGS), naming.POLICIES_TAG: naming.mark(arns) or ""})


TRUST = canonical_json(
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
# A customer managed policy the fixture creates: moto, like an emulator, has none of AWS's.
BASIC = f"arn:aws:iam::{ACCOUNT}:policy/acme-logs"
ROLE = Role(
    name="acme-sched-exec", trust_policy=TRUST, managed_policy_arns=(BASIC,), tags=_role_tags(BASIC)
)
ROLE_ARN = naming.role_arn(REGION, ACCOUNT, ROLE.name)
FUNCTION_ARN = naming.function_arn(REGION, ACCOUNT, "acme-job")


class Sleeps:
    """Records the pauses asked for instead of waiting; runs `on_first` at the first one."""

    def __init__(self, on_first: object = None) -> None:
        self.pauses: list[float] = []
        self.on_first = on_first

    def __call__(self, seconds: float) -> None:
        self.pauses.append(seconds)
        if len(self.pauses) == 1 and callable(self.on_first):
            self.on_first()


@pytest.fixture
def clients() -> Iterator[Clients]:
    with mock_aws():
        session = new_session(region_name=REGION)
        document = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
                    "Action": "logs:PutLogEvents", "Resource": "*"}]}  # fmt: skip
        session.client("iam").create_policy(
            PolicyName="acme-logs", PolicyDocument=json.dumps(document)
        )
        yield Clients(session, client_config())


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def writer(clients: Clients, sleeps: Sleeps) -> AwsResourceWriter:
    return AwsResourceWriter(clients, region=REGION, account=ACCOUNT, sleep=sleeps)


def _zip(tmp_path: Path, body: str) -> tuple[Path, str]:
    path = tmp_path / f"{hashlib.sha256(body.encode()).hexdigest()[:8]}.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", body)
    path.write_bytes(buffer.getvalue())
    return path, base64.b64encode(hashlib.sha256(buffer.getvalue()).digest()).decode()


def _function(tmp_path: Path, body: str = "def main(e, c): return 1\n") -> Function:
    path, digest = _zip(tmp_path, body)
    return Function(
        name="acme-job",
        runtime="python3.12",
        handler="sched_runtime.handler",
        role_arn=ROLE_ARN,
        memory_mb=256,
        timeout_seconds=60,
        code_sha256=digest,
        environment=pairs({"SCHED_JOB": "job"}),
        description="a job",
        tags=pairs({**dict(TAGS), "sched:job": "job"}),
        code_path=path,
        log_group=naming.log_group_name("acme", "job"),
    )


def _read(clients: Clients) -> DeployedState:
    return AwsStateReader(clients).read(ReadScope("acme", ACCOUNT, REGION))


def _deployed(clients: Clients, resource: Resource) -> Resource | None:
    return _read(clients).get(key_of(resource))


def _every_kind(tmp_path: Path) -> list[Resource]:
    group = ScheduleGroup(name="acme", tags=TAGS)
    schedule = Schedule(
        group="acme",
        name="acme-job",
        expression="rate(1 hour)",
        timezone="UTC",
        target_arn=FUNCTION_ARN,
        role_arn=naming.role_arn(REGION, ACCOUNT, "acme-sched-scheduler"),
        input="{}",
        retry_policy=RetryPolicy(2, 86400),
    )
    rule = Rule(name="acme-job", schedule_expression="rate(1 hour)", tags=TAGS)
    return [ROLE, _function(tmp_path), PERMISSION, rule, group, schedule]


def test_creating_what_this_catalogue_made_already_is_done(
    writer: AwsResourceWriter, clients: Clients, tmp_path: Path
) -> None:
    # A create whose response was lost, retried by botocore, finds its own resource: done.
    resources = _every_kind(tmp_path)
    for resource in resources:
        writer.create(resource)

    for resource in resources:
        writer.create(resource)

    deployed = _read(clients)
    assert [deployed.get(key_of(r)) for r in resources] == resources


OTHERS = pairs({"managed-by": "sched", "sched:catalogue": "acme-two"})


def test_creating_what_someone_else_made_conflicts_and_says_whose(
    writer: AwsResourceWriter, tmp_path: Path
) -> None:
    # (moto accepts a second schedule group of one name, which AWS refuses with a
    # ConflictException: the plan's collision check is what stops that one, tested elsewhere.)
    role, function, _, rule, group, schedule = _every_kind(tmp_path)
    others = [replace(r, tags=OTHERS) for r in (role, function, rule)]
    for resource in [*others, group]:
        writer.create(resource)
    writer.create(replace(schedule, role_arn=ROLE_ARN))

    for resource in (role, function, rule, schedule):
        with pytest.raises(Conflict) as raised:
            writer.create(resource)
        kind = resource.kind.value.replace("-", " ")
        if resource is schedule:
            assert raised.value.detail == (
                "a schedule named acme/acme-job exists and sched did not create it"
            )
        else:
            assert raised.value.detail == (
                f'a {kind} named {resource.key_name} exists, made by sched for catalogue "acme-two"'
            )
            assert raised.value.hint == (
                f"rename the job (or the catalogue), or delete or rename that {kind}"
            )


PERMISSION = Permission(
    function="acme-job",
    statement_id="acme-job",
    principal="events.amazonaws.com",
    source_arn=naming.rule_arn(REGION, ACCOUNT, "acme-job"),
)


def _policy(*statements: Permission) -> dict[str, str]:
    return {
        "Policy": json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": p.statement_id,
                        "Effect": "Allow",
                        "Principal": {"Service": p.principal},
                        "Action": p.action,
                        "Resource": FUNCTION_ARN,
                        "Condition": {"ArnLike": {"AWS:SourceArn": p.source_arn}},
                    }
                    for p in statements
                ],
            }
        ),
        "RevisionId": "1",
    }


def test_an_existing_statement_conflicts_at_once(
    writer: AwsResourceWriter, clients: Clients, sleeps: Sleeps
) -> None:
    hand_made = replace(PERMISSION, source_arn=naming.rule_arn(REGION, ACCOUNT, "elsewhere"))
    with Stubber(clients.lambda_) as stub:
        stub.add_client_error(
            "add_permission",
            "ResourceConflictException",
            "The statement id (acme-job) provided already exists.",
            409,
        )
        stub.add_response("get_policy", _policy(hand_made), {"FunctionName": "acme-job"})
        with pytest.raises(Conflict) as raised:
            writer.create(PERMISSION)

    assert sleeps.pauses == []
    assert raised.value.message == (
        "lambda:AddPermission: conflict (acme-job/acme-job): "
        "The statement id (acme-job) provided already exists."
    )
    assert raised.value.hint == (
        "statement acme-job of acme-job is not one this catalogue made; remove it, or rename "
        "the job"
    )


def test_an_existing_statement_exactly_as_wanted_is_already_done(
    writer: AwsResourceWriter, clients: Clients
) -> None:
    # An apply that stopped after the permission and before its rule leaves such a statement,
    # which the reader cannot prove owned until the rule exists.
    other = replace(PERMISSION, statement_id="other")
    with Stubber(clients.lambda_) as stub:
        stub.add_client_error(
            "add_permission",
            "ResourceConflictException",
            "The statement id (acme-job) provided already exists.",
            409,
        )
        stub.add_response("get_policy", _policy(other, PERMISSION), {"FunctionName": "acme-job"})
        writer.create(PERMISSION)
        stub.assert_no_pending_responses()


def test_a_function_busy_with_an_update_is_retried(
    writer: AwsResourceWriter, clients: Clients, sleeps: Sleeps
) -> None:
    with Stubber(clients.lambda_) as stub:
        stub.add_client_error(
            "add_permission",
            "ResourceConflictException",
            "The operation cannot be performed at this time. An update is in progress for "
            f"resource: {FUNCTION_ARN}",
            409,
        )
        stub.add_response("add_permission", {"Statement": "{}"})
        writer.create(PERMISSION)

    assert sleeps.pauses == [1.0]


def test_deleting_what_is_gone_succeeds(writer: AwsResourceWriter, tmp_path: Path) -> None:
    gone: list[Resource] = [
        ROLE,
        _function(tmp_path),
        Permission("acme-job", "acme-job", "events.amazonaws.com", "arn:aws:events:x"),
        Rule(name="acme-job", schedule_expression="rate(1 hour)"),
        Target(rule="acme-job", id="sched", arn=FUNCTION_ARN),
        Schedule(
            group="default",
            name="acme-job",
            expression="rate(1 hour)",
            timezone="UTC",
            target_arn=FUNCTION_ARN,
            role_arn=ROLE_ARN,
            input="{}",
            retry_policy=RetryPolicy(2, 86400),
        ),
    ]
    # (A schedule group is left out: moto raises KeyError for a missing one, where AWS says
    # ResourceNotFoundException, which the writer treats as done.)
    for resource in gone:
        writer.delete(resource)


def test_a_function_is_created_with_its_own_log_group_tagged_as_it_is(
    writer: AwsResourceWriter, clients: Clients, tmp_path: Path
) -> None:
    writer.create(ROLE)
    function = _function(tmp_path)

    writer.create(function)

    group = "/sched/acme/job"
    found = clients.logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
    assert [g["logGroupName"] for g in found] == [group]
    assert clients.logs.list_tags_log_group(logGroupName=group)["tags"] == dict(function.tags)


def test_a_log_group_of_its_name_someone_else_made_is_refused(
    writer: AwsResourceWriter, clients: Clients, tmp_path: Path
) -> None:
    writer.create(ROLE)
    clients.logs.create_log_group(logGroupName="/sched/acme/job", tags=dict(OTHERS))

    with pytest.raises(Conflict) as raised:
        writer.create(_function(tmp_path))

    assert raised.value.detail == (
        'a log group named /sched/acme/job exists, made by sched for catalogue "acme-two"'
    )


def test_a_role_iam_has_not_propagated_is_retried(clients: Clients, tmp_path: Path) -> None:
    role_writer = AwsResourceWriter(clients, region=REGION, account=ACCOUNT)
    sleeps = Sleeps(on_first=lambda: role_writer.create(ROLE))
    writer = AwsResourceWriter(clients, region=REGION, account=ACCOUNT, sleep=sleeps)
    function = _function(tmp_path)

    writer.create(function)

    assert sleeps.pauses == [1.0]
    assert _deployed(clients, function) == function


def test_a_role_that_never_appears_fails_after_the_retries(
    writer: AwsResourceWriter, sleeps: Sleeps, tmp_path: Path
) -> None:
    with pytest.raises(InvalidRequest) as raised:
        writer.create(_function(tmp_path))

    assert sleeps.pauses == [1.0, 2.0, 4.0, 8.0, 8.0, 8.0, 8.0]
    assert raised.value.action == "lambda:CreateFunction"
    assert "cannot be assumed" in raised.value.message
    assert raised.value.hint == (
        f"role {ROLE_ARN} must exist and trust lambda.amazonaws.com (a trust policy letting "
        "lambda.amazonaws.com call sts:AssumeRole); create it or fix `role:`, then apply again"
    )


def test_without_delays_a_missing_role_fails_at_the_first_attempt(
    clients: Clients, sleeps: Sleeps, tmp_path: Path
) -> None:
    writer = AwsResourceWriter(clients, region=REGION, account=ACCOUNT, sleep=sleeps, delays=())

    with pytest.raises(InvalidRequest) as raised:
        writer.create(_function(tmp_path))

    assert sleeps.pauses == []
    assert raised.value.hint.startswith(f"role {ROLE_ARN} must exist and trust lambda")


def test_an_interrupt_during_a_pause_fails_the_change_as_interrupted(
    clients: Clients, tmp_path: Path
) -> None:
    sleeps = Sleeps()
    writer = AwsResourceWriter(clients, region=REGION, account=ACCOUNT, sleep=sleeps)
    sleeps.on_first = writer.interrupt

    with pytest.raises(Interrupted) as raised:
        writer.create(_function(tmp_path))

    assert sleeps.pauses == [1.0]
    assert raised.value.action == "lambda:CreateFunction"
    assert raised.value.message.startswith(
        "lambda:CreateFunction: interrupted while waiting to try again after: rejected (acme-job)"
    )
    writer.resume()
    sleeps.on_first = None
    sleeps.pauses.clear()
    with pytest.raises(InvalidRequest):
        writer.create(_function(tmp_path))
    assert len(sleeps.pauses) == 7


def test_an_interrupt_cuts_a_real_pause_short(clients: Clients, tmp_path: Path) -> None:
    writer = AwsResourceWriter(clients, region=REGION, account=ACCOUNT)
    pressed = threading.Timer(0.3, writer.interrupt)
    started = time.monotonic()
    pressed.start()
    try:
        with pytest.raises(Interrupted):
            writer.create(_function(tmp_path))
    finally:
        pressed.cancel()

    # Uninterrupted, the retries of a role that never appears wait 39 s.
    assert time.monotonic() - started < 10


def _created_pending(stub: Stubber, *states: dict[str, str]) -> None:
    stub.add_response("create_function", {"FunctionName": "acme-job", "State": "Pending"})
    for state in states:
        stub.add_response("get_function_configuration", state, {"FunctionName": "acme-job"})


def test_a_pending_function_is_waited_for_until_it_is_active(
    writer: AwsResourceWriter, clients: Clients, sleeps: Sleeps, tmp_path: Path
) -> None:
    with Stubber(clients.lambda_) as stub:
        _created_pending(stub, {"State": "Pending"}, {"State": "Pending"}, {"State": "Active"})
        writer.create(_function(tmp_path))
        stub.assert_no_pending_responses()

    assert sleeps.pauses == [1.0, 1.0]


def test_a_function_that_fails_to_become_active_says_why(
    writer: AwsResourceWriter, clients: Clients, tmp_path: Path
) -> None:
    with Stubber(clients.lambda_) as stub:
        _created_pending(stub, {"State": "Failed", "StateReason": "subnet gone"})
        with pytest.raises(AwsError) as raised:
            writer.create(_function(tmp_path))

    assert raised.value.message == (
        "lambda:GetFunctionConfiguration: function acme-job: State Failed: subnet gone"
    )


def test_an_interrupt_ends_the_wait_for_a_pending_function(
    clients: Clients, tmp_path: Path
) -> None:
    sleeps = Sleeps()
    writer = AwsResourceWriter(clients, region=REGION, account=ACCOUNT, sleep=sleeps)
    sleeps.on_first = writer.interrupt
    with Stubber(clients.lambda_) as stub:
        _created_pending(stub, {"State": "Pending"})
        with pytest.raises(Interrupted) as raised:
            writer.create(_function(tmp_path))

    assert sleeps.pauses == [1.0]
    assert raised.value.message == (
        "lambda:GetFunctionConfiguration: interrupted while acme-job was Pending"
    )


def test_a_schedule_whose_role_cannot_be_assumed_says_what_the_role_needs(
    clients: Clients,
) -> None:
    writer = AwsResourceWriter(clients, region=REGION, account=ACCOUNT, delays=())
    schedule = Schedule(
        group="acme",
        name="acme-job",
        expression="rate(1 hour)",
        timezone="UTC",
        target_arn=FUNCTION_ARN,
        role_arn=ROLE_ARN,
        input="{}",
        retry_policy=RetryPolicy(2, 86400),
    )
    with Stubber(clients.scheduler) as stub:
        stub.add_client_error(
            "create_schedule",
            "ValidationException",
            "The execution role you provide must allow AWS EventBridge Scheduler to assume the "
            "role.",
            400,
        )
        with pytest.raises(InvalidRequest) as raised:
            writer.create(schedule)

    assert raised.value.hint.startswith(
        f"role {ROLE_ARN} must exist and trust scheduler.amazonaws.com"
    )


def test_a_function_update_converges(
    writer: AwsResourceWriter, clients: Clients, tmp_path: Path
) -> None:
    writer.create(ROLE)
    before = _function(tmp_path)
    writer.create(before)
    code_path, digest = _zip(tmp_path, "def main(e, c): return 2\n")
    after = replace(
        before,
        code_sha256=digest,
        code_path=code_path,
        memory_mb=512,
        environment=pairs({"SCHED_JOB": "job", "LEVEL": "debug"}),
        tags=_tags(team="data"),
    )

    writer.update(before, after)

    assert _deployed(clients, after) == after


def test_a_package_changed_since_the_plan_is_not_uploaded(
    writer: AwsResourceWriter, tmp_path: Path
) -> None:
    function = _function(tmp_path)
    assert function.code_path is not None
    function.code_path.write_bytes(b"something else")

    with pytest.raises(InvalidRequest) as raised:
        writer.create(function)

    assert raised.value.message.endswith("changed since the plan was made")


def test_a_role_update_converges(writer: AwsResourceWriter, clients: Clients) -> None:
    writer.create(ROLE)
    after = replace(
        ROLE,
        description="now described",
        inline_policy=canonical_json(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}],
            }
        ),
        managed_policy_arns=(),
        tags=_tags(team="data"),
    )

    writer.update(ROLE, after)

    assert _deployed(clients, after) == after
    writer.update(after, ROLE)
    assert _deployed(clients, ROLE) == ROLE


def test_a_rule_and_target_update_converge(writer: AwsResourceWriter, clients: Clients) -> None:
    rule = Rule(name="acme-job", schedule_expression="rate(1 hour)", tags=TAGS)
    target = Target(
        rule="acme-job",
        id="sched",
        arn=FUNCTION_ARN,
        input_transformer=InputTransformer(pairs({"time": "$.time"}), '{"t":<time>}'),
        retry_policy=RetryPolicy(2, 3600),
        dead_letter_arn=f"arn:aws:sqs:{REGION}:{ACCOUNT}:dlq",
    )
    writer.create(rule)
    writer.create(target)
    new_rule = replace(
        rule,
        schedule_expression="rate(2 hours)",
        tags=_tags(x="y"),
    )
    new_target = replace(target, dead_letter_arn=None, retry_policy=RetryPolicy(0, 60))

    writer.update(rule, new_rule)
    writer.update(target, new_target)

    deployed = _read(clients)
    assert deployed.get(key_of(new_rule)) == new_rule
    assert deployed.get(key_of(new_target)) == new_target


def test_deleting_a_rule_that_still_has_targets_removes_them(
    writer: AwsResourceWriter, clients: Clients
) -> None:
    rule = Rule(name="acme-job", schedule_expression="rate(1 hour)", tags=TAGS)
    writer.create(rule)
    writer.create(Target(rule="acme-job", id="sched", arn=FUNCTION_ARN))

    writer.delete(rule)

    assert boto3.client("events").list_rules(NamePrefix="acme-")["Rules"] == []
    assert len(_read(clients)) == 0


def test_a_schedule_group_update_changes_its_tags(
    writer: AwsResourceWriter, clients: Clients
) -> None:
    group = ScheduleGroup(name="acme", tags=_tags(team="a"))
    writer.create(group)
    after = ScheduleGroup(name="acme", tags=_tags(owner="b"))

    writer.update(group, after)

    assert _deployed(clients, after) == after


def test_apply_runs_fewer_lambda_and_iam_changes_at_once_than_eventbridge_ones(
    writer: AwsResourceWriter, tmp_path: Path
) -> None:
    role, function, permission, rule, group, schedule = _every_kind(tmp_path)
    assert [writer.lane(r) for r in (role, function, permission)] == [
        ("iam", 4),
        ("lambda", 4),
        ("lambda", 4),
    ]
    assert [writer.lane(r) for r in (rule, group, schedule)] == [
        ("events", 8),
        ("scheduler", 8),
        ("scheduler", 8),
    ]
