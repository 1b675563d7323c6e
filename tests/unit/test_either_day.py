"""A Unix either-day line (`0 0 1,15 * MON`) is one job: it compiles to two rules or schedules,
the second's fire on a day the first also fires ends before the job runs, and history expects
the union of their fires."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from scheduler.catalogue.model import Backend, Catalogue, Compute, Fargate, Job
from scheduler.compile import CompileError, compile_catalogue
from scheduler.history.collect import Binding
from scheduler.history.expected import expected_fires
from scheduler.history.reconstruct import reconstruct
from scheduler.package import PackageRef
from scheduler.ports import LogEvent
from scheduler.resources import Permission, Rule, Schedule, Target
from scheduler.runtime import contract
from scheduler.runtime.wrapper import invoke
from scheduler.schedule import parse

ACCOUNT = "123456789012"
REGION = "eu-west-1"
NOON = datetime(2026, 6, 15, 12, tzinfo=UTC).timestamp()
PACKAGES = {"payroll": PackageRef("payroll", Path("/build/payroll.zip"), "sha=", 100)}


def _catalogue(**kwargs: object) -> Catalogue:
    values: dict[str, object] = {
        "expected_runtime": timedelta(minutes=1),
        "timeout": timedelta(minutes=2),
        "timeout_is_explicit": False,
        "handler": "jobs/payroll/handler.py:main",
    }
    values.update(kwargs)
    job = Job(name="payroll", schedule="0 0 1,15 * 1", **values)  # type: ignore[arg-type]
    return Catalogue(name="acme", path=Path("/repo/jobs.yaml"), jobs=(job,))


def _compile(catalogue: Catalogue) -> list[object]:
    return list(compile_catalogue(catalogue, account=ACCOUNT, region=REGION, packages=PACKAGES))


def test_rules_backend_gives_two_rules_targets_and_statements_of_one_function() -> None:
    state = _compile(_catalogue())
    rules = {r.name: r.schedule_expression for r in state if isinstance(r, Rule)}
    assert rules == {
        "acme-payroll": "cron(0 0 1,15 * ? *)",
        "acme-payroll-dow": "cron(0 0 ? * MON *)",
    }
    targets = [r for r in state if isinstance(r, Target)]
    assert {t.rule for t in targets} == set(rules)
    assert {t.arn for t in targets} == {f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:acme-payroll"}
    statements = {r.statement_id: r.source_arn for r in state if isinstance(r, Permission)}
    assert statements == {name: f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{name}" for name in rules}
    # Only the second half skips the days of the month the first one fires on.
    by_rule = {t.rule: t.input_transformer.template for t in targets if t.input_transformer}
    assert '"skip_days"' not in by_rule["acme-payroll"]
    assert '"skip_days":[1,15]' in by_rule["acme-payroll-dow"].replace(" ", "")


def test_scheduler_backend_gives_two_schedules_in_the_jobs_zone() -> None:
    state = _compile(_catalogue(backend=Backend.SCHEDULER, timezone="Europe/Paris"))
    schedules = {r.name: r for r in state if isinstance(r, Schedule)}
    assert {n: s.expression for n, s in schedules.items()} == {
        "acme-payroll": "cron(0 0 1,15 * ? *)",
        "acme-payroll-dow": "cron(0 0 ? * MON *)",
    }
    assert {s.timezone for s in schedules.values()} == {"Europe/Paris"}
    second = json.loads(schedules["acme-payroll-dow"].input)["sched"]
    assert (second["skip_days"], second["timezone"]) == ([1, 15], "Europe/Paris")
    assert "skip_days" not in json.loads(schedules["acme-payroll"].input)["sched"]


def test_a_fargate_either_day_job_is_refused() -> None:
    fargate = Fargate(cluster="c", task_definition="t", subnets=("subnet-1",))
    with pytest.raises(CompileError, match="cannot skip the second run"):
        _compile(_catalogue(compute=Compute.FARGATE, fargate=fargate, handler=None))


def _event(scheduled: str, **extra: object) -> dict[str, object]:
    sched: dict[str, object] = {"job": "payroll", "scheduled_time": scheduled, "event_id": "e"}
    sched.update(extra)
    return {"sched": sched, "input": {}}


@pytest.mark.parametrize(
    ("event", "skipped"),
    [
        (_event("2026-06-01T00:00:00Z", skip_days=[1, 15]), True),  # Monday the 1st
        (_event("2026-06-08T00:00:00Z", skip_days=[1, 15]), False),  # Monday the 8th
        (_event("2026-06-01T00:00:00Z"), False),  # the first half never skips
        (_event("2026-06-01T00:00:00Z", skip_days=[1, 15], manual=True), False),
        # 23:00 UTC on the 31st is midnight of the 1st in Paris
        (_event("2026-05-31T22:00:00Z", skip_days=[1], timezone="Europe/Paris"), True),
        (_event("2026-05-31T22:00:00Z", skip_days=[1]), False),
        (_event("2026-06-01T00:00:00Z", skip_days=[1], timezone="Mars/Base"), False),
    ],
)
def test_the_second_half_skips_a_day_the_first_fires(
    event: dict[str, object], skipped: bool
) -> None:
    assert contract.fired_by_other_half(event) is skipped


def _skipped_invocation() -> list[str]:
    lines: list[str] = []
    environ = {
        "SCHED_JOB": "payroll",
        "SCHED_CATALOGUE": "acme",
        "SCHED_HANDLER": "sched_no_such_module.main",  # never imported: the job does not run
        "SCHED_DEPLOY": "d3p",
    }
    result = invoke(
        _event("2026-06-15T00:00:00Z", skip_days=[1, 15]),
        SimpleNamespace(aws_request_id="r-2"),
        environ=environ,
        emit=lines.append,
        emit_start=lines.append,
    )
    assert result is None
    return lines


def test_a_skipped_fire_runs_nothing_and_logs_only_its_skip_line() -> None:
    (line,) = _skipped_invocation()
    logged = json.loads(line)
    assert {k: logged[k] for k in ("sched", "job", "request_id", "deploy")} == {
        "sched": "skip",
        "job": "payroll",
        "request_id": "r-2",
        "deploy": "d3p",
    }


def test_history_leaves_a_skipped_fire_out_and_counts_nothing() -> None:
    # The day both halves fire: the first ran (a run line), the second only skipped.
    _, trigger = contract.read_event(_event("2026-06-15T00:00:00Z"))
    ran = contract.RunRecord(
        job="payroll", catalogue="acme", trigger=trigger, request_id="r-1", start=NOON,
        end=NOON + 1, status=contract.SUCCEEDED, error_type=None, error_message=None,
        expected_runtime_ms=None, deploy="d3p",
    )  # fmt: skip
    events = [
        LogEvent(1000, "START RequestId: r-1 Version: $LATEST", "s1"),
        LogEvent(1001, json.dumps(ran.line()), "s1"),
        LogEvent(1002, "END RequestId: r-1", "s1"),
        LogEvent(2000, "START RequestId: r-2 Version: $LATEST", "s2"),
        *(LogEvent(2001, line, "s2") for line in _skipped_invocation()),
        LogEvent(2002, "END RequestId: r-2", "s2"),
        LogEvent(2003, "REPORT RequestId: r-2\tDuration: 1.00 ms", "s2"),
    ]
    found = reconstruct(
        events, "payroll", now=datetime(2026, 6, 16, tzinfo=UTC), binding=Binding("d3p", 0)
    )
    assert [run.request_id for run in found.runs] == ["r-1"]
    assert found.skipped.total == 0


def test_history_expects_the_union_of_both_halves_once_a_day() -> None:
    (job,) = _catalogue().jobs
    expected = expected_fires(
        job,
        parse(job.schedule),
        [],
        since=datetime(2026, 5, 31, tzinfo=UTC),
        until=datetime(2026, 6, 16, tzinfo=UTC),
    )
    assert [f.day for f in expected.fires] == [1, 8, 15]
