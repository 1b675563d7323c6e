"""`permissions:` entries read as IAM: what each form means, what is wrong with a bad one (and
where inside it), and a job's whole role policy with the entry each statement came from."""

from __future__ import annotations

from datetime import timedelta

import pytest

from scheduler.catalogue.model import Grant, Job, Vpc
from scheduler.kms_keys import KmsKey
from scheduler.permissions import (
    GrantProblem,
    ManagedPolicy,
    Problem,
    RawStatement,
    TemplateUse,
    interpret,
    is_write,
    job_policy,
)
from scheduler.runtime.contract import SecretRef

JOB = ("jobs", "backup", "permissions")


def test_a_template_a_statement_and_an_arn_are_read_as_such() -> None:
    assert interpret({"S3ReadPolicy": {"BucketName": "logs"}}) == TemplateUse(
        "S3ReadPolicy", {"BucketName": "logs"}
    )
    assert interpret({"CloudWatchPutMetricPolicy": None}) == TemplateUse(
        "CloudWatchPutMetricPolicy", {}
    )
    written = {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*"}
    listed = {"Effect": "Allow", "Action": ["s3:PutObject"], "Resource": ["arn:aws:s3:::b/*"]}
    assert interpret(written) == RawStatement(listed)
    arn = "arn:aws:iam::aws:policy/ReadOnlyAccess"
    assert interpret(arn) == ManagedPolicy(arn)


@pytest.mark.parametrize(
    ("entry", "kind", "message", "at"),
    [
        ({"S3ReadPolicys": {"BucketName": "b"}}, Problem.TEMPLATE,
         "there is no policy template 'S3ReadPolicys'", ("S3ReadPolicys",)),
        ({"S3ReadPolicy": "b"}, Problem.PARAMETERS,
         "the parameters of S3ReadPolicy must be a mapping, not str", ("S3ReadPolicy",)),
        ({"S3ReadPolicy": {}, "S3WritePolicy": {}}, Problem.STATEMENT,
         "a permissions entry names one policy template, not several (S3ReadPolicy,"
         " S3WritePolicy)", ()),
        ({"Action": "s3:GetObject", "Resource": "*"}, Problem.STATEMENT,
         "an IAM statement needs Effect: Allow or Effect: Deny", ()),
        ({"Effect": "Allow", "Action": "s3:GetObject"}, Problem.STATEMENT,
         "an IAM statement needs exactly one of Resource or NotResource", ()),
        ({"Effect": "Allow", "Action": [], "Resource": "*"}, Problem.STATEMENT,
         "Action must be a text or a list of texts, not an empty list", ("Action",)),
        ({"Effect": "Allow", "Action": "GetObject", "Resource": "*"}, Problem.STATEMENT,
         "'GetObject' is not an IAM action", ("Action",)),
        ({"Effect": "Allow", "Actions": "s3:GetObject", "Resource": "*"}, Problem.STATEMENT,
         "an IAM statement has no key 'Actions'", ("Actions",)),
        ("arn:aws:iam:policy/X", Problem.ARN,
         "'arn:aws:iam:policy/X' is not a managed policy ARN", ()),
        (42, Problem.STATEMENT, "a permissions entry cannot be int", ()),
    ],
)  # fmt: skip
def test_a_bad_entry_says_what_is_wrong_and_where(
    entry: object, kind: Problem, message: str, at: tuple[str, ...]
) -> None:
    with pytest.raises(GrantProblem) as raised:
        interpret(entry)
    assert (raised.value.kind, raised.value.message, raised.value.at) == (kind, message, at)


@pytest.mark.parametrize(
    ("action", "writes"),
    [("s3:GetObject", False), ("s3:List*", False), ("kms:Decrypt", False),
     ("s3:PutObject", True), ("s3:*", True), ("*", True), ("dynamodb:DeleteItem", True)],
)  # fmt: skip
def test_write_actions_are_told_from_reads(action: str, writes: bool) -> None:
    assert is_write(action) is writes


def test_a_job_policy_holds_its_logs_then_each_entry_in_order_with_its_origin() -> None:
    job = Job(
        name="backup",
        schedule="rate(1 day)",
        expected_runtime=timedelta(minutes=1),
        timeout=timedelta(minutes=2),
        timeout_is_explicit=False,
        handler="jobs/backup/handler.py:main",
        permissions=(
            Grant({"SQSSendMessagePolicy": {"QueueName": "done"}}, ("defaults", "permissions", 0)),
            Grant("arn:aws:iam::aws:policy/ReadOnlyAccess", (*JOB, 0)),
            Grant({"Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}, (*JOB, 1)),
        ),
    )
    policy = job_policy(job, catalogue="acme", region="cn-north-1", account="111122223333")
    group = "arn:aws-cn:logs:cn-north-1:111122223333:log-group:/sched/acme/backup"
    before = "arn:aws-cn:logs:cn-north-1:111122223333:log-group:/aws/lambda/acme-backup"
    assert [(s.origin, s.statement) for s in policy.statements] == [
        (None, {"Sid": "CreateOwnLogGroup", "Effect": "Allow",
                "Action": ["logs:CreateLogGroup"], "Resource": [group, before]}),
        (None, {"Sid": "WriteOwnLogs", "Effect": "Allow",
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Resource": [f"{group}:*", f"{before}:*"]}),
        (("defaults", "permissions", 0), {
            "Effect": "Allow",
            "Action": ["sqs:SendMessage*"],  # SAM's SQSSendMessagePolicy
            "Resource": ["arn:aws-cn:sqs:cn-north-1:111122223333:done"]}),
        ((*JOB, 1), {"Effect": "Deny", "Action": ["s3:DeleteObject"], "Resource": ["*"]}),
    ]  # fmt: skip
    assert policy.managed_policies == (("arn:aws:iam::aws:policy/ReadOnlyAccess", (*JOB, 0)),)


def test_secrets_are_readable_by_the_role_and_nothing_else_of_their_services() -> None:
    job = Job(
        name="export",
        schedule="rate(1 day)",
        expected_runtime=timedelta(minutes=1),
        timeout=timedelta(minutes=2),
        timeout_is_explicit=False,
        handler="jobs/export/handler.py:main",
        secrets=(
            ("DB_URL", "ssm:/acme/db-url"),
            ("KEY", "secretsmanager:arn:aws:secretsmanager:eu-west-1:1:secret:k-AbCdEf"),
            ("TOKEN", "secretsmanager:acme/export#token"),
        ),
    )
    policy = job_policy(job, catalogue="acme", region="eu-west-1", account="111122223333")
    assert [s.statement for s in policy.statements[2:]] == [
        {
            "Sid": "ReadSecretParameters",
            "Effect": "Allow",
            "Action": ["ssm:GetParameter"],
            "Resource": ["arn:aws:ssm:eu-west-1:111122223333:parameter/acme/db-url"],
        },
        {
            "Sid": "ReadSecrets",
            "Effect": "Allow",
            "Action": ["secretsmanager:GetSecretValue"],
            "Resource": [  # sorted
                "arn:aws:secretsmanager:eu-west-1:111122223333:secret:acme/export-??????",
                "arn:aws:secretsmanager:eu-west-1:1:secret:k-AbCdEf",
            ],
        },
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("/acme/db", "is not a secret reference"),
        ("vault:acme/db", "is not a secret reference"),
        ("ssm:/acme/db#key", "an SSM parameter has no keys"),
        ("secretsmanager:", "names no parameter or secret"),
        ("secretsmanager:acme#", "names no key"),
    ],
)
def test_a_secret_reference_says_what_is_wrong(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        SecretRef.parse(text)


def test_a_secret_reference_reads_back_as_written() -> None:
    ref = SecretRef.parse("secretsmanager:acme/sftp#password")
    assert (ref.scheme, ref.name, ref.json_key, str(ref)) == (
        "secretsmanager",
        "acme/sftp",
        "password",
        "secretsmanager:acme/sftp#password",
    )


ACCOUNT = "111122223333"


def _secret_job(key: str | None, *secrets: tuple[str, str]) -> Job:
    return Job(
        name="export",
        schedule="rate(1 day)",
        expected_runtime=timedelta(minutes=1),
        timeout=timedelta(minutes=2),
        timeout_is_explicit=False,
        handler="jobs/export/handler.py:main",
        secrets=secrets or (("DB_URL", "ssm:/acme/db-url"),),
        secrets_kms_key=key,
    )


def test_a_named_key_ARN_adds_decrypt_on_that_key_through_the_secrets_services_only() -> None:
    key = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    job = _secret_job(key, ("DB_URL", "ssm:/acme/db"), ("TOKEN", "secretsmanager:acme/t"))
    policy = job_policy(job, catalogue="acme", region="eu-west-1", account="111122223333")
    assert policy.statements[-1].statement == {
        "Sid": "DecryptSecrets",
        "Effect": "Allow",
        "Action": ["kms:Decrypt"],
        "Resource": [key],
        "Condition": {
            "StringEquals": {
                "kms:ViaService": [
                    "secretsmanager.eu-west-1.amazonaws.com",
                    "ssm.eu-west-1.amazonaws.com",
                ]
            }
        },
    }


@pytest.mark.parametrize(
    ("key", "resource"),
    [
        (
            "1234abcd-12ab-34cd-56ef-1234567890ab",
            "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
        ),
        (
            "mrk-1234abcd12ab34cd56ef1234567890ab",
            "arn:aws:kms:eu-west-1:111122223333:key/mrk-1234abcd12ab34cd56ef1234567890ab",
        ),
    ],
)
def test_a_bare_key_id_is_a_key_of_the_catalogues_account_and_region(
    key: str, resource: str
) -> None:
    policy = job_policy(_secret_job(key), catalogue="acme", region="eu-west-1", account=ACCOUNT)
    assert policy.statements[-1].statement["Resource"] == [resource]


@pytest.mark.parametrize(
    "key", ["alias/acme-secrets", "arn:aws:kms:eu-west-1:111122223333:alias/acme-secrets"]
)
def test_an_alias_allows_the_keys_it_names_by_condition_since_IAM_cannot_name_them(
    key: str,
) -> None:
    policy = job_policy(_secret_job(key), catalogue="acme", region="eu-west-1", account=ACCOUNT)
    assert policy.statements[-1].statement == {
        "Sid": "DecryptSecrets",
        "Effect": "Allow",
        "Action": ["kms:Decrypt"],
        "Resource": ["arn:aws:kms:eu-west-1:111122223333:key/*"],
        "Condition": {
            "StringEquals": {"kms:ViaService": ["ssm.eu-west-1.amazonaws.com"]},
            "ForAnyValue:StringEquals": {"kms:ResourceAliases": ["alias/acme-secrets"]},
        },
    }


def test_no_key_no_decrypt_and_a_key_without_secrets_grants_nothing() -> None:
    plain = job_policy(_secret_job(None), catalogue="acme", region="eu-west-1", account=ACCOUNT)
    assert all(s.statement["Sid"] != "DecryptSecrets" for s in plain.statements)
    job = Job(
        name="export",
        schedule="rate(1 day)",
        expected_runtime=timedelta(minutes=1),
        timeout=timedelta(minutes=2),
        timeout_is_explicit=False,
        handler="jobs/export/handler.py:main",
        secrets_kms_key="alias/acme",
    )
    policy = job_policy(job, catalogue="acme", region="eu-west-1", account="111122223333")
    assert [s.statement["Sid"] for s in policy.statements] == ["CreateOwnLogGroup", "WriteOwnLogs"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("acme-secrets", "is not a KMS key"),
        ("alias/", "names no alias"),
        ("alias/aws/ssm", "AWS managed key"),
        ("alias/acme secrets", "is not a KMS key"),
        ("arn:aws:kms:eu-west-1:111122223333:key/not-a-key", "is not a KMS key"),
        ("arn:aws:s3:::acme", "is not a KMS key"),
        ("arn:aws:kms:eu-west-1:1111:alias/acme", "is not a KMS key"),
    ],
)
def test_a_malformed_key_says_what_is_wrong(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        KmsKey.parse(text)


def test_a_job_in_a_vpc_may_manage_its_network_interfaces_as_lambda_needs() -> None:
    job = Job(
        name="export",
        schedule="rate(1 day)",
        expected_runtime=timedelta(minutes=1),
        timeout=timedelta(minutes=2),
        timeout_is_explicit=False,
        handler="jobs/export/handler.py:main",
        vpc=Vpc(subnets=("subnet-0123abcd",), security_groups=("sg-0123abcd",)),
    )
    policy = job_policy(job, catalogue="acme", region="eu-west-1", account=ACCOUNT)
    assert [s.statement for s in policy.statements[2:]] == [
        {
            "Sid": "ManageNetworkInterfaces",
            "Effect": "Allow",
            "Action": [
                "ec2:AssignPrivateIpAddresses",
                "ec2:CreateNetworkInterface",
                "ec2:DeleteNetworkInterface",
                "ec2:DescribeNetworkInterfaces",
                "ec2:UnassignPrivateIpAddresses",
            ],
            "Resource": ["*"],
        }
    ]
    assert [s.origin for s in policy.statements[2:]] == [None]
