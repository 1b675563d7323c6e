"""Shared roles against moto: three jobs with one permission set make one role, read back as
owned (an empty plan); moving to per-job roles and back repoints the functions and prunes."""

from __future__ import annotations

from pathlib import Path

from aws_support import compile_for, load_catalogue, read_back, write_catalogue

from scheduler.apply import apply_plan
from scheduler.aws import AwsContext
from scheduler.plan import make_plan


def _text(roles: str) -> str:
    lines = ["catalogue: acme", f"defaults: {{roles: {roles}}}", "jobs:"]
    for i in range(3):
        lines += [
            f"  job-{i}:",
            f"    schedule: rate({i + 2} hours)",
            "    expected_runtime: 1m",
            "    handler: jobs/backup/handler.py:main",
            "    permissions: [{S3ReadPolicy: {BucketName: app-logs}}]",
        ]
    return "\n".join(lines) + "\n"


def _converge(aws: AwsContext, root: Path, roles: str) -> None:
    catalogue = load_catalogue(write_catalogue(root, _text(roles)))
    desired = compile_for(catalogue, aws, root / "build")
    result = apply_plan(make_plan(desired, read_back(aws, "acme", desired)), aws.writer)
    assert result.ok, result
    assert make_plan(desired, read_back(aws, "acme", desired)).pending == ()


def _roles_of_functions(aws: AwsContext) -> dict[str, str]:
    functions = aws.session.client("lambda").list_functions()["Functions"]
    return {
        f["FunctionName"]: f["Role"].rsplit("/", 1)[1]
        for f in functions
        if f["FunctionName"].startswith("acme-")
    }


def _role_names(aws: AwsContext) -> list[str]:
    roles = aws.session.client("iam").list_roles()["Roles"]
    return sorted(r["RoleName"] for r in roles if r["RoleName"].startswith("acme-"))


def test_three_jobs_with_one_permission_set_share_one_role(aws: AwsContext, tmp_path: Path) -> None:
    _converge(aws, tmp_path, "shared")

    (role,) = _role_names(aws)
    assert role.startswith("acme-sched-role-")
    assert _roles_of_functions(aws) == {f"acme-job-{i}": role for i in range(3)}
    tags = aws.session.client("iam").list_role_tags(RoleName=role)["Tags"]
    assert {t["Key"]: t["Value"] for t in tags} == {
        "managed-by": "sched",
        "sched:catalogue": "acme",
        "sched:shared": "role",
    }


def test_per_job_and_shared_roles_convert_both_ways(aws: AwsContext, tmp_path: Path) -> None:
    _converge(aws, tmp_path, "per-job")
    assert _role_names(aws) == ["acme-job-0", "acme-job-1", "acme-job-2"]

    _converge(aws, tmp_path, "shared")
    (role,) = _role_names(aws)
    assert set(_roles_of_functions(aws).values()) == {role}

    _converge(aws, tmp_path, "per-job")
    assert _role_names(aws) == ["acme-job-0", "acme-job-1", "acme-job-2"]
    assert _roles_of_functions(aws) == {f"acme-job-{i}": f"acme-job-{i}" for i in range(3)}
