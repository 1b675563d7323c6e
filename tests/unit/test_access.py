"""A refused SDK call names the IAM actions it needed and the permissions: entry to add."""

from __future__ import annotations

import pytest

from scheduler.access import (
    Refusal,
    denial_hint,
    iam_actions,
    not_allowed,
    refusal_in,
    suggested_entry,
)


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


def test_s3s_bare_access_denied_is_read_by_the_operation_botocore_names() -> None:
    message = (
        "An error occurred (AccessDenied) when calling the CopyObject operation: Access Denied"
    )
    assert refusal_in(message) == Refusal("s3", "CopyObject", {}, named=False)
    assert denial_hint(message) == (
        "its role was refused s3 CopyObject, which needs s3:GetObject and s3:PutObject; add to"
        " its permissions: - {Effect: Allow, Action: [s3:GetObject, s3:PutObject], Resource:"
        ' "<the ARN it needs>"}'
    )
    # Another service's own code for a refusal is not taken for S3's.
    other = (
        "An error occurred (AccessDeniedException) when calling the Scan operation: Access Denied"
    )
    assert refusal_in(other) is None


def test_a_refusal_that_names_its_action_is_said_as_not_allowed() -> None:
    hint = denial_hint("User: x is not authorized to perform: sqs:SendMessage")
    assert hint is not None and hint.startswith("its role does not allow sqs:SendMessage;")


READ_LOGS = {
    "Effect": "Allow",
    "Action": ["s3:GetObject", "s3:ListBucket"],
    "Resource": ["arn:aws:s3:::logs", "arn:aws:s3:::logs/*"],
}
COPY = Refusal(
    "s3", "CopyObject", {"Bucket": "bak", "Key": "a/web.log", "CopySource": "logs/app/web.log"}
)


def test_a_copy_whose_source_may_be_read_lacks_only_the_write() -> None:
    assert not_allowed(COPY, [READ_LOGS]) == ("s3:PutObject",)


def test_a_copy_source_given_as_a_mapping_is_read_alike() -> None:
    source = {"Bucket": "logs", "Key": "app/web.log"}
    copy = Refusal("s3", "CopyObject", {"Bucket": "bak", "Key": "k", "CopySource": source})
    assert not_allowed(copy, [READ_LOGS]) == ("s3:PutObject",)


def test_a_copy_from_a_bucket_the_role_may_not_read_lacks_both() -> None:
    other = Refusal("s3", "CopyObject", {"Bucket": "bak", "Key": "k", "CopySource": "other/k"})
    assert not_allowed(other, [READ_LOGS]) == ("s3:GetObject", "s3:PutObject")


@pytest.mark.parametrize(
    "statement",
    [
        {**READ_LOGS, "Condition": {"Bool": {"aws:SecureTransport": "true"}}},
        {"Effect": "Allow", "NotAction": "s3:DeleteObject", "Resource": "*"},
        {"Effect": "Allow", "Action": "s3:getobject", "NotResource": "arn:aws:s3:::x/*"},
    ],
)
def test_an_allow_it_cannot_judge_leaves_every_action_in_the_hint(
    statement: dict[str, object],
) -> None:
    assert not_allowed(COPY, [statement]) == ("s3:GetObject", "s3:PutObject")


def test_a_deny_on_the_source_keeps_the_read_in_the_hint() -> None:
    deny = {"Effect": "Deny", "Action": "s3:Get*", "Resource": "arn:aws:s3:::logs/app/*"}
    assert not_allowed(COPY, [READ_LOGS, deny]) == ("s3:GetObject", "s3:PutObject")


def test_actions_match_without_case_and_resources_with_it() -> None:
    lower = {"Effect": "Allow", "Action": "S3:get*", "Resource": "arn:aws:s3:::logs/app/web.lo?"}
    assert not_allowed(COPY, [lower]) == ("s3:PutObject",)
    upper = {**lower, "Resource": "arn:aws:s3:::LOGS/*"}
    assert not_allowed(COPY, [upper]) == ("s3:GetObject", "s3:PutObject")


def test_a_call_whose_every_action_is_allowed_still_names_them_all() -> None:
    # AWS refused it for a reason this policy does not show (a bucket policy, say).
    everything = {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}
    assert not_allowed(COPY, [everything]) == ("s3:GetObject", "s3:PutObject")


def test_other_services_keep_their_actions() -> None:
    allow = {"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*"}
    assert not_allowed(Refusal("sqs", "SendMessage", {}), [allow]) == ("sqs:SendMessage",)
