"""Rules about what a job's own role may do: each `permissions:` entry must mean something in IAM
(a known SAM policy template with its parameters, a well-formed statement, a managed policy ARN),
and what it grants is worth a second look when it is broad (`Resource: "*"` writes,
`*FullAccess` policies) or too big for IAM's quotas on one role.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import partial

from scheduler import limits, naming
from scheduler.access import Refusal, iam_actions, suggested_entry
from scheduler.canonical import canonical_json, canonical_value
from scheduler.catalogue.model import Compute, Grant, Job
from scheduler.diagnostics import Diagnostic, Severity, Span
from scheduler.handler_calls import ModuleCalls, action_allowed, unique_calls
from scheduler.permissions import (
    GrantProblem,
    ManagedPolicy,
    Meaning,
    Problem,
    RawStatement,
    RolePolicy,
    Statement,
    arn_partition,
    entry_statements,
    interpret,
    is_write,
    job_policy,
    log_statements,
    network_statements,
)
from scheduler.rules.base import Context, Rule, RuleDoc
from scheduler.rules.target_rules import read_handler_module

PARTITIONS = ("aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f")
# Placeholders for validating offline: the account and region only change ARN text lengths.
_ACCOUNT, _REGION = "123456789012", "us-east-1"


def _own_role_jobs(context: Context) -> list[Job]:
    """Lambda jobs that get a role of their own: their code is sched's, and `role:` is unset."""
    return context.memo("own role jobs", partial(_own_role_list, context))


def _own_role_list(context: Context) -> list[Job]:
    return list(_with_own_role(context))


def _with_own_role(context: Context) -> Iterator[Job]:
    for job in context.catalogue.jobs:
        if job.compute is Compute.LAMBDA and job.handler is not None and job.role is None:
            yield job


def _grants(context: Context) -> list[tuple[Grant, Meaning | GrantProblem]]:
    """Every entry once, with its meaning: defaults' entries are shared by many jobs."""
    return context.memo("grants", partial(_every_grant, context))


def _every_grant(context: Context) -> list[tuple[Grant, Meaning | GrantProblem]]:
    found: dict[tuple[str | int, ...], tuple[Grant, Meaning | GrantProblem]] = {}
    for job in context.catalogue.jobs:
        for grant in job.permissions:
            if grant.origin not in found:
                found[grant.origin] = (grant, _meaning(context, grant))
    return list(found.values())


def _meaning(context: Context, grant: Grant) -> Meaning | GrantProblem:
    """What the entry means, read once per validation: an entry means the same in every job."""
    return context.memo(("meaning", grant.origin), partial(_interpret, grant.entry))


def _interpret(entry: object) -> Meaning | GrantProblem:
    try:
        return interpret(entry)
    except GrantProblem as problem:
        return problem


def _entries_valid(context: Context, job: Job) -> bool:
    """Whether each of the job's entries means something (SCH401-SCH403 report the others)."""
    return not any(isinstance(_meaning(context, g), GrantProblem) for g in job.permissions)


def _checkable_policy(context: Context, job: Job) -> RolePolicy | None:
    """The job's role policy with placeholder account and region, or None while an entry or a
    secret reference is wrong (SCH401-SCH403 and SCH410 say what first). Computed once per job
    for every rule that asks."""
    return context.memo(("policy", job.name), partial(_policy, context, job))


def _policy(context: Context, job: Job) -> RolePolicy | None:
    if not _entries_valid(context, job):
        return None
    try:
        return job_policy(job, catalogue=context.catalogue.prefix, region=_REGION, account=_ACCOUNT)
    except ValueError:
        return None


def _span(context: Context, grant: Grant, *below: str | int) -> Span:
    """The entry, or the key below it that is wrong (`span` falls back to the nearest parent)."""
    return context.source_map.span((*grant.origin, *below))


class _ProblemRule(Rule):
    kind: Problem

    def check(self, context: Context) -> Iterator[Diagnostic]:
        for grant, meaning in _grants(context):
            if isinstance(meaning, GrantProblem) and meaning.kind is self.kind:
                yield self.report(
                    self.where(context, grant, meaning), meaning.message, meaning.hint
                )

    def where(self, context: Context, grant: Grant, problem: GrantProblem) -> Span:
        return _span(context, grant, *problem.at)


class UnknownTemplate(_ProblemRule):
    kind = Problem.TEMPLATE

    def where(self, context: Context, grant: Grant, problem: GrantProblem) -> Span:
        return context.source_map.key_span((*grant.origin, *problem.at))  # the name

    doc = RuleDoc(
        "SCH401",
        Severity.ERROR,
        "unknown policy template",
        "A `permissions:` entry names an AWS SAM policy template sched does not know. Templates "
        "are written as SAM users write them, with their parameters: S3ReadPolicy, "
        "S3WritePolicy, S3CrudPolicy, DynamoDBReadPolicy, DynamoDBCrudPolicy, "
        "SQSSendMessagePolicy, SNSPublishMessagePolicy, SSMParameterReadPolicy, "
        "AWSSecretsManagerGetSecretValuePolicy, KMSDecryptPolicy, LambdaInvokePolicy, "
        "StepFunctionsExecutionPolicy, CloudWatchPutMetricPolicy, SESCrudPolicy and more.",
        "permissions:\n  - S3ReadPolicys: {BucketName: acme-app-logs}",
        "permissions:\n  - S3ReadPolicy: {BucketName: acme-app-logs}",
    )


class TemplateParameters(_ProblemRule):
    kind = Problem.PARAMETERS
    doc = RuleDoc(
        "SCH402",
        Severity.ERROR,
        "policy template parameter missing, unknown or not text",
        "Each policy template takes exactly its own parameters (S3ReadPolicy takes BucketName), "
        "each a non-empty text: the name of the bucket, table, queue or key it grants access to.",
        "permissions:\n  - S3ReadPolicy: {Bucket: acme-app-logs}",
        "permissions:\n  - S3ReadPolicy: {BucketName: acme-app-logs}",
    )


class MalformedStatement(_ProblemRule):
    kind = Problem.STATEMENT
    doc = RuleDoc(
        "SCH403",
        Severity.ERROR,
        "permissions entry that is no statement, template or ARN",
        "An entry is a policy template, a managed policy ARN, or an IAM statement with Effect "
        "(Allow or Deny), Action (service:Action, or a list of them), Resource and, optionally, "
        "Condition and Sid.",
        "permissions:\n  - Action: s3:GetObject\n    Resource: arn:aws:s3:::acme-app-logs/*",
        "permissions:\n  - Effect: Allow\n    Action: s3:GetObject\n"
        "    Resource: arn:aws:s3:::acme-app-logs/*",
    )


class InvalidArn(Rule):
    doc = RuleDoc(
        "SCH404",
        Severity.ERROR,
        "invalid ARN in permissions",
        "A managed policy is named by its ARN (arn:aws:iam::aws:policy/NAME for AWS's own, "
        "arn:aws:iam::ACCOUNT:policy/NAME for yours), and a statement's resources are ARNs of "
        "one known partition (aws, aws-cn, aws-us-gov, ...), the same for the whole catalogue: "
        "one catalogue deploys to one partition.",
        "permissions:\n  - arn:aws:iam:policy/ReadOnlyAccess",
        "permissions:\n  - arn:aws:iam::aws:policy/ReadOnlyAccess",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        first: tuple[str, Grant] | None = None
        for grant, meaning in _grants(context):
            if isinstance(meaning, GrantProblem):
                if meaning.kind is Problem.ARN:
                    yield self.report(_span(context, grant), meaning.message, meaning.hint)
                continue
            for key, arn in _arns(meaning):
                partition = arn_partition(arn)
                if arn.startswith("arn:") and partition is None:
                    yield self.report(
                        _span(context, grant, key),
                        f"{arn!r} is not an ARN",
                        "an ARN is arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE (region and "
                        "account may be empty, as in arn:aws:s3:::bucket)",
                    )
                elif partition is not None and partition not in PARTITIONS:
                    yield self.report(
                        _span(context, grant, key),
                        f"{arn!r} names the partition {partition!r}, which does not exist",
                        f"use one of {', '.join(PARTITIONS)}",
                    )
                elif partition is not None and first is None:
                    first = (partition, grant)
                elif partition is not None and first is not None and partition != first[0]:
                    yield self.report(
                        _span(context, grant, key),
                        f"{arn!r} is in partition {partition}; the catalogue's other ARNs are in"
                        f" {first[0]}",
                        "one catalogue deploys to one partition: fix the ARN's partition",
                    )


def _arns(meaning: Meaning) -> Iterator[tuple[str, str]]:
    match meaning:
        case ManagedPolicy(arn):
            yield "", arn
        case RawStatement(statement):
            for key in ("Resource", "NotResource"):
                for value in statement.get(key, ()):
                    yield key, value
        case _:
            return


class WriteOnEverything(Rule):
    doc = RuleDoc(
        "SCH405",
        Severity.WARNING,
        'write action on Resource: "*"',
        "A statement lets the job change every resource of a service in the account. A job "
        "needs its own bucket, table or queue: name them, so that a bug or a leaked credential "
        "cannot reach the others.",
        'permissions:\n  - Effect: Allow\n    Action: s3:PutObject\n    Resource: "*"',
        "permissions:\n  - S3WritePolicy: {BucketName: acme-app-logs-backup}",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        for grant, meaning in _grants(context):
            if not isinstance(meaning, RawStatement) or meaning.statement["Effect"] != "Allow":
                continue
            statement = meaning.statement
            writes = [a for a in statement.get("Action", ()) if is_write(a)]
            if writes and "*" in statement.get("Resource", ()):
                yield self.report(
                    _span(context, grant, "Resource"),
                    f"{', '.join(writes)} on every resource in the account",
                    "name the resources (ARNs), or use a policy template for the one bucket,"
                    " table or queue the job writes to",
                )


class FullAccessPolicy(Rule):
    doc = RuleDoc(
        "SCH406",
        Severity.WARNING,
        "broad AWS managed policy",
        "AWS's *FullAccess and AdministratorAccess policies allow everything in a service (or "
        "the account). A scheduled job needs a few actions on a few resources.",
        "permissions:\n  - arn:aws:iam::aws:policy/AmazonS3FullAccess",
        "permissions:\n  - S3CrudPolicy: {BucketName: acme-app-logs}",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        for grant, meaning in _grants(context):
            if not isinstance(meaning, ManagedPolicy):
                continue
            name = meaning.arn.rsplit("/", 1)[-1]
            aws_managed = ":iam::aws:policy/" in meaning.arn
            if aws_managed and (name.endswith("FullAccess") or name == "AdministratorAccess"):
                yield self.report(
                    _span(context, grant),
                    f"{name} allows every action of its service",
                    "grant what the job uses: a policy template (S3CrudPolicy, "
                    "DynamoDBCrudPolicy, ...) or a statement naming its resources",
                )


class RolePolicyTooLarge(Rule):
    doc = RuleDoc(
        "SCH407",
        Severity.ERROR,
        "job role over IAM's size quotas",
        "A job's own role holds its permissions as one inline policy, which IAM limits to "
        f"{limits.IAM_ROLE_INLINE_POLICY_MAX_CHARS:,} characters, and at most "
        f"{limits.IAM_MANAGED_POLICIES_PER_ROLE} managed policies by default.",
        "permissions: [... 200 statements ...]",
        "permissions: [a few templates naming the job's resources]",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        most = limits.IAM_ROLE_INLINE_POLICY_MAX_CHARS
        for job in _own_role_jobs(context):
            if not _entries_valid(context, job):
                continue
            bound = _size_bound(context, job)
            if bound is None or bound > most:
                policy = _checkable_policy(context, job)
                if policy is None:
                    continue
                size = _document_size(context, job, policy)
                if size > most:
                    yield self.report(
                        context.setting_span(job, "permissions"),
                        f'job "{job.name}": its role\'s policy is about {size:,} characters; '
                        f"IAM allows {most:,}",
                        "merge statements (several actions or resources in one), or use a "
                        "managed policy of your own for the common part",
                    )
            managed = [
                m for g in job.permissions if isinstance(m := _meaning(context, g), ManagedPolicy)
            ]
            if len(managed) <= limits.IAM_MANAGED_POLICIES_PER_ROLE:
                continue  # the common case: fewer entries than the quota, however many repeat
            arns = sorted({m.arn for m in managed})
            if len(arns) > limits.IAM_MANAGED_POLICIES_PER_ROLE:
                yield self.report(
                    context.setting_span(job, "permissions"),
                    f'job "{job.name}": {len(arns)} managed policies; IAM attaches at most '
                    f"{limits.IAM_MANAGED_POLICIES_PER_ROLE} to a role by default",
                    "combine them into fewer policies, or ask for a higher quota "
                    "(IAM: Managed policies per role)",
                )


def _entry_sizes(context: Context, grant: Grant) -> tuple[int, ...]:
    """The length of each statement the entry adds, as `canonical_json` writes it inside a
    document: an entry's statements depend on the entry alone (and the placeholder account
    and region), so each entry's are measured once per validation."""
    return context.memo(("entry sizes", grant.origin), partial(_measured, context, grant))


def _measured(context: Context, grant: Grant) -> tuple[int, ...]:
    meaning = _meaning(context, grant)
    assert not isinstance(meaning, GrantProblem)  # only asked for jobs whose entries are valid
    return _sizes(entry_statements(meaning, partition="aws", region=_REGION, account=_ACCOUNT))


# `{"Statement":[],"Version":"2012-10-17"}`: what a role's document is around its statements.
_DOCUMENT_FRAME = len(canonical_json(RolePolicy((), ()).document))


def _document_size(context: Context, job: Job, policy: RolePolicy) -> int:
    """`len(canonical_json(policy.document))` of the job's policy, without serialising again
    the statements an entry gives every job alike (`_entry_sizes`); sched's own statements
    (logs, secrets, network), which name the job, are measured per job. A value JSON cannot
    carry fails as serialising the whole document would, at the same statement."""
    own = [s.statement for s in policy.statements if s.origin is None]
    # Measured as one list, `[a,b,...]`: its brackets and commas are not the statements'.
    size = len(canonical_value(own)) - len(own) - 1 if own else 0
    size += sum(sum(_entry_sizes(context, grant)) for grant in job.permissions)
    return _DOCUMENT_FRAME + size + max(len(policy.statements) - 1, 0)


def _size_bound(context: Context, job: Job) -> int | None:
    """At least `_document_size` of the job's policy, without building it: its entries'
    statements as measured, sched's log statements as long as the longest names AWS allows
    make them (sched's names are of characters JSON writes as they are), and the network
    statement. None for a job with secrets or a dead-letter queue, whose statements hold
    the user's own text: those are measured."""
    if job.secrets or job.dead_letter_queue is not None:
        return None
    sizes = [*_LONGEST_LOG_STATEMENTS, *(_NETWORK_STATEMENTS if job.vpc is not None else ())]
    sizes += [size for grant in job.permissions for size in _entry_sizes(context, grant)]
    return _DOCUMENT_FRAME + sum(sizes) + len(sizes) - 1


def _sizes(statements: list[Statement]) -> tuple[int, ...]:
    return tuple(len(canonical_value(s)) for s in statements)


# The log statements of a job whose log group and function have the longest names AWS allows.
_LONGEST_LOG_STATEMENTS = _sizes(
    log_statements(
        partition="aws",
        region=_REGION,
        account=_ACCOUNT,
        group="/" * limits.LOG_GROUP_NAME_MAX,
        before="/" * len(naming.lambda_log_group("x" * limits.LAMBDA_FUNCTION_NAME_MAX)),
    )
)
_NETWORK_STATEMENTS = _sizes(network_statements())


class EmptyPermissions(Rule):
    doc = RuleDoc(
        "SCH408",
        Severity.WARNING,
        "empty permissions list",
        "`permissions: []` grants nothing, which is what leaving the key out does; it is often "
        "a list whose entries were lost in an edit.",
        "permissions: []",
        "permissions:\n  - S3ReadPolicy: {BucketName: acme-app-logs}",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        places: list[tuple[str, ...]] = [("defaults", "permissions")]
        places += [("jobs", job.name, "permissions") for job in context.catalogue.jobs]
        for path in places:
            if context.source_map.has(path) and not context.source_map.has((*path, 0)):
                yield self.report(
                    context.source_map.span(path),
                    "permissions is an empty list: it grants nothing",
                    "add the entries the job needs, or remove the key",
                )


# Calls that need no permission: any identity may ask who it is.
_NEEDS_NO_PERMISSION = frozenset({("sts", "GetCallerIdentity")})


class CallNotAllowed(Rule):
    doc = RuleDoc(
        "SCH409",
        Severity.WARNING,
        "handler calls AWS with an action its role does not allow",
        "sched reads the handler's source (never importing it) for boto3 calls and checks each "
        "one's IAM actions against the job's role: its logs and its permissions: entries. A call "
        "no entry allows fails with AccessDenied on AWS (and in a local run). It is a warning: "
        "static analysis sees calls as written, and compares actions, not resources.",
        "handler: jobs/backup/handler.py:main   # calls s3.put_object(...)\npermissions:\n"
        "  - S3ReadPolicy: {BucketName: logs}",
        "handler: jobs/backup/handler.py:main   # calls s3.put_object(...)\npermissions:\n"
        "  - S3ReadPolicy: {BucketName: logs}\n  - S3WritePolicy: {BucketName: backups}",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        for job in _own_role_jobs(context):
            read = read_handler_module(context, job)
            if read is None or not isinstance(read[0], ast.Module):
                continue  # no file here, or SCH306 reports its syntax error
            module = read[0]
            reader = context.memo(("module calls", job.handler_file), partial(ModuleCalls, module))
            # One reading per distinct value of the input keys the handler looks up.
            calls = reader.calls(job.input or {})
            if not calls:
                continue
            policy = _checkable_policy(context, job)  # built only for calls to check
            if policy is None:
                continue
            statements = [s.statement for s in policy.statements]
            for call in unique_calls(calls):
                if (call.service, call.operation) in _NEEDS_NO_PERMISSION:
                    continue
                actions = iam_actions(call.service, call.operation)
                missing = [a for a in actions if not action_allowed(a, statements)]
                if not missing:
                    continue
                refusal = Refusal(call.service, call.operation, call.params)
                yield self.report(
                    context.setting_span(job, "permissions")
                    if context.source_map.has(("jobs", job.name, "permissions"))
                    else context.span(job, "handler"),
                    f'job "{job.name}": {job.handler_file}:{call.line} calls '
                    f"{call.service}.{call.operation}, which needs {', '.join(missing)}; no "
                    "permissions: entry allows it",
                    f"add under the job's permissions: {suggested_entry(refusal)}",
                )


PERMISSION_RULES = (
    UnknownTemplate(),
    TemplateParameters(),
    MalformedStatement(),
    InvalidArn(),
    WriteOnEverything(),
    FullAccessPolicy(),
    RolePolicyTooLarge(),
    EmptyPermissions(),
    CallNotAllowed(),
)
