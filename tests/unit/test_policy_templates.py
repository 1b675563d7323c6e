"""SAM policy templates expand into exactly the statements SAM's definitions give.

Every expected statement below was written from aws/serverless-application-model,
samtranslator/policy_templates_data/policy_templates.json, with Action sorted.
"""

from __future__ import annotations

import json

import pytest

from scheduler.policy_templates import TEMPLATES, Template, TemplateError, closest, expand

AWS = {"partition": "aws", "region": "eu-west-1", "account": "123456789012"}
DOCS = (
    "https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/"
    "serverless-policy-template-list.html"
)
SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-password-AbCdEf"
KEY = "1234abcd-12ab-34cd-56ef-1234567890ab"


def _allow(actions: list[str], *resources: str) -> dict[str, object]:
    return {"Effect": "Allow", "Action": actions, "Resource": list(resources)}


SSM_DESCRIBE = _allow(["ssm:DescribeParameters"], "*")
SSM_GET = ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"]

EXPANSIONS = {
    "AWSSecretsManagerGetSecretValuePolicy": (
        {"SecretArn": SECRET},
        [_allow(["secretsmanager:GetSecretValue"], SECRET)],
    ),
    "CloudWatchPutMetricPolicy": ({}, [_allow(["cloudwatch:PutMetricData"], "*")]),
    "DynamoDBCrudPolicy": (
        {"TableName": "orders"},
        [
            _allow(
                [
                    "dynamodb:BatchGetItem",
                    "dynamodb:BatchWriteItem",
                    "dynamodb:ConditionCheckItem",
                    "dynamodb:DeleteItem",
                    "dynamodb:DescribeTable",
                    "dynamodb:GetItem",
                    "dynamodb:PutItem",
                    "dynamodb:Query",
                    "dynamodb:Scan",
                    "dynamodb:UpdateItem",
                ],
                "arn:aws:dynamodb:eu-west-1:123456789012:table/orders",
                "arn:aws:dynamodb:eu-west-1:123456789012:table/orders/index/*",
            )
        ],
    ),
    "DynamoDBReadPolicy": (
        {"TableName": "orders"},
        [
            _allow(
                [
                    "dynamodb:BatchGetItem",
                    "dynamodb:DescribeTable",
                    "dynamodb:GetItem",
                    "dynamodb:Query",
                    "dynamodb:Scan",
                ],
                "arn:aws:dynamodb:eu-west-1:123456789012:table/orders",
                "arn:aws:dynamodb:eu-west-1:123456789012:table/orders/index/*",
            )
        ],
    ),
    "DynamoDBWritePolicy": (
        {"TableName": "orders"},
        [
            _allow(
                ["dynamodb:BatchWriteItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
                "arn:aws:dynamodb:eu-west-1:123456789012:table/orders",
                "arn:aws:dynamodb:eu-west-1:123456789012:table/orders/index/*",
            )
        ],
    ),
    "EventBridgePutEventsPolicy": (
        {"EventBusName": "ops"},
        [_allow(["events:PutEvents"], "arn:aws:events:eu-west-1:123456789012:event-bus/ops")],
    ),
    "KMSDecryptPolicy": (
        {"KeyId": KEY},
        [_allow(["kms:Decrypt"], f"arn:aws:kms:eu-west-1:123456789012:key/{KEY}")],
    ),
    "KMSEncryptPolicy": (
        {"KeyId": KEY},
        [_allow(["kms:Encrypt"], f"arn:aws:kms:eu-west-1:123456789012:key/{KEY}")],
    ),
    "LambdaInvokePolicy": (
        {"FunctionName": "acme-ops-report"},
        [
            _allow(
                ["lambda:InvokeFunction"],
                "arn:aws:lambda:eu-west-1:123456789012:function:acme-ops-report*",
            )
        ],
    ),
    "S3CrudPolicy": (
        {"BucketName": "app-logs-backup"},
        [
            _allow(
                [
                    "s3:DeleteObject",
                    "s3:GetBucketLocation",
                    "s3:GetLifecycleConfiguration",
                    "s3:GetObject",
                    "s3:GetObjectVersion",
                    "s3:ListBucket",
                    "s3:PutLifecycleConfiguration",
                    "s3:PutObject",
                    "s3:PutObjectAcl",
                ],
                "arn:aws:s3:::app-logs-backup",
                "arn:aws:s3:::app-logs-backup/*",
            )
        ],
    ),
    "S3ReadPolicy": (
        {"BucketName": "app-logs"},
        [
            _allow(
                [
                    "s3:GetBucketLocation",
                    "s3:GetLifecycleConfiguration",
                    "s3:GetObject",
                    "s3:GetObjectVersion",
                    "s3:ListBucket",
                ],
                "arn:aws:s3:::app-logs",
                "arn:aws:s3:::app-logs/*",
            )
        ],
    ),
    "S3WritePolicy": (
        {"BucketName": "app-logs-backup"},
        [
            _allow(
                ["s3:PutLifecycleConfiguration", "s3:PutObject", "s3:PutObjectAcl"],
                "arn:aws:s3:::app-logs-backup",
                "arn:aws:s3:::app-logs-backup/*",
            )
        ],
    ),
    "SESCrudPolicy": (
        {"IdentityName": "example.com"},
        [
            _allow(
                [
                    "ses:GetIdentityVerificationAttributes",
                    "ses:SendEmail",
                    "ses:SendRawEmail",
                    "ses:VerifyEmailIdentity",
                ],
                "arn:aws:ses:eu-west-1:123456789012:identity/example.com",
            )
        ],
    ),
    "SNSPublishMessagePolicy": (
        {"TopicName": "ops-alerts"},
        [_allow(["sns:Publish"], "arn:aws:sns:eu-west-1:123456789012:ops-alerts")],
    ),
    "SQSPollerPolicy": (
        {"QueueName": "exports"},
        [
            _allow(
                [
                    "sqs:ChangeMessageVisibility",
                    "sqs:ChangeMessageVisibilityBatch",
                    "sqs:DeleteMessage",
                    "sqs:DeleteMessageBatch",
                    "sqs:GetQueueAttributes",
                    "sqs:ReceiveMessage",
                ],
                "arn:aws:sqs:eu-west-1:123456789012:exports",
            )
        ],
    ),
    "SQSSendMessagePolicy": (
        {"QueueName": "exports"},
        [_allow(["sqs:SendMessage*"], "arn:aws:sqs:eu-west-1:123456789012:exports")],
    ),
    "SSMParameterReadPolicy": (
        {"ParameterName": "app/db-url"},
        [
            SSM_DESCRIBE,
            _allow(SSM_GET, "arn:aws:ssm:eu-west-1:123456789012:parameter/app/db-url"),
        ],
    ),
    "SSMParameterWithSlashPrefixReadPolicy": (
        {"ParameterName": "/app/db-url"},
        [
            SSM_DESCRIBE,
            _allow(SSM_GET, "arn:aws:ssm:eu-west-1:123456789012:parameter/app/db-url"),
        ],
    ),
    "StepFunctionsExecutionPolicy": (
        {"StateMachineName": "nightly-etl"},
        [
            _allow(
                ["states:StartExecution"],
                "arn:aws:states:eu-west-1:123456789012:stateMachine:nightly-etl",
            )
        ],
    ),
}


def test_the_templates_are_these_and_each_has_an_expansion_test() -> None:
    assert sorted(TEMPLATES) == sorted(EXPANSIONS)


@pytest.mark.parametrize("name", sorted(EXPANSIONS))
def test_expansion(name: str) -> None:
    parameters, statements = EXPANSIONS[name]
    assert expand(name, parameters, **AWS) == statements


@pytest.mark.parametrize("name", sorted(EXPANSIONS))
def test_each_template_names_the_parameters_its_example_gives(name: str) -> None:
    parameters, _ = EXPANSIONS[name]
    template = TEMPLATES[name]
    assert template.name == name
    assert template.parameters == tuple(parameters)
    assert template.documentation == DOCS
    assert template.description


def test_a_template_as_sam_describes_it() -> None:
    assert TEMPLATES["S3ReadPolicy"] == Template(
        name="S3ReadPolicy",
        parameters=("BucketName",),
        description="Gives read permissions to objects in the S3 Bucket",
        documentation=DOCS,
    )


def test_partition_region_and_account_are_substituted() -> None:
    china = {"partition": "aws-cn", "region": "cn-north-1", "account": "999988887777"}
    assert expand("DynamoDBReadPolicy", {"TableName": "orders"}, **china)[0]["Resource"] == [
        "arn:aws-cn:dynamodb:cn-north-1:999988887777:table/orders",
        "arn:aws-cn:dynamodb:cn-north-1:999988887777:table/orders/index/*",
    ]
    assert expand("S3ReadPolicy", {"BucketName": "logs"}, **china)[0]["Resource"] == [
        "arn:aws-cn:s3:::logs",
        "arn:aws-cn:s3:::logs/*",
    ]


def test_a_value_is_inserted_as_it_is_never_substituted_again() -> None:
    statements = expand("SNSPublishMessagePolicy", {"TopicName": "t-${AWS::Region}"}, **AWS)
    assert statements[0]["Resource"] == ["arn:aws:sns:eu-west-1:123456789012:t-${AWS::Region}"]


def test_expansions_are_fresh_and_canonical_json() -> None:
    first = expand("SQSSendMessagePolicy", {"QueueName": "exports"}, **AWS)
    first[0]["Resource"] = []
    second = expand("SQSSendMessagePolicy", {"QueueName": "exports"}, **AWS)
    assert json.dumps(second, sort_keys=True) == (
        '[{"Action": ["sqs:SendMessage*"], "Effect": "Allow", '
        '"Resource": ["arn:aws:sqs:eu-west-1:123456789012:exports"]}]'
    )


def _error(name: str, parameters: dict[str, object]) -> tuple[str, str]:
    with pytest.raises(TemplateError) as raised:
        expand(name, parameters, **AWS)
    assert isinstance(raised.value, ValueError)
    return str(raised.value), raised.value.hint


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("S3ReedPolicy", ["S3ReadPolicy"]),
        ("s3readpolicy", ["S3ReadPolicy"]),
        ("S3Read", ["S3ReadPolicy"]),
        ("DynamoDBReedPolicy", ["DynamoDBReadPolicy", "DynamoDBCrudPolicy", "DynamoDBWritePolicy"]),
        ("KMSDecrypt", ["KMSDecryptPolicy", "KMSEncryptPolicy"]),
        ("SecretsManagerGetSecretValuePolicy", ["AWSSecretsManagerGetSecretValuePolicy"]),
        ("S3FullAccessPolicy", []),
        ("VPCAccessPolicy", []),
    ],
)
def test_closest_template_names_best_first(name: str, expected: list[str]) -> None:
    assert closest(name) == expected


def test_an_unknown_template_suggests_the_closest() -> None:
    assert _error("S3ReedPolicy", {"BucketName": "logs"}) == (
        'unknown policy template "S3ReedPolicy"',
        'did you mean "S3ReadPolicy"?',
    )
    assert _error("KMSDecrypt", {"KeyId": KEY}) == (
        'unknown policy template "KMSDecrypt"',
        'did you mean "KMSDecryptPolicy" or "KMSEncryptPolicy"?',
    )


def test_an_unknown_template_with_nothing_close_lists_the_known_ones() -> None:
    assert _error("VPCAccessPolicy", {}) == (
        'unknown policy template "VPCAccessPolicy"',
        "sched expands these SAM policy templates: AWSSecretsManagerGetSecretValuePolicy, "
        "CloudWatchPutMetricPolicy, DynamoDBCrudPolicy, DynamoDBReadPolicy, DynamoDBWritePolicy, "
        "EventBridgePutEventsPolicy, KMSDecryptPolicy, KMSEncryptPolicy, LambdaInvokePolicy, "
        "S3CrudPolicy, S3ReadPolicy, S3WritePolicy, SESCrudPolicy, SNSPublishMessagePolicy, "
        "SQSPollerPolicy, SQSSendMessagePolicy, SSMParameterReadPolicy, "
        "SSMParameterWithSlashPrefixReadPolicy, StepFunctionsExecutionPolicy "
        f"({DOCS}); grant anything else as an IAM statement or a managed policy ARN",
    )


def test_a_missing_parameter_is_named_with_the_ones_the_template_takes() -> None:
    assert _error("S3ReadPolicy", {}) == (
        'policy template "S3ReadPolicy" is missing parameter "BucketName"',
        "S3ReadPolicy takes BucketName: write `S3ReadPolicy: {BucketName: ...}`",
    )


def test_an_unknown_parameter_suggests_the_closest_one() -> None:
    assert _error("S3ReadPolicy", {"Bucket": "logs"}) == (
        'policy template "S3ReadPolicy" has no parameter "Bucket"',
        'did you mean "BucketName"? S3ReadPolicy takes BucketName: '
        "write `S3ReadPolicy: {BucketName: ...}`",
    )
    assert _error("DynamoDBReadPolicy", {"tablename": "orders"}) == (
        'policy template "DynamoDBReadPolicy" has no parameter "tablename"',
        'did you mean "TableName"? DynamoDBReadPolicy takes TableName: '
        "write `DynamoDBReadPolicy: {TableName: ...}`",
    )


def test_unknown_parameters_are_all_named() -> None:
    assert _error("S3ReadPolicy", {"BucketName": "logs", "Region": "x", "Prefix": "a/"}) == (
        'policy template "S3ReadPolicy" has no parameters "Prefix" and "Region"',
        "S3ReadPolicy takes BucketName: write `S3ReadPolicy: {BucketName: ...}`",
    )


def test_a_template_without_parameters_takes_none() -> None:
    assert _error("CloudWatchPutMetricPolicy", {"Namespace": "acme"}) == (
        'policy template "CloudWatchPutMetricPolicy" has no parameter "Namespace"',
        "CloudWatchPutMetricPolicy takes no parameters: write `CloudWatchPutMetricPolicy: {}`",
    )


REF_HINT = (
    "write the BucketName itself, as a string: sched does not evaluate CloudFormation functions "
    "such as Ref"
)


@pytest.mark.parametrize(
    ("value", "shown", "hint"),
    [
        ("", "an empty string", "give BucketName a value"),
        (None, "null", "give BucketName a value"),
        (2024, "2024 (a number)", 'put it in quotes: BucketName: "2024"'),
        (1.5, "1.5 (a number)", 'put it in quotes: BucketName: "1.5"'),
        (True, "true (a boolean)", 'put it in quotes: BucketName: "true"'),
        ({"Ref": "LogsBucket"}, "a mapping", REF_HINT),
        (["logs", "more-logs"], "a list", REF_HINT),
        ({"logs"}, "a set", REF_HINT),
    ],
)
def test_a_parameter_must_be_a_non_empty_string(value: object, shown: str, hint: str) -> None:
    assert _error("S3ReadPolicy", {"BucketName": value}) == (
        f'parameter "BucketName" of policy template "S3ReadPolicy" must be a non-empty string, '
        f"not {shown}",
        hint,
    )


def test_a_misspelt_ending_still_finds_the_template() -> None:
    assert closest("S3ReadPolicys")[0] == "S3ReadPolicy"
    assert closest("DynamoDBCrudPolicies")[0] == "DynamoDBCrudPolicy"
