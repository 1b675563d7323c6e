"""A no-change read of ten jobs costs three calls a job plus listings (on AWS, whose tag search
covers rules, two and a half), and the counter tallies every call by IAM action."""

from __future__ import annotations

from pathlib import Path

from aws_support import compile_for, load_catalogue, mixed_catalogue, read_back, write_catalogue
from botocore.exceptions import ClientError

from scheduler.apply import apply_plan
from scheduler.aws import AwsContext
from scheduler.aws.reader import AwsStateReader
from scheduler.plan import make_plan

JOBS = 10


def test_a_no_change_read_of_ten_jobs(aws: AwsContext, tmp_path: Path) -> None:
    catalogue = load_catalogue(write_catalogue(tmp_path, mixed_catalogue(JOBS)))
    desired = compile_for(catalogue, aws, tmp_path / "build")
    assert apply_plan(make_plan(desired, read_back(aws, "acme", desired)), aws.writer).ok
    aws.calls.reset()

    deployed = read_back(aws, "acme", desired)

    assert make_plan(desired, deployed).pending == ()
    listings = {
        "events:ListRules": 1,
        # every role's tags, inline policy and attachments, 1,000 roles a page
        "iam:GetAccountAuthorizationDetails": 1,
        "iam:ListRoles": 1,  # the only listing with a role's description
        "lambda:ListFunctions": 1,
        "scheduler:ListScheduleGroups": 1,
        "scheduler:ListSchedules": 1,
        "sns:ListTopics": 1,  # the alert topics the catalogue may own
        "tag:GetResources": 1,
    }
    per_catalogue = {"scheduler:ListTagsForResource": 1}  # the schedule group
    per_job = {
        # moto's tag search leaves rules out, so their tags are read one by one (AWS's does not)
        "events:ListTagsForResource": 5,
        "events:ListTargetsByRule": 5,
        # rules jobs only: a schedule invokes its function with its role, not a statement
        "lambda:GetPolicy": 5,
        "lambda:GetFunctionEventInvokeConfig": 10,
        "scheduler:GetSchedule": 5,
    }
    assert aws.calls.counts() == dict(sorted({**listings, **per_catalogue, **per_job}.items()))
    assert sum(per_job.values()) == 3 * JOBS  # 2.5 on AWS, whose tag search covers rules
    assert aws.calls.total == 39
    assert aws.calls.mutations() == 0


def _deny_bulk_role_read(model: object = None, **_: object) -> None:
    """As an identity without iam:GetAccountAuthorizationDetails is answered."""
    if getattr(model, "name", None) == "GetAccountAuthorizationDetails":
        raise ClientError(
            {"Error": {"Code": "AccessDenied", "Message": "not authorized"}},
            "GetAccountAuthorizationDetails",
        )


def test_without_the_bulk_role_read_each_role_is_read_on_its_own(
    aws: AwsContext, tmp_path: Path
) -> None:
    catalogue = load_catalogue(write_catalogue(tmp_path, mixed_catalogue(4)))
    desired = compile_for(catalogue, aws, tmp_path / "build")
    assert apply_plan(make_plan(desired, read_back(aws, "acme", desired)), aws.writer).ok
    assert isinstance(aws.reader, AwsStateReader)
    aws.reader.clients.iam.meta.events.register("before-call.iam.*", _deny_bulk_role_read)
    aws.calls.reset()

    deployed = read_back(aws, "acme", desired)

    assert make_plan(desired, deployed).pending == ()
    calls = aws.calls.counts()
    roles = 4 + 1  # each job's own and the scheduler role
    assert calls["iam:GetAccountAuthorizationDetails"] == 1
    assert calls["iam:ListRoleTags"] == roles
    assert calls["iam:GetRolePolicy"] == roles
    assert calls["iam:ListAttachedRolePolicies"] == roles
