"""Each scope's functions log to groups under `/sched/<scope>/`, a prefix no other scope's
groups share; a function read back from Lambda carries the group it logs to, so a function that
still logs to Lambda's default group plans an update saying where its logs now go."""

from __future__ import annotations

from dataclasses import replace

from scheduler import naming
from scheduler.aws.convert import function_from_aws
from scheduler.plan import Action, make_plan
from scheduler.report import plan as report
from scheduler.resource_state import DesiredState, ResourceState
from scheduler.resources import Function

DESIRED = Function(
    name="acme-job",
    runtime="python3.12",
    handler="sched_runtime.handler",
    role_arn="arn:aws:iam::123456789012:role/acme-job",
    memory_mb=256,
    timeout_seconds=60,
    code_sha256="sha=",
    code="digest",
    tags=(("managed-by", "sched"), ("sched:catalogue", "acme"), ("sched:job", "job")),
    log_group="/sched/acme/job",
)


def _config(logging: dict[str, str] | None) -> dict[str, object]:
    """GetFunctionConfiguration's answer for DESIRED (Lambda always reports LoggingConfig)."""
    config: dict[str, object] = {
        "FunctionName": "acme-job",
        "Runtime": "python3.12",
        "Handler": "sched_runtime.handler",
        "Role": DESIRED.role_arn,
        "MemorySize": 256,
        "Timeout": 60,
        "CodeSha256": "sha=",
        "Environment": {"Variables": {"SCHED_CODE": "digest:sha="}},  # sched's record of it
    }
    return {**config, "LoggingConfig": logging} if logging is not None else config


def test_a_scope_s_groups_start_with_a_prefix_no_other_scope_s_groups_share() -> None:
    assert naming.log_group_name("acme", "job") == "/sched/acme/job"
    assert naming.log_group_name("acme-dev", "sched-watcher") == "/sched/acme-dev/sched-watcher"
    assert naming.log_group_prefix("acme") == "/sched/acme/"
    others = [naming.log_group_name("acme-ops", "job"), naming.log_group_name("acme", "x")[:-2]]
    assert not any(g.startswith(naming.log_group_prefix("acme")) for g in others)


def test_a_name_past_the_limit_keeps_within_it_and_stays_distinct() -> None:
    long = "j" * 600
    group = naming.log_group_name("acme", long)
    assert len(group) <= 512 and group.startswith("/sched/acme/")
    assert group != naming.log_group_name("acme", long + "x")


def test_a_function_still_on_lambda_s_default_group_plans_an_update_saying_where_logs_go() -> None:
    deployed = function_from_aws(
        _config({"LogFormat": "JSON", "LogGroup": "/aws/lambda/acme-job"}), dict(DESIRED.tags)
    )
    assert deployed.log_group == "/aws/lambda/acme-job"

    plan = make_plan(DesiredState.of([DESIRED]), ResourceState.of([deployed]))

    [change] = plan.pending
    assert (change.action, [str(f) for f in change.fields]) == (
        Action.UPDATE,
        ["log_group: /aws/lambda/acme-job → /sched/acme/job"],
    )
    assert "log_group: /aws/lambda/acme-job → /sched/acme/job" in report.to_text(
        plan, header="", width=100
    )


def test_a_function_on_its_group_plans_nothing() -> None:
    deployed = function_from_aws(
        _config({"LogFormat": "JSON", "LogGroup": "/sched/acme/job"}), dict(DESIRED.tags)
    )
    assert make_plan(DesiredState.of([DESIRED]), ResourceState.of([deployed])).pending == ()


def test_an_endpoint_that_reports_no_logging_config_reads_as_the_group_sched_gives() -> None:
    # moto 5 stores no LoggingConfig: the reader passes the group sched gives the function.
    deployed = function_from_aws(_config(None), dict(DESIRED.tags), "/sched/acme/job")
    assert deployed == replace(DESIRED, log_format=deployed.log_format)
