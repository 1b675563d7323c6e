"""A refused SDK call names the IAM actions it needed and the permissions: entry to add."""

from __future__ import annotations

import pytest

from scheduler.access import Refusal, iam_actions, refusal_in, suggested_entry


@pytest.mark.parametrize(
    ("service", "operation", "actions"),
    [
        ("s3", "ListObjectsV2", ("s3:ListBucket",)),
        ("s3", "CopyObject", ("s3:GetObject", "s3:PutObject")),
        ("s3", "HeadObject", ("s3:GetObject",)),
        ("dynamodb", "Scan", ("dynamodb:Scan",)),
        ("sqs", "SendMessage", ("sqs:SendMessage",)),
    ],
)
def test_sdk_operations_map_to_the_iam_actions_they_need(
    service: str, operation: str, actions: tuple[str, ...]
) -> None:
    assert iam_actions(service, operation) == actions


@pytest.mark.parametrize(
    ("refusal", "entry"),
    [
        (Refusal("s3", "CopyObject", {"Bucket": "bak"}), "- S3WritePolicy: {BucketName: bak}"),
        (Refusal("s3", "ListObjectsV2", {"Bucket": "logs"}), "- S3ReadPolicy: {BucketName: logs}"),
        (Refusal("s3", "DeleteObjects", {"Bucket": "tmp"}), "- S3CrudPolicy: {BucketName: tmp}"),
        (Refusal("dynamodb", "Scan", {"TableName": "orders"}),
         "- DynamoDBReadPolicy: {TableName: orders}"),
        (Refusal("dynamodb", "PutItem", {"TableName": "orders"}),
         "- DynamoDBCrudPolicy: {TableName: orders}"),
        (Refusal("sqs", "SendMessage", {"QueueUrl": "https://sqs.eu-west-1.amazonaws.com/1/done"}),
         "- SQSSendMessagePolicy: {QueueName: done}"),
        (Refusal("ssm", "GetParameter", {"Name": "/acme/db"}),
         "- SSMParameterReadPolicy: {ParameterName: acme/db}"),
        (Refusal("kinesis", "PutRecord", {"StreamName": "s"}),
         '- {Effect: Allow, Action: kinesis:PutRecord, Resource: "<the ARN it needs>"}'),
        (Refusal("s3", "PutObject", {}),
         '- {Effect: Allow, Action: s3:PutObject, Resource: "<the ARN it needs>"}'),
    ],
)  # fmt: skip
def test_the_suggested_entry_names_the_resource_the_call_was_about(
    refusal: Refusal, entry: str
) -> None:
    assert suggested_entry(refusal) == entry


def test_a_refusal_is_read_from_awss_error_message() -> None:
    message = (
        "User: arn:aws:sts::123456789012:assumed-role/acme-ops-log-backup/acme-ops-log-backup is"
        " not authorized to perform: s3:PutObject on resource: "
        '"arn:aws:s3:::acme-app-logs-backup/2026-11-30/app/web.log" because no identity-based'
        " policy allows the s3:PutObject action"
    )
    refusal = refusal_in(message)
    assert refusal == Refusal("s3", "PutObject", {"Bucket": "acme-app-logs-backup"})
    assert suggested_entry(refusal) == "- S3WritePolicy: {BucketName: acme-app-logs-backup}"
    table = refusal_in(
        "User: x is not authorized to perform: dynamodb:Scan on resource:"
        " arn:aws:dynamodb:eu-west-1:1:table/orders because no identity-based policy allows it"
    )
    assert table == Refusal("dynamodb", "Scan", {"TableName": "orders"})
    assert refusal_in("Access Denied") is None
    assert refusal_in(None) is None
