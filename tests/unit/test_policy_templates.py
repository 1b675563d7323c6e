"""SAM policy templates expand into exactly the statements SAM's definitions give.

Every expected statement below was written from aws/serverless-application-model,
samtranslator/policy_templates_data/policy_templates.json, with Action sorted.
"""

from __future__ import annotations

import json

import pytest

from scheduler.policy_templates import TEMPLATES, Template, expand

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
