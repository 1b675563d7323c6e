"""From an AWS call that was refused to the `permissions:` entry that would allow it.

An SDK call names a service and an operation (`s3`, `CopyObject`); IAM names actions
(`s3:PutObject`), and the two differ in places. `iam_actions` maps one to the other,
`suggested_entry` writes the entry a user would add, as a SAM policy template naming the
bucket, table, queue or topic the call was about when sched knows one, else as a statement;
`denial_hint` says it for a refusal an AWS error message reports (history, status).
Pure; standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# SDK operations whose IAM action has another name:
# https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
_RENAMED = {
    ("s3", "ListObjectsV2"): ("s3:ListBucket",),
    ("s3", "ListObjects"): ("s3:ListBucket",),
    ("s3", "ListObjectVersions"): ("s3:ListBucketVersions",),
    ("s3", "HeadObject"): ("s3:GetObject",),
    ("s3", "HeadBucket"): ("s3:ListBucket",),
    ("s3", "CopyObject"): ("s3:GetObject", "s3:PutObject"),
    ("s3", "DeleteObjects"): ("s3:DeleteObject",),
    ("s3", "UploadPart"): ("s3:PutObject",),
    ("s3", "CreateMultipartUpload"): ("s3:PutObject",),
    ("s3", "CompleteMultipartUpload"): ("s3:PutObject",),
}
_READS = ("Get", "List", "Head", "Describe", "Query", "Scan", "BatchGet")
# service → (template for reads, template for writes, its parameter, the call's parameter)
_TEMPLATES = {
    "s3": ("S3ReadPolicy", "S3CrudPolicy", "BucketName", "Bucket"),
    "dynamodb": ("DynamoDBReadPolicy", "DynamoDBCrudPolicy", "TableName", "TableName"),
    "sqs": ("SQSPollerPolicy", "SQSSendMessagePolicy", "QueueName", "QueueUrl"),
    "sns": (None, "SNSPublishMessagePolicy", "TopicName", "TopicArn"),
    "ssm": ("SSMParameterReadPolicy", None, "ParameterName", "Name"),
    "secretsmanager": ("AWSSecretsManagerGetSecretValuePolicy", None, "SecretArn", "SecretId"),
}
_WRITE_ONLY = {("s3", "PutObject"): "S3WritePolicy", ("s3", "CopyObject"): "S3WritePolicy"}


@dataclass(frozen=True)
class Refusal:
    """An SDK call AWS refused for want of permission: `service` is the client's name (`s3`),
    `operation` the API's (`PutObject`), `params` what the call was given."""

    service: str
    operation: str
    params: Mapping[str, object]
    # False when AWS named only the operation: any of its actions may be the one refused.
    named: bool = True

    @property
    def actions(self) -> tuple[str, ...]:
        return iam_actions(self.service, self.operation)


def iam_actions(service: str, operation: str) -> tuple[str, ...]:
    """The IAM actions an SDK operation needs (`s3`, `ListObjectsV2` → `s3:ListBucket`)."""
    return _RENAMED.get((service, operation), (f"{service}:{operation}",))


# S3 actions on a bucket rather than on its objects.
_S3_BUCKET_ACTIONS = frozenset({"s3:ListBucket", "s3:ListBucketVersions"})


def not_allowed(refusal: Refusal, statements: Sequence[Mapping[str, Any]]) -> tuple[str, ...]:
    """The refusal's actions that `statements` (the role's policy) do not clearly allow on what
    the call was about: a copy's s3:GetObject of its source may be allowed when only its
    s3:PutObject is not. An action is dropped only when an unconditional Allow names it and the
    resource and no Deny could apply; when that is unsure, or the call's resource is not known,
    every action stays (the hint never names fewer than were refused)."""
    actions = refusal.actions
    kept = tuple(a for a in actions if not _clearly_allowed(a, _resource(refusal, a), statements))
    return kept or actions


def _resource(refusal: Refusal, action: str) -> str | None:
    """The ARN the call needs `action` on, for S3 (the only service whose local and IAM checks
    name both bucket and key); None when the call does not say."""
    if refusal.service != "s3":
        return None
    params = refusal.params
    bucket, key = params.get("Bucket"), params.get("Key")
    if refusal.operation == "CopyObject" and action == "s3:GetObject":
        bucket, key = _copy_source(params.get("CopySource"))
    if not isinstance(bucket, str) or not bucket:
        return None
    if action in _S3_BUCKET_ACTIONS:
        return f"arn:aws:s3:::{bucket}"
    return f"arn:aws:s3:::{bucket}/{key}" if isinstance(key, str) and key else None


def _copy_source(source: object) -> tuple[object, object]:
    # boto3 takes "bucket/key" (optionally "?versionId=") or {"Bucket": ..., "Key": ...}.
    if isinstance(source, Mapping):
        return source.get("Bucket"), source.get("Key")
    if isinstance(source, str):
        bucket, _, key = source.removeprefix("/").partition("?")[0].partition("/")
        return bucket, key
    return None, None


def _clearly_allowed(
    action: str, resource: str | None, statements: Sequence[Mapping[str, Any]]
) -> bool:
    if resource is None:
        return False
    allowed = False
    for statement in statements:
        if any(k in statement for k in ("NotAction", "NotResource", "NotPrincipal")):
            return False  # not worth judging here: keep the action in the hint
        matches = _matches(statement.get("Action"), action, fold=True) and _matches(
            statement.get("Resource"), resource, fold=False
        )
        if statement.get("Effect") == "Deny" and matches:
            return False
        if statement.get("Effect") == "Allow" and matches and "Condition" not in statement:
            allowed = True
    return allowed


def _matches(patterns: object, value: str, *, fold: bool) -> bool:
    """IAM's wildcards (* and ?) over one pattern or a list; actions match case-insensitively."""
    listed = [patterns] if isinstance(patterns, str) else patterns
    if not isinstance(listed, list):
        return False
    for pattern in listed:
        if not isinstance(pattern, str):
            continue
        regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
        if re.fullmatch(regex, value, re.IGNORECASE if fold else 0):
            return True
    return False


def _resource_name(service: str, value: object) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    if service == "sqs":  # a queue URL ends with the queue's name
        return value.rstrip("/").rsplit("/", 1)[-1]
    if service == "sns":  # a topic ARN ends with the topic's name
        return value.rsplit(":", 1)[-1]
    return value.removeprefix("/") if service == "ssm" else value


def suggested_entry(refusal: Refusal) -> str:
    """The `permissions:` entry, as YAML on one line, that allows what was refused."""
    service, operation = refusal.service, refusal.operation
    known = _TEMPLATES.get(service)
    if known is not None:
        read_template, write_template, parameter, call_parameter = known
        reads = operation.startswith(_READS)
        template = _WRITE_ONLY.get((service, operation)) or (
            read_template if reads else write_template
        )
        name = _resource_name(service, refusal.params.get(call_parameter))
        if template is not None and name is not None:
            return f"- {template}: {{{parameter}: {name}}}"
    actions = refusal.actions
    shown = actions[0] if len(actions) == 1 else f"[{', '.join(actions)}]"
    return f'- {{Effect: Allow, Action: {shown}, Resource: "<the ARN it needs>"}}'


# How AWS words a refusal in an error message (most services; S3 often says only "Access
# Denied"): "... is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::b/k" ..."
_DENIAL = re.compile(
    r"not authorized to perform: (?P<action>[\w-]+:[\w*]+)"
    r"(?: on resource: \"?(?P<resource>arn:[^\"\s]+?)\"?(?=[\s,.;]|$))?"
)
# S3 names neither action nor resource ("Access Denied"), but botocore's message names the
# operation: "An error occurred (AccessDenied) when calling the CopyObject operation: ...".
_S3_DENIAL = re.compile(
    r"\(AccessDenied\) when calling the (?P<operation>\w+) operation: Access Denied"
)
_CALL_PARAMETER_OF_ARN: dict[str, tuple[str, Callable[[str], str]]] = {
    # service → (the call's parameter, how to read it from the resource's ARN)
    "s3": ("Bucket", lambda arn: arn.split(":::", 1)[-1].split("/", 1)[0]),
    "dynamodb": ("TableName", lambda arn: arn.split(":table/", 1)[-1].split("/", 1)[0]),
    "sqs": ("QueueUrl", lambda arn: arn.rsplit(":", 1)[-1]),
    "sns": ("TopicArn", lambda arn: arn),
    "ssm": ("Name", lambda arn: "/" + arn.split(":parameter/", 1)[-1]),
    "secretsmanager": ("SecretId", lambda arn: arn),
}


def refusal_in(message: str | None) -> Refusal | None:
    """The refusal an AWS error message reports, when it names the action (or, for S3's bare
    "Access Denied", the operation: its parameters are then unknown)."""
    found = _DENIAL.search(message or "")
    if found is None:
        bare = _S3_DENIAL.search(message or "")
        return None if bare is None else Refusal("s3", bare["operation"], {}, named=False)
    service, _, operation = found["action"].partition(":")
    params: dict[str, object] = {}
    resource = found["resource"]
    if resource and service in _CALL_PARAMETER_OF_ARN:
        parameter, read = _CALL_PARAMETER_OF_ARN[service]
        params[parameter] = read(resource)
    return Refusal(service, operation, params)


def whose_role(role_mates: Sequence[str]) -> tuple[str, str]:
    """How a denial hint names the job's role, and what it adds after the entry: with a
    shared role, the jobs using it, and that the entry gives this job a role of its own."""
    if not role_mates:
        return "its role", ""
    noun = "job" if len(role_mates) == 1 else "jobs"
    return (
        f"its role, shared with {noun} {', '.join(role_mates)},",
        " (it then gets a role of its own; theirs is unchanged)",
    )


def denial_hint(message: str | None, role_mates: Sequence[str] = ()) -> str | None:
    """What to add to `permissions:` for the refusal an error message reports, or None.
    `role_mates`: the other jobs whose shared role (defaults: {roles: shared}) the job runs
    under; the entry then gives the job a role of its own, and theirs stays as it is."""
    refusal = refusal_in(message)
    if refusal is None:
        return None
    role, after = whose_role(role_mates)
    actions = " and ".join(refusal.actions)
    refused = (
        f"does not allow {actions}"
        if refusal.named
        else f"was refused {refusal.service} {refusal.operation}, which needs {actions}"
    )
    return f"{role} {refused}; add to its permissions: {suggested_entry(refusal)}{after}"
