"""A local run with the job's own permissions, as on AWS: a job that works locally works there.

moto enforces IAM policies on requests signed with an IAM user's access key (its access
control), but cannot assume a role whose trust policy names a service principal. So for each run
an IAM user stands in for the job's role: it holds the same policy (`permissions.job_policy`, the
job's logs plus its `permissions:`), the handler's boto3 calls are signed with its key, and moto
checks them while the handler runs; the user is deleted afterwards. Each refused call is noted
(`Refusal`) so the run can say which entry to add.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any

import boto3
from botocore.exceptions import ClientError

from scheduler import naming
from scheduler.access import Refusal
from scheduler.catalogue.model import Catalogue, Compute, Job
from scheduler.local.embedded import enforcing_iam
from scheduler.permissions import job_policy

# Error codes services answer a refused call with.
DENIED = frozenset(
    {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError"}
)
STAND_IN_PATH = "/sched-local/"


@dataclass
class Access:
    """The credentials a run's handler uses, and the calls refused while it ran."""

    environment: dict[str, str]
    refusals: list[Refusal] = field(default_factory=list)
    statements: list[dict[str, Any]] = field(default_factory=list)
    """The role policy's statements, which say which of a refused call's actions it lacks."""

    @contextmanager
    def enforced(self) -> Iterator[None]:
        """While open: a fresh default boto3 session (so the handler's clients sign with the
        stand-in's key, as a new Lambda sandbox would), moto enforcing IAM, refusals noted."""
        boto3.setup_default_session()
        session = boto3.DEFAULT_SESSION
        assert session is not None
        calls: dict[int, tuple[str, str, dict[str, Any]]] = {}

        # botocore passes these by keyword: the names are its.
        def remember(params: dict[str, Any], model: Any, context: Any, **_: Any) -> None:
            calls[id(context)] = (model.service_model.signing_name, model.name, dict(params))

        def refused(http_response: Any, parsed: Any, context: Any, **_: Any) -> None:
            code = (parsed or {}).get("Error", {}).get("Code")
            call = calls.pop(id(context), None)
            # moto answers some services' refusals as a bare 403 whose code botocore cannot read
            denied = code in DENIED or getattr(http_response, "status_code", None) == 403
            if denied and call is not None:
                self.refusals.append(Refusal(*call))

        session.events.register("before-parameter-build.*.*", remember)
        session.events.register("after-call.*.*", refused)
        try:
            with enforcing_iam():
                yield
        finally:
            boto3.DEFAULT_SESSION = None


AccessFor = Callable[[Job], AbstractContextManager["Access"]]
"""Makes the access one run of a job has (`own_permissions` bound to a local AWS)."""


def has_own_role(job: Job) -> bool:
    """Jobs whose role sched makes: their permissions are known, so they are enforced."""
    return job.compute is Compute.LAMBDA and job.handler is not None and job.role is None


@contextmanager
def own_permissions(
    session: boto3.Session, catalogue: Catalogue, job: Job, *, account: str, region: str
) -> Iterator[Access]:
    """An IAM user holding the job's role policy, for one run; removed when the run is done."""
    iam = session.client("iam")
    policy = job_policy(job, catalogue=catalogue.prefix, region=region, account=account)
    document = {**policy.document, "Statement": _as_moto_checks(policy.document["Statement"])}
    name = naming.bounded(f"{catalogue.prefix}-{job.name}-{uuid.uuid4().hex[:8]}", 64)
    iam.create_user(UserName=name, Path=STAND_IN_PATH)
    try:
        iam.put_user_policy(UserName=name, PolicyName="sched", PolicyDocument=json.dumps(document))
        for arn in policy.managed_policy_arns:
            try:
                iam.attach_user_policy(UserName=name, PolicyArn=arn)
            except ClientError:  # not in the local AWS (AWS's own are not loaded): left out
                continue
        key = iam.create_access_key(UserName=name)["AccessKey"]
        yield Access(
            {
                "AWS_ACCESS_KEY_ID": key["AccessKeyId"],
                "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"],
            },
            statements=list(policy.document["Statement"]),
        )
    finally:
        _remove_user(iam, name)


def _as_moto_checks(statements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The statements as moto can check them. moto matches S3 requests against their bucket and
    key, but every other service's against the resource `*`: there an Allow naming resources
    would refuse everything, so it allows its actions on `*` (locally, those services are
    checked action by action; S3 down to the bucket and key)."""
    checked = []
    for statement in statements:
        actions = statement.get("Action", [])
        if statement["Effect"] != "Allow" or "Resource" not in statement:
            checked.append(statement)
            continue
        s3 = [a for a in actions if a.startswith("s3:")]
        other = [a for a in actions if not a.startswith("s3:")]
        if s3:
            checked.append({**statement, "Action": s3})
        if other:
            checked.append({**statement, "Action": other, "Resource": ["*"]})
    return checked


def _remove_user(iam: Any, name: str) -> None:
    for key in iam.list_access_keys(UserName=name)["AccessKeyMetadata"]:
        iam.delete_access_key(UserName=name, AccessKeyId=key["AccessKeyId"])
    for policy in iam.list_user_policies(UserName=name)["PolicyNames"]:
        iam.delete_user_policy(UserName=name, PolicyName=policy)
    for attached in iam.list_attached_user_policies(UserName=name)["AttachedPolicies"]:
        iam.detach_user_policy(UserName=name, PolicyArn=attached["PolicyArn"])
    iam.delete_user(UserName=name)
