"""AWS SAM policy templates (`S3ReadPolicy: {BucketName: ...}`) expanded into IAM statements.

The table is SAM's own definitions (aws/serverless-application-model,
samtranslator/policy_templates_data/policy_templates.json) written as Python data; `expand` fills
in the partition, region, account and the template's parameters. Pure and stdlib-only.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
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


class TemplateError(ValueError):
    """A policy template that cannot be expanded: the message says what, `hint` what to do."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


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


def _close(name: str, candidates: list[str], key: Callable[[str], str], cutoff: float) -> list[str]:
    """The candidates nearest `name` by `key`, best first, at most three."""
    keyed = {key(c): c for c in candidates}
    return [keyed[m] for m in difflib.get_close_matches(key(name), keyed, n=3, cutoff=cutoff)]


def _stem(name: str) -> str:
    # Every name ends in "Policy": left in, it makes any two names look alike (and a misspelt
    # ending, "Policys", would then hide the name it ends).
    return re.sub(r"polic(y|ys|ies)?$", "", name.casefold())


def closest(name: str) -> list[str]:
    """The template names nearest `name`, best first, ignoring case (at most three; none if none
    is near)."""
    return _close(name, list(TEMPLATES), _stem, 0.7)


def _quoted(names: list[str], last: str = "and") -> str:
    """`"A"`, `"A" and "B"`, `"A", "B" and "C"` (or `or`)."""
    quoted = [f'"{n}"' for n in names]
    return quoted[0] if len(quoted) == 1 else f"{', '.join(quoted[:-1])} {last} {quoted[-1]}"


_NOT_A_FUNCTION = (
    "write the {} itself, as a string: sched does not evaluate CloudFormation functions such as Ref"
)


def _wrong_value(name: str, value: object) -> tuple[str, str]:
    """What a parameter's value is, as the catalogue's YAML showed it, and what to write."""
    match value:
        case str() | None:
            return ("an empty string" if value == "" else "null"), f"give {name} a value"
        case bool() | int() | float():
            shown = str(value).lower() if isinstance(value, bool) else str(value)
            kind = "a boolean" if isinstance(value, bool) else "a number"
            return f"{shown} ({kind})", f'put it in quotes: {name}: "{shown}"'
        case Mapping():
            return "a mapping", _NOT_A_FUNCTION.format(name)
        case list() | tuple():
            return "a list", _NOT_A_FUNCTION.format(name)
        case _:
            return f"a {type(value).__name__}", _NOT_A_FUNCTION.format(name)


def _takes(template: Template) -> str:
    if not template.parameters:
        return f"{template.name} takes no parameters: write `{template.name}: {{}}`"
    example = ", ".join(f"{p}: ..." for p in template.parameters)
    return (
        f"{template.name} takes {', '.join(template.parameters)}: "
        f"write `{template.name}: {{{example}}}`"
    )


def _values(template: Template, parameters: Mapping[str, object]) -> dict[str, str]:
    """The parameters as strings, or TemplateError: unknown names first (a misspelt name is also
    a missing one, and the misspelling is what to report), then missing ones, then values."""
    unknown = sorted(str(p) for p in parameters if p not in template.parameters)
    if unknown:
        plural = "s" * (len(unknown) > 1)
        close = (
            _close(unknown[0], list(template.parameters), str.casefold, 0.6)
            if len(unknown) == 1
            else []
        )
        suggestion = f'did you mean "{close[0]}"? ' if close else ""
        raise TemplateError(
            f'policy template "{template.name}" has no parameter{plural} {_quoted(unknown)}',
            suggestion + _takes(template),
        )
    missing = [p for p in template.parameters if p not in parameters]
    if missing:
        plural = "s" * (len(missing) > 1)
        raise TemplateError(
            f'policy template "{template.name}" is missing parameter{plural} {_quoted(missing)}',
            _takes(template),
        )
    values: dict[str, str] = {}
    for name in template.parameters:
        value = parameters[name]
        if not isinstance(value, str) or not value:
            shown, hint = _wrong_value(name, value)
            raise TemplateError(
                f'parameter "{name}" of policy template "{template.name}" must be a non-empty '
                f"string, not {shown}",
                hint,
            )
        values[name] = value
    return values


def expand(
    name: str, parameters: Mapping[str, object], *, partition: str, region: str, account: str
) -> list[dict[str, object]]:
    """IAM statements ({"Effect", "Action", "Resource"}) with ${AWS::Partition}, ${AWS::Region},
    ${AWS::AccountId} and each parameter substituted. Action is a sorted list, Resource a list in
    SAM's order, so equal inputs give equal (and canonically serialised) statements.

    Raises TemplateError: unknown template (hint: the closest names), unknown parameter, missing
    parameter (which, and the ones the template takes), a parameter that is not a non-empty string.
    """
    template = TEMPLATES.get(name)
    if template is None:
        close = closest(name)
        raise TemplateError(
            f'unknown policy template "{name}"',
            f"did you mean {_quoted(close, 'or')}?"
            if close
            else f"sched expands these SAM policy templates: {', '.join(TEMPLATES)} "
            f"({DOCUMENTATION}); grant anything else as an IAM statement or a managed policy ARN",
        )
    values = {
        **_values(template, parameters),
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
