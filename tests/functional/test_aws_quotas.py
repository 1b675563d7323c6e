"""Quotas read from the account before the first write, against moto: a 400-job rules
catalogue is refused by plan and apply with the fix, in a constant few calls; the APIs moto
lacks (Lambda GetAccountSettings, Service Quotas for EventBridge) leave documented defaults."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from aws_support import write_catalogue

from scheduler.app import deploy
from scheduler.aws import AwsContext
from scheduler.catalogue.loader import load
from scheduler.catalogue.model import Catalogue
from scheduler.errors import QuotasShort

NOW = datetime(2026, 12, 2, tzinfo=UTC)
QUOTA_READS = {
    "events:ListRules": 1,
    "iam:GetAccountSummary": 1,
    "lambda:GetAccountSettings": 1,
    "servicequotas:GetServiceQuota": 1,
}


def _catalogue(root: Path, jobs: int, backend: str = "rules") -> Catalogue:
    lines = ["catalogue: big", "defaults:", f"  backend: {backend}", "jobs:"]
    for i in range(jobs):
        lines += [
            f"  job-{i:03d}:",
            f"    schedule: cron({i % 60} {i % 24} * * ? *)",
            "    expected_runtime: 1m",
            "    handler: jobs/backup/handler.py:main",
        ]
    loaded = load(write_catalogue(root, "\n".join(lines) + "\n"))
    assert loaded.catalogue is not None
    return loaded.catalogue


def _ignore(*_: object) -> None:
    return None


def test_a_400_job_rules_catalogue_is_refused_by_plan_before_any_write(
    aws: AwsContext, tmp_path: Path
) -> None:
    catalogue = _catalogue(tmp_path, 400)
    aws.calls.reset()

    planned = deploy.plan(catalogue, aws, now=NOW)

    assert planned.quotas is not None
    assert [(s.line(), s.fix) for s in planned.quotas.blocking] == [
        (
            "EventBridge rules on the default bus: 400 needed (400 of this catalogue, 0 others), "
            "over 300 (the documented default)",
            "move at least 100 jobs to backend: scheduler (no rules), or ask for an increase of "
            '"Number of rules" (Amazon EventBridge; service code events, quota code L-244521F2) '
            "in Service Quotas",
        )
    ]
    assert planned.quotas.notes == (
        "servicequotas:GetServiceQuota answered NoSuchResourceException: EventBridge's rules per "
        "bus taken as its documented default, 300 in eu-west-1",
        "lambda:GetAccountSettings answered 404: Lambda's concurrency taken as its documented "
        "default, 1000, and code storage not counted",
    )
    with pytest.raises(QuotasShort) as refused:
        deploy.apply(planned, aws, on_progress=_ignore, on_interrupt=_ignore)
    assert refused.value.message == (
        "the plan does not fit 1 of the account's quotas; nothing was changed"
    )
    writes = [a for a in aws.calls.counts() if not a.split(":")[1].startswith(("List", "Get"))]
    assert writes == []
    events = aws.session.client("events")
    assert events.list_rules()["Rules"] == []


def test_the_quotas_cost_a_constant_few_calls_whatever_the_jobs(
    aws: AwsContext, tmp_path: Path
) -> None:
    assert aws.quotas is not None
    aws.calls.reset()
    aws.quotas.quotas()

    assert aws.calls.counts() == QUOTA_READS


def test_rules_of_others_on_the_bus_and_roles_in_the_account_are_counted(
    aws: AwsContext, tmp_path: Path
) -> None:
    events = aws.session.client("events")
    for i in range(250):
        events.put_rule(Name=f"someone-else-{i}", ScheduleExpression="rate(1 day)")
    catalogue = _catalogue(tmp_path, 60)

    planned = deploy.plan(catalogue, aws, now=NOW)

    assert planned.quotas is not None
    assert [(s.what, s.needed, s.ours, s.others) for s in planned.quotas.blocking] == [
        ("EventBridge rules on the default bus", 310, 60, 250)
    ]
    assert aws.quotas is not None
    roles = aws.quotas.quotas().roles
    assert (roles.limit, roles.used, roles.read) == (1000, 1, True)  # the fixture's legacy-role


def test_the_same_catalogue_on_the_scheduler_backend_fits(aws: AwsContext, tmp_path: Path) -> None:
    planned = deploy.plan(_catalogue(tmp_path, 400, backend="scheduler"), aws, now=NOW)

    assert planned.quotas is not None
    assert planned.quotas.shortfalls == ()
