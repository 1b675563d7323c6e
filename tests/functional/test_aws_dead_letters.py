"""A rule's dead-letter queue is the user's: sched adds its own statement to the queue's policy
(EventBridge may send the rule's undeliverable events), reads it back as planned, and removes
only that statement, through the boto3 adapters against moto."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aws_support import (
    ACCOUNT,
    DLQ,
    REGION,
    USER_QUEUE_STATEMENT,
    compile_for,
    load_catalogue,
    read_back,
    write_catalogue,
)

from scheduler.app.connect import connect_local, local_data_file, local_dir
from scheduler.apply import apply_plan
from scheduler.aws import AwsContext
from scheduler.plan import Action, Plan, make_plan
from scheduler.resource_state import ResourceState
from scheduler.resources import QueueStatement, ResourceKind

RULE_ARN = f"arn:aws:events:{REGION}:{ACCOUNT}:rule/acme-backup"
SCHED_STATEMENT = {
    "Sid": "acme-backup",
    "Effect": "Allow",
    "Principal": {"Service": "events.amazonaws.com"},
    "Action": "sqs:SendMessage",
    "Resource": DLQ,
    "Condition": {"ArnEquals": {"aws:SourceArn": RULE_ARN}},
}


def _queue_statements(aws: AwsContext) -> list[dict[str, Any]]:
    sqs = aws.session.client("sqs")
    url = sqs.get_queue_url(QueueName="acme-dlq")["QueueUrl"]
    policy = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])
    text = policy.get("Attributes", {}).get("Policy")
    statements: list[dict[str, Any]] = json.loads(text)["Statement"] if text else []
    return statements


def _apply_catalogue(aws: AwsContext, root: Path) -> ResourceState:
    desired = compile_for(load_catalogue(write_catalogue(root)), aws, root / "build")
    plan = make_plan(desired, read_back(aws, "acme", desired))
    queue_changes = [c for c in plan.pending if c.kind is ResourceKind.QUEUE_POLICY]
    assert [(c.action, c.name) for c in queue_changes] == [(Action.CREATE, "acme-dlq/acme-backup")]
    result = apply_plan(plan, aws.writer)
    assert result.ok, result.failed
    return desired


def test_apply_adds_sched_statement_beside_the_users_and_plans_nothing_after(
    aws: AwsContext, tmp_path: Path
) -> None:
    desired = _apply_catalogue(aws, tmp_path)

    assert _queue_statements(aws) == [USER_QUEUE_STATEMENT, SCHED_STATEMENT]
    deployed = read_back(aws, "acme", desired)
    assert deployed.get((ResourceKind.QUEUE_POLICY, "acme-dlq/acme-backup")) == QueueStatement(
        queue_arn=DLQ, sid="acme-backup", source_arn=RULE_ARN
    )
    assert make_plan(desired, deployed).pending == ()


def test_destroy_removes_only_sched_statement_from_the_users_queue(
    aws: AwsContext, tmp_path: Path
) -> None:
    desired = _apply_catalogue(aws, tmp_path)
    deployed = read_back(aws, "acme", desired)

    result = apply_plan(make_plan(ResourceState(), deployed), aws.writer)

    assert result.ok, result.failed
    assert _queue_statements(aws) == [USER_QUEUE_STATEMENT]


def test_a_statement_sched_cannot_prove_it_wrote_is_a_collision_refused_before_any_write(
    aws: AwsContext, tmp_path: Path
) -> None:
    # The user's statement happens to carry sched's Sid, for another rule: not sched's.
    theirs = {**SCHED_STATEMENT, "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:x"}}}
    sqs = aws.session.client("sqs")
    url = sqs.get_queue_url(QueueName="acme-dlq")["QueueUrl"]
    document = {"Version": "2012-10-17", "Statement": [USER_QUEUE_STATEMENT, theirs]}
    sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": json.dumps(document)})
    desired = compile_for(load_catalogue(write_catalogue(tmp_path)), aws, tmp_path / "build")

    deployed = read_back(aws, "acme", desired)
    plan = make_plan(desired, deployed)

    assert (ResourceKind.QUEUE_POLICY, "acme-dlq/acme-backup") not in deployed
    assert [(u.key, u.why) for u in plan.collisions] == [
        ((ResourceKind.QUEUE_POLICY, "acme-dlq/acme-backup"), "exists, not created by sched")
    ]
    assert _queue_statements(aws) == [USER_QUEUE_STATEMENT, theirs]


def test_an_apply_stopped_after_the_statement_and_before_the_rule_completes_on_the_next(
    aws: AwsContext, tmp_path: Path
) -> None:
    desired = compile_for(load_catalogue(write_catalogue(tmp_path)), aws, tmp_path / "build")
    plan = make_plan(desired, read_back(aws, "acme", desired))
    early = {
        ResourceKind.ROLE,
        ResourceKind.FUNCTION,
        ResourceKind.PERMISSION,
        ResourceKind.QUEUE_POLICY,
    }
    stopped = Plan(tuple(c for c in plan.changes if c.kind in early))
    assert apply_plan(stopped, aws.writer).ok

    again = make_plan(desired, read_back(aws, "acme", desired))
    result = apply_plan(again, aws.writer)

    assert again.collisions == ()
    assert result.ok, result.failed
    assert _queue_statements(aws) == [USER_QUEUE_STATEMENT, SCHED_STATEMENT]
    assert make_plan(desired, read_back(aws, "acme", desired)).pending == ()


def test_a_dead_letter_queue_that_does_not_exist_fails_its_statement_saying_so(
    aws: AwsContext, tmp_path: Path
) -> None:
    sqs = aws.session.client("sqs")
    sqs.delete_queue(QueueUrl=sqs.get_queue_url(QueueName="acme-dlq")["QueueUrl"])
    desired = compile_for(load_catalogue(write_catalogue(tmp_path)), aws, tmp_path / "build")

    result = apply_plan(make_plan(desired, read_back(aws, "acme", desired)), aws.writer)

    [failed] = [f for f in result.failed if f.change.kind is ResourceKind.QUEUE_POLICY]
    assert (str(failed.error), failed.error.hint) == (
        f"sqs:GetQueueUrl: the dead-letter queue acme-dlq does not exist ({DLQ})",
        "create the queue (sched never creates one: it only adds its statement to the queue's"
        " policy), or fix dead_letter_queue in the catalogue",
    )


LOCAL_DLQ = "arn:aws:sqs:us-east-1:123456789012:acme-dlq"


def test_locally_the_queue_comes_from_the_local_data_and_takes_the_statement(
    tmp_path: Path,
) -> None:
    text = (
        "catalogue: acme\n"
        "jobs:\n"
        "  backup:\n"
        "    schedule: rate(1 day)\n"
        "    expected_runtime: 1m\n"
        "    handler: jobs/backup/handler.py:main\n"
        f"    dead_letter_queue: {LOCAL_DLQ}\n"
    )
    catalogue = load_catalogue(write_catalogue(tmp_path, text))
    (tmp_path / "local-data.yaml").write_text("queues:\n  acme-dlq: {}\n")
    directory = local_dir(tmp_path / "jobs.yaml")
    with connect_local(directory, data_file=local_data_file(tmp_path / "jobs.yaml")) as aws:
        desired = compile_for(catalogue, aws, tmp_path / "build")
        result = apply_plan(make_plan(desired, read_back(aws, "acme", desired)), aws.writer)
        assert result.ok, result.failed
        assert make_plan(desired, read_back(aws, "acme", desired)).pending == ()
        assert [s["Sid"] for s in _queue_statements(aws)] == ["acme-backup"]


def test_moving_a_rule_to_another_queue_moves_its_statement(
    aws: AwsContext, tmp_path: Path
) -> None:
    _apply_catalogue(aws, tmp_path)
    aws.session.client("sqs").create_queue(QueueName="acme-dlq-2")
    moved = (
        (tmp_path / "jobs.yaml")
        .read_text()
        .replace(f"    dead_letter_queue: {DLQ}\n", f"    dead_letter_queue: {DLQ}-2\n", 1)
    )
    desired = compile_for(load_catalogue(write_catalogue(tmp_path, moved)), aws, tmp_path / "b")

    plan = make_plan(desired, read_back(aws, "acme", desired))
    result = apply_plan(plan, aws.writer)

    assert result.ok, result.failed
    assert sorted(
        (c.action, c.name) for c in plan.pending if c.kind is ResourceKind.QUEUE_POLICY
    ) == [(Action.CREATE, "acme-dlq-2/acme-backup"), (Action.DELETE, "acme-dlq/acme-backup")]
    assert _queue_statements(aws) == [USER_QUEUE_STATEMENT]
    # (The function's on-failure destination moves too, but moto 5 appends a second event
    # invoke config on a put and reads back the first, so only the queues are read back here.)
    again = make_plan(desired, read_back(aws, "acme", desired))
    assert [c for c in again.pending if c.kind is ResourceKind.QUEUE_POLICY] == []


def test_locally_changed_retries_and_dead_letters_read_back_as_applied(tmp_path: Path) -> None:
    text = (
        "catalogue: acme\n"
        "jobs:\n"
        "  backup:\n"
        "    schedule: rate(1 day)\n"
        "    expected_runtime: 1m\n"
        "    handler: jobs/backup/handler.py:main\n"
        "    retries: 1\n"
        f"    dead_letter_queue: {LOCAL_DLQ}\n"
    )
    (tmp_path / "local-data.yaml").write_text("queues:\n  acme-dlq: {}\n  acme-dlq-2: {}\n")
    directory = local_dir(tmp_path / "jobs.yaml")
    for version in (text, text.replace("retries: 1", "retries: 0").replace("dlq\n", "dlq-2\n")):
        catalogue = load_catalogue(write_catalogue(tmp_path, version))
        with connect_local(directory, data_file=local_data_file(tmp_path / "jobs.yaml")) as aws:
            desired = compile_for(catalogue, aws, tmp_path / "build")
            result = apply_plan(make_plan(desired, read_back(aws, "acme", desired)), aws.writer)
            assert result.ok, result.failed
            assert make_plan(desired, read_back(aws, "acme", desired)).pending == ()
