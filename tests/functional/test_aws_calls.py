"""A no-change read of ten jobs costs at most three calls a job plus listings, and the counter
tallies every call by IAM action."""

from __future__ import annotations

from pathlib import Path

from aws_support import compile_for, load_catalogue, read_back, write_catalogue

from scheduler.apply import apply_plan
from scheduler.aws import AwsContext
from scheduler.plan import make_plan

JOBS = 10


def _catalogue(jobs: int) -> str:
    lines = ["catalogue: acme", "jobs:"]
    for i in range(jobs):
        lines += [
            f"  job-{i}:",
            f"    schedule: rate({i + 2} hours)",
            "    expected_runtime: 1m",
            "    handler: jobs/backup/handler.py:main",
            f"    backend: {'rules' if i % 2 == 0 else 'scheduler'}",
        ]
    return "\n".join(lines) + "\n"


def test_a_no_change_read_of_ten_jobs(aws: AwsContext, tmp_path: Path) -> None:
    catalogue = load_catalogue(write_catalogue(tmp_path, _catalogue(JOBS)))
    desired = compile_for(catalogue, aws, tmp_path / "build")
    assert apply_plan(make_plan(desired, read_back(aws, "acme", desired)), aws.writer).ok
    aws.calls.reset()

    deployed = read_back(aws, "acme", desired)

    assert make_plan(desired, deployed).pending == ()
    listings = {
        "events:ListRules": 1,
        "iam:ListRoles": 1,
        "lambda:ListFunctions": 1,
        "scheduler:ListScheduleGroups": 1,
        "scheduler:ListSchedules": 1,
        "sns:ListTopics": 1,  # the alert topics the catalogue may own
        "tag:GetResources": 1,
    }
    per_catalogue = {  # the scheduler role and the schedule group
        "iam:ListRoleTags": 1,
        "iam:GetRolePolicy": 1,
        "iam:ListAttachedRolePolicies": 1,
        "scheduler:ListTagsForResource": 1,
    }
    per_job_role = {  # each job's own execution role: its tags, inline policy, attachments
        "iam:ListRoleTags": 10,
        "iam:GetRolePolicy": 10,
        "iam:ListAttachedRolePolicies": 10,
    }
    per_job = {
        # moto's tag search leaves rules out, so their tags are read one by one (AWS's does not)
        "events:ListTagsForResource": 5,
        "events:ListTargetsByRule": 5,
        "lambda:GetPolicy": 10,
        "lambda:GetFunctionEventInvokeConfig": 10,
        "scheduler:GetSchedule": 5,
    }
    expected = {**listings, **per_job}
    for name in per_catalogue.keys() | per_job_role.keys():
        expected[name] = per_catalogue.get(name, 0) + per_job_role.get(name, 0)
    assert aws.calls.counts() == dict(sorted(expected.items()))
    assert sum(per_job.values()) <= 4 * JOBS
    assert sum(per_job_role.values()) == 3 * JOBS
    assert aws.calls.total == 76
    assert aws.calls.mutations() == 0
