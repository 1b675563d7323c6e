"""SCH407 measures a role's policy as IAM would: the whole document, serialised canonically."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

from scheduler import limits
from scheduler.canonical import canonical_json
from scheduler.catalogue.loader import load
from scheduler.permissions import job_policy
from scheduler.rules.base import Context
from scheduler.rules.permission_rules import _document_size, _size_bound
from scheduler.validate import run_rules

NOW = datetime(2026, 12, 2, tzinfo=UTC)
_SIZE = re.compile(r"its role's policy is about ([\d,]+) characters")


def _statement(n: int, indent: str) -> str:
    resource = f"arn:aws:s3:::bucket-{n}-" + "x" * 300
    return f'{indent}- {{Effect: Allow, Action: [s3:GetObject], Resource: "{resource}"}}\n'


def test_sch407_reports_the_size_of_the_whole_document_for_each_job(tmp_path: Path) -> None:
    """Entries of defaults: (shared by the jobs) and of each job, a template expanding to two
    statements, secrets and a VPC: each job's size is that of its whole document."""
    handler = tmp_path / "jobs" / "a" / "handler.py"
    handler.parent.mkdir(parents=True)
    handler.write_text("def main(event, context):\n    return None\n")
    defaults = "".join(_statement(n, "    ") for n in range(30))
    jobs = ""
    for name, own in (("short", 1), ("a-much-longer-job-name", 3)):
        jobs += (
            f"  {name}:\n    schedule: rate(1 hour)\n    expected_runtime: 1m\n"
            "    handler: jobs/a/handler.py:main\n    secrets: {TOKEN: ssm:/app/token}\n"
            "    vpc: {subnets: [subnet-0a1b2c3d], security_groups: [sg-0a1b2c3d]}\n"
            "    permissions:\n      - S3CrudPolicy: {BucketName: data}\n"
            + "".join(_statement(100 + n, "      ") for n in range(own))
        )
    path = tmp_path / "jobs.yaml"
    path.write_text(f"catalogue: size\ndefaults:\n  permissions:\n{defaults}jobs:\n{jobs}")
    loaded = load(path)
    assert loaded.catalogue is not None, loaded.diagnostics
    found = [d for d in run_rules(loaded, now=NOW) if d.code == "SCH407"]
    reported = [int(m.group(1).replace(",", "")) for d in found if (m := _SIZE.search(d.message))]
    expected = [
        len(canonical_json(job_policy(job, catalogue="size", region="us-east-1",
                                      account="123456789012").document))
        for job in loaded.catalogue.jobs
    ]  # fmt: skip
    assert all(size > limits.IAM_ROLE_INLINE_POLICY_MAX_CHARS for size in expected)
    assert reported == expected
    assert expected[0] != expected[1]


def _catalogue_of(tmp_path: Path, name: str, job: str, own: int) -> Path:
    handler = tmp_path / "jobs" / "a" / "handler.py"
    handler.parent.mkdir(parents=True, exist_ok=True)
    handler.write_text("def main(event, context):\n    return None\n")
    path = tmp_path / "jobs.yaml"
    path.write_text(
        f"catalogue: {name}\njobs:\n  {job}:\n    schedule: rate(1 hour)\n"
        "    expected_runtime: 1m\n    handler: jobs/a/handler.py:main\n"
        "    vpc: {subnets: [subnet-0a1b2c3d], security_groups: [sg-0a1b2c3d]}\n"
        "    permissions:\n      - S3CrudPolicy: {BucketName: data}\n"
        + "".join(_statement(n, "      ") for n in range(own))
    )
    return path


def test_sch407_s_bound_is_never_below_the_size_of_the_document(tmp_path: Path) -> None:
    """A job without secrets is measured exactly only when its bound passes the quota: the
    bound, for the longest catalogue and job names, a VPC and entries, is at least the size."""
    path = _catalogue_of(tmp_path, "c" * 200, "j" * 200, 3)
    loaded = load(path)
    assert loaded.catalogue is not None, loaded.diagnostics
    [job] = loaded.catalogue.jobs
    context = Context(loaded.catalogue, loaded.source_map, NOW)
    policy = job_policy(
        job, catalogue=loaded.catalogue.prefix, region="us-east-1", account="123456789012"
    )
    size = _document_size(context, job, policy)
    assert size == len(canonical_json(policy.document))
    bound = _size_bound(context, job)
    assert bound is not None and size <= bound


def test_sch407_measures_a_job_without_secrets_whose_bound_passes_the_quota(
    tmp_path: Path,
) -> None:
    """Just over the quota without secrets (the bound's path): reported, at its exact size."""
    path = _catalogue_of(tmp_path, "size", "job", 28)
    loaded = load(path)
    assert loaded.catalogue is not None, loaded.diagnostics
    [job] = loaded.catalogue.jobs
    expected = len(
        canonical_json(
            job_policy(job, catalogue="size", region="us-east-1", account="123456789012").document
        )
    )
    found = [d for d in run_rules(loaded, now=NOW) if d.code == "SCH407"]
    assert expected > limits.IAM_ROLE_INLINE_POLICY_MAX_CHARS
    reported = [m.group(1) for d in found if (m := _SIZE.search(d.message))]
    assert reported == [f"{expected:,}"]
