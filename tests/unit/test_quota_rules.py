"""Account quotas a catalogue alone exceeds (SCH223, SCH224): what each counts beyond one
rule or role per job, which the fixtures under tests/fixtures/rules/ do not show."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from scheduler.diagnostics import Diagnostic
from scheduler.validate import validate

NOW = datetime(2026, 11, 25, tzinfo=UTC)
ARN = "arn:aws:lambda:eu-west-1:123456789012:function:f"
ALERTS = "alerts:\n  channels:\n    ops: {email: [ops@example.com]}\n"


def _validate(tmp_path: Path, jobs: list[str], *, head: str = "") -> list[Diagnostic]:
    (tmp_path / "jobs" / "ok").mkdir(parents=True, exist_ok=True)
    (tmp_path / "jobs" / "ok" / "handler.py").write_text("def main(event, context):\n    pass\n")
    path = tmp_path / "jobs.yaml"
    path.write_text(f"catalogue: fx\n{head}jobs:\n" + "".join(f"  {j}\n" for j in jobs))
    return validate(path, now=NOW)[1]


def _messages(found: list[Diagnostic], code: str) -> list[str]:
    return [d.message for d in found if d.code == code]


def _plain(n: int, start: int = 0) -> list[str]:
    return [
        f"job-{i:04d}: {{schedule: rate(1 hour), expected_runtime: 1m, function: '{ARN}'}}"
        for i in range(start, start + n)
    ]


def test_an_either_day_job_counts_as_two_rules(tmp_path: Path) -> None:
    either = "either: {schedule: '0 2 1 * 1', expected_runtime: 1m, function: '" + ARN + "'}"
    found = _messages(_validate(tmp_path, [*_plain(299), either]), "SCH223")
    assert found == [
        'job "either" is EventBridge rule 301: the catalogue makes 301 rules; an event bus '
        "allows 300 by default (100 in af-south-1, eu-south-1)"
    ]


def test_the_alert_watcher_counts_as_one_rule_and_one_role(tmp_path: Path) -> None:
    alerting = (
        "alerting: {schedule: rate(1 hour), expected_runtime: 1m, "
        "handler: jobs/ok/handler.py:main, alert: {to: [ops]}}"
    )
    found = _validate(tmp_path, [alerting, *_plain(299)], head=ALERTS)
    assert _messages(found, "SCH223") == [
        'job "job-0298" is EventBridge rule 301: the catalogue makes 301 rules; an event bus '
        "allows 300 by default (100 in af-south-1, eu-south-1)"
    ]


def test_jobs_on_scheduler_make_no_rules(tmp_path: Path) -> None:
    found = _validate(tmp_path, _plain(400), head="defaults: {backend: scheduler}\n")
    assert _messages(found, "SCH223") == []


def test_the_hint_names_the_fix_and_the_quota_as_service_quotas_names_it(tmp_path: Path) -> None:
    (finding,) = [d for d in _validate(tmp_path, _plain(301)) if d.code == "SCH223"]
    assert finding.hint == (
        'move jobs to backend: scheduler, or ask for an increase of the quota "Number of rules" '
        "of Amazon EventBridge in Service Quotas"
    )


def test_jobs_with_their_own_role_or_a_function_need_no_role_of_sched(tmp_path: Path) -> None:
    role = "arn:aws:iam::123456789012:role/jobs"
    jobs = [
        f"job-{i:04d}: {{schedule: rate(1 hour), expected_runtime: 1m, "
        f"handler: jobs/ok/handler.py:main, role: '{role}'}}"
        for i in range(1001)
    ]
    found = _validate(tmp_path, [*jobs, *_plain(10, 2000)], head="defaults: {backend: scheduler}\n")
    assert _messages(found, "SCH224") == []


def _handlers(n: int, permissions: str = "") -> list[str]:
    return [
        f"job-{i:04d}: {{schedule: rate(1 hour), expected_runtime: 1m, "
        f"handler: jobs/ok/handler.py:main{permissions}}}"
        for i in range(n)
    ]


def test_per_job_roles_past_the_quota_name_shared_roles_as_the_fix(tmp_path: Path) -> None:
    found = [d for d in _validate(tmp_path, _handlers(1001)) if d.code == "SCH224"]

    assert [d.hint for d in found] == [
        "share one role among jobs with the same permissions (defaults: {roles: shared}), or "
        "give jobs one existing role: (role: ARN), or ask for an increase of the quota "
        '"Roles per account" of AWS Identity and Access Management in Service Quotas'
    ]


def test_shared_roles_count_permission_sets_not_jobs(tmp_path: Path) -> None:
    head = "defaults: {roles: shared, backend: rules}\n"
    same = _handlers(1001, ", permissions: [{S3ReadPolicy: {BucketName: b}}]")
    distinct = [
        line.replace("main}", f"main, permissions: [{{S3ReadPolicy: {{BucketName: b{i}}}}}]}}")
        for i, line in enumerate(_handlers(1001))
    ]

    assert _messages(_validate(tmp_path, same, head=head), "SCH224") == []
    found = [d for d in _validate(tmp_path, distinct, head=head) if d.code == "SCH224"]
    assert [d.message for d in found] == [
        'job "job-1000" is IAM role 1001: the catalogue makes 1001 roles (0 of them shared); an '
        "account allows 1000 by default"
    ]
    assert found[0].hint.startswith("give jobs one existing role: (role: ARN), or ask")
