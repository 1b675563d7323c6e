"""The SDK calls sched reads from a handler's source, with what it can know of their parameters,
and whether a role's statements allow the actions they need."""

from __future__ import annotations

import ast
import textwrap

from scheduler.handler_calls import (
    HandlerCall,
    ModuleCalls,
    action_allowed,
    handler_calls,
    operation_name,
    unique_calls,
)

EXAMPLE = """
import boto3

def main(event, context):
    s3 = boto3.client("s3")
    source = event["source_bucket"]
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=source, Prefix="app/"):
        s3.copy_object(Bucket=event.get("backup_bucket"), Key="k", CopySource={})
    s3.upload_file("/tmp/x", "scratch", "x")
    table = boto3.resource("dynamodb").Table(event["table"])
    table.scan()
    boto3.resource("dynamodb").Table("t").put_item(Item={})
    boto3.client("sts").get_caller_identity()
    s3.get_waiter("object_exists")
"""


def _calls(source: str, job_input: dict[str, object]) -> list[HandlerCall]:
    return handler_calls(ast.parse(textwrap.dedent(source)), job_input)


def test_calls_are_read_with_the_parameters_that_can_be_known() -> None:
    job_input = {"source_bucket": "logs", "backup_bucket": "backups", "table": "orders"}
    assert _calls(EXAMPLE, job_input) == [
        HandlerCall("s3", "ListObjectsV2", 7, {"Bucket": "logs", "Prefix": "app/"}),
        HandlerCall("s3", "CopyObject", 8, {"Bucket": "backups", "Key": "k"}),
        HandlerCall("s3", "PutObject", 9, {"Bucket": "scratch"}),
        HandlerCall("dynamodb", "Scan", 11, {}),
        HandlerCall("dynamodb", "PutItem", 12, {}),
        HandlerCall("sts", "GetCallerIdentity", 13, {}),
    ]


def test_a_value_not_in_the_input_is_unknown() -> None:
    [call] = _calls("import boto3\nboto3.client('s3').put_object(Bucket=event['x'])\n", {})
    assert call.params == {}


def test_one_module_read_for_many_inputs_gives_what_each_input_alone_gives() -> None:
    reader = ModuleCalls(ast.parse(textwrap.dedent(EXAMPLE)))
    inputs: list[dict[str, object]] = [
        {"source_bucket": "logs", "backup_bucket": "backups", "table": "orders"},
        {"source_bucket": "logs", "backup_bucket": "backups", "table": "orders", "item": 1},
        {"source_bucket": "other", "backup_bucket": "backups"},
        {"source_bucket": 1, "backup_bucket": True},
        {"source_bucket": 1.0, "backup_bucket": 1},
        {},
        {"source_bucket": "logs", "backup_bucket": "backups", "table": "orders", "item": 2},
    ]
    for job_input in inputs:
        assert reader.calls(job_input) == _calls(EXAMPLE, job_input), job_input


def test_operation_names_are_botocore_s() -> None:
    assert operation_name("list_objects_v2") == "ListObjectsV2"
    assert operation_name("get_caller_identity") == "GetCallerIdentity"


def test_each_operation_is_reported_once() -> None:
    calls = [HandlerCall("s3", "PutObject", 3), HandlerCall("s3", "PutObject", 9)]
    assert list(unique_calls(calls)) == [calls[0]]


def test_actions_are_allowed_by_wildcards_and_not_by_a_deny() -> None:
    statements: list[dict[str, object]] = [
        {"Effect": "Allow", "Action": ["s3:Get*", "s3:ListBucket"], "Resource": ["*"]},
        {"Effect": "Deny", "Action": ["s3:PutObject"], "Resource": ["*"]},
        {"Effect": "Allow", "Action": "sqs:SendMessage*", "Resource": ["*"]},
    ]
    assert action_allowed("s3:GetObject", statements)
    assert action_allowed("S3:listbucket", statements)  # IAM action names ignore case
    assert action_allowed("sqs:SendMessageBatch", statements)
    assert not action_allowed("s3:PutObject", statements)
    assert not action_allowed("s3:GetObjectX", [{"Effect": "Allow", "Action": ["s3:GetObject"]}])
