"""AWS SAM policy templates (`S3ReadPolicy: {BucketName: ...}`) expanded into IAM statements.

The table is SAM's own definitions (aws/serverless-application-model,
samtranslator/policy_templates_data/policy_templates.json) written as Python data; `expand` fills
in the partition, region, account and the template's parameters. Pure and stdlib-only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

DOCUMENTATION = (
    "https://docs.aws.amazon.com/serverless-application-model/latest/developerguide/"
    "serverless-policy-template-list.html"
)


@dataclass(frozen=True)
class Template:
    name: str
    parameters: tuple[str, ...]
    description: str
    documentation: str


@dataclass(frozen=True)
class _Statement:
    """One Allow statement. Each resource is the string SAM passes to `Fn::Sub`, with SAM's
    variable map folded in: SAM writes `${bucketName}` and maps bucketName to `Ref: BucketName`;
    here that is `${BucketName}`."""

    actions: tuple[str, ...]
    resources: tuple[str, ...]


def _allow(actions: tuple[str, ...], *resources: str) -> _Statement:
    return _Statement(actions, resources)


def _template(
    name: str, parameters: tuple[str, ...], description: str, *statements: _Statement
) -> tuple[Template, tuple[_Statement, ...]]:
    return Template(name, parameters, description, DOCUMENTATION), statements


_BUCKET = ("arn:${AWS::Partition}:s3:::${BucketName}", "arn:${AWS::Partition}:s3:::${BucketName}/*")
_TABLE_ARN = "arn:${AWS::Partition}:dynamodb:${AWS::Region}:${AWS::AccountId}:table/${TableName}"
_TABLE = (_TABLE_ARN, f"{_TABLE_ARN}/index/*")
_QUEUE = "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:${QueueName}"
_KEY = "arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/${KeyId}"
_PARAMETER = "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter"


def _ssm_read(name: str, parameter_arn: str) -> tuple[Template, tuple[_Statement, ...]]:
    """SAM's two SSM read templates, which differ only in the parameter's ARN."""
    return _template(
        name,
        ("ParameterName",),
        "Gives access to a parameter to load secrets in this account. If not using default key, "
        "KMSDecryptPolicy will also be needed.",
        # DescribeParameters cannot be scoped to a parameter: SAM grants it on "*".
        _allow(("ssm:DescribeParameters",), "*"),
        _allow(("ssm:GetParameters", "ssm:GetParameter", "ssm:GetParametersByPath"), parameter_arn),
    )


# Actions in SAM's order (expand sorts them); descriptions are SAM's.
_DEFINITIONS = (
    _template(
        "AWSSecretsManagerGetSecretValuePolicy",
        ("SecretArn",),
        "Grants permissions to GetSecretValue for the specified AWS Secrets Manager secret",
        _allow(("secretsmanager:GetSecretValue",), "${SecretArn}"),
    ),
    _template(
        "CloudWatchPutMetricPolicy",
        (),
        "Gives permissions to put metrics to CloudWatch",
        _allow(("cloudwatch:PutMetricData",), "*"),
    ),
    _template(
        "DynamoDBCrudPolicy",
        ("TableName",),
        "Gives CRUD access to a DynamoDB Table",
        _allow(
            (
                "dynamodb:GetItem",
                "dynamodb:DeleteItem",
                "dynamodb:PutItem",
                "dynamodb:Scan",
                "dynamodb:Query",
                "dynamodb:UpdateItem",
                "dynamodb:BatchWriteItem",
                "dynamodb:BatchGetItem",
                "dynamodb:DescribeTable",
                "dynamodb:ConditionCheckItem",
            ),
            *_TABLE,
        ),
    ),
    _template(
        "DynamoDBReadPolicy",
        ("TableName",),
        "Gives read only access to a DynamoDB Table",
        _allow(
            (
                "dynamodb:GetItem",
                "dynamodb:Scan",
                "dynamodb:Query",
                "dynamodb:BatchGetItem",
                "dynamodb:DescribeTable",
            ),
            *_TABLE,
        ),
    ),
    _template(
        "DynamoDBWritePolicy",
        ("TableName",),
        "Gives write only access to a DynamoDB Table",
        _allow(("dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem"), *_TABLE),
    ),
    _template(
        "EventBridgePutEventsPolicy",
        ("EventBusName",),
        "Gives permissions to send events to EventBridge",
        _allow(
            ("events:PutEvents",),
            "arn:${AWS::Partition}:events:${AWS::Region}:${AWS::AccountId}:event-bus/${EventBusName}",
        ),
    ),
    _template(
        "KMSDecryptPolicy",
        ("KeyId",),
        "Gives permission to decrypt with KMS Key",
        _allow(("kms:Decrypt",), _KEY),
    ),
    _template(
        "KMSEncryptPolicy",
        ("KeyId",),
        "Gives permission to encrypt with KMS Key",
        _allow(("kms:Encrypt",), _KEY),
    ),
    _template(
        "LambdaInvokePolicy",
        ("FunctionName",),
        "Gives permission to invoke a Lambda Function, Alias or Version",
        # The trailing `*` is SAM's: it also covers the function's versions and aliases.
        _allow(
            ("lambda:InvokeFunction",),
            "arn:${AWS::Partition}:lambda:${AWS::Region}:${AWS::AccountId}:function:${FunctionName}*",
        ),
    ),
    _template(
        "S3CrudPolicy",
        ("BucketName",),
        "Gives CRUD permissions to objects in the S3 Bucket",
        _allow(
            (
                "s3:GetObject",
                "s3:ListBucket",
                "s3:GetBucketLocation",
                "s3:GetObjectVersion",
                "s3:PutObject",
                "s3:PutObjectAcl",
                "s3:GetLifecycleConfiguration",
                "s3:PutLifecycleConfiguration",
                "s3:DeleteObject",
            ),
            *_BUCKET,
        ),
    ),
    _template(
        "S3ReadPolicy",
        ("BucketName",),
        "Gives read permissions to objects in the S3 Bucket",
        _allow(
            (
                "s3:GetObject",
                "s3:ListBucket",
                "s3:GetBucketLocation",
                "s3:GetObjectVersion",
                "s3:GetLifecycleConfiguration",
            ),
            *_BUCKET,
        ),
    ),
    _template(
        "S3WritePolicy",
        ("BucketName",),
        "Gives write permissions to objects in the S3 Bucket",
        _allow(("s3:PutObject", "s3:PutObjectAcl", "s3:PutLifecycleConfiguration"), *_BUCKET),
    ),
    _template(
        "SESCrudPolicy",
        ("IdentityName",),
        "Gives permission to send email and verify identity",
        _allow(
            (
                "ses:GetIdentityVerificationAttributes",
                "ses:SendEmail",
                "ses:SendRawEmail",
                "ses:VerifyEmailIdentity",
            ),
            "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:identity/${IdentityName}",
        ),
    ),
    _template(
        "SNSPublishMessagePolicy",
        ("TopicName",),
        "Gives permission to publish message to SNS Topic",
        _allow(
            ("sns:Publish",),
            "arn:${AWS::Partition}:sns:${AWS::Region}:${AWS::AccountId}:${TopicName}",
        ),
    ),
    _template(
        "SQSPollerPolicy",
        ("QueueName",),
        "Gives permissions to poll an SQS Queue",
        _allow(
            (
                "sqs:ChangeMessageVisibility",
                "sqs:ChangeMessageVisibilityBatch",
                "sqs:DeleteMessage",
                "sqs:DeleteMessageBatch",
                "sqs:GetQueueAttributes",
                "sqs:ReceiveMessage",
            ),
            _QUEUE,
        ),
    ),
    _template(
        "SQSSendMessagePolicy",
        ("QueueName",),
        "Gives permission to send message to SQS Queue",
        # SAM's wildcard: SendMessage and SendMessageBatch.
        _allow(("sqs:SendMessage*",), _QUEUE),
    ),
    # The name goes after "parameter/", so it must not start with a slash.
    _ssm_read("SSMParameterReadPolicy", f"{_PARAMETER}/${{ParameterName}}"),
    # The name (`/app/db-url`) brings its own leading slash.
    _ssm_read("SSMParameterWithSlashPrefixReadPolicy", f"{_PARAMETER}${{ParameterName}}"),
    _template(
        "StepFunctionsExecutionPolicy",
        ("StateMachineName",),
        "Gives permission to start a Step Functions state machine execution",
        _allow(
            ("states:StartExecution",),
            "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:"
            "stateMachine:${StateMachineName}",
        ),
    ),
)

TEMPLATES: Mapping[str, Template] = MappingProxyType({t.name: t for t, _ in _DEFINITIONS})
_STATEMENTS: Mapping[str, tuple[_Statement, ...]] = {t.name: s for t, s in _DEFINITIONS}

# `${Name}` as Fn::Sub writes it; one pass, so a value holding `${...}` is inserted as it is.
_VARIABLE = re.compile(r"\$\{([^}]+)\}")


def expand(
    name: str, parameters: Mapping[str, object], *, partition: str, region: str, account: str
) -> list[dict[str, object]]:
    """IAM statements ({"Effect", "Action", "Resource"}) with ${AWS::Partition}, ${AWS::Region},
    ${AWS::AccountId} and each parameter substituted. Action is a sorted list, Resource a list in
    SAM's order, so equal inputs give equal (and canonically serialised) statements.
    """
    template = TEMPLATES[name]
    values = {
        **{p: str(parameters[p]) for p in template.parameters},
        "AWS::Partition": partition,
        "AWS::Region": region,
        "AWS::AccountId": account,
    }

    def sub(text: str) -> str:
        return _VARIABLE.sub(lambda m: values[m.group(1)], text)

    return [
        {
            "Effect": "Allow",
            "Action": sorted(s.actions),
            "Resource": [sub(r) for r in s.resources],
        }
        for s in _STATEMENTS[template.name]
    ]
