"""Compile turns a small catalogue into exactly these resources, the same every time."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from scheduler.canonical import canonical_json
from scheduler.catalogue.model import Backend, Catalogue, Compute, Fargate, Grant, Job, Vpc
from scheduler.compile import (
    CompileError,
    compile_catalogue,
    deploy_value,
    desired_state_to_json,
)
from scheduler.package import PackageRef
from scheduler.ports import ReadScope
from scheduler.resource_state import ResourceState
from scheduler.resources import (
    EcsParameters,
    Function,
    InputTransformer,
    Permission,
    QueueStatement,
    Resource,
    RetryPolicy,
    Role,
    Rule,
    Schedule,
    ScheduleGroup,
    Target,
    Toggle,
    VpcConfig,
)
from scheduler.runtime import contract as runtime

ACCOUNT = "123456789012"
REGION = "eu-west-1"
LONG = "x" * 60
LONG_FULL = f"acme-ops-{LONG}"
LONG_NAME = f"{LONG_FULL[:55]}-{hashlib.sha256(LONG_FULL.encode()).hexdigest()[:8]}"
LEGACY_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:legacy"
DLQ = f"arn:aws:sqs:{REGION}:{ACCOUNT}:export-dlq"
CUSTOM_ROLE = f"arn:aws:iam::{ACCOUNT}:role/custom"


def _job(name: str, schedule: str, **kwargs: object) -> Job:
    values: dict[str, object] = {
        "expected_runtime": timedelta(minutes=1),
        "timeout": timedelta(minutes=2),
        "timeout_is_explicit": False,
    }
    values.update(kwargs)
    return Job(name=name, schedule=schedule, **values)  # type: ignore[arg-type]


CATALOGUE = Catalogue(
    name="acme-ops",
    path=Path("/repo/jobs.yaml"),
    jobs=(
        _job(
            "log-backup",
            "cron(0 2 ? * MON *)",
            description="Back up logs",
            expected_runtime=timedelta(minutes=5),
            timeout=timedelta(minutes=10),
            handler="jobs/log_backup/handler.py:main",
            input={"bucket": "logs", "note": "<b>"},
            environment=(("LOG_LEVEL", "info"), ("SCHED_JOB", "not-this")),
            tags=(("managed-by", "me"), ("team", "platform")),
            permissions=(
                Grant(
                    {
                        "Effect": "Allow",
                        "Action": "s3:GetObject",
                        "Resource": "arn:aws:s3:::logs/*",
                    },
                    ("jobs", "log-backup", "permissions", 0),
                ),
                Grant(
                    "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
                    ("jobs", "log-backup", "permissions", 1),
                ),
            ),
        ),
        _job(
            "nightly-export",
            "30 1 * * *",
            backend=Backend.SCHEDULER,
            timezone="Europe/Paris",
            memory=512,
            expected_runtime=timedelta(minutes=3),
            timeout=timedelta(seconds=90.5),
            handler="jobs/nightly_export/export.py:run",
            input={"table": "orders"},
            retries=1,
            max_event_age=timedelta(minutes=30),
            delivery_retries=3,
            delivery_max_event_age=timedelta(hours=1),
            dead_letter_queue=DLQ,
        ),
        _job("legacy-report", "rate(1 day)", function=LEGACY_ARN, enabled=False),
        _job(
            "search-reindex",
            "cron(0 3 ? * SUN *)",
            compute=Compute.FARGATE,
            expected_runtime=timedelta(minutes=45),
            input={"full": True},
            fargate=Fargate(
                cluster="acme-batch",
                task_definition="search-reindex",
                subnets=("subnet-2", "subnet-1"),
                security_groups=("sg-1",),
                container="indexer",
            ),
        ),
        _job(LONG, "rate(5 minutes)", handler="jobs/long/handler.py:main", role=CUSTOM_ROLE),
    ),
)
PACKAGES = {
    job: PackageRef(job, Path(f"/build/{job}.zip"), f"{job}-sha=", 100)
    for job in ("log-backup", "nightly-export", LONG)
}


def _tags(job: str | None = None, **extra: str) -> tuple[tuple[str, str], ...]:
    # sched:tags marks the keys of the catalogue's own tags (short hashes), when there are any.
    marks = {"team": "ca8b22"}
    tags = {"managed-by": "sched", "sched:catalogue": "acme-ops", **extra}
    if extra:
        tags["sched:tags"] = " ".join(sorted(marks[k] for k in extra))
    if job is not None:
        tags["sched:job"] = job
    return tuple(sorted(tags.items()))


def _with_policies(resource: Resource) -> Resource:
    """A role also marks the managed policies sched attached to it, when there are any."""
    if not isinstance(resource, Role) or not resource.managed_policy_arns:
        return resource
    marks = {"arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess": "874374"}
    value = " ".join(sorted(marks[a] for a in resource.managed_policy_arns))
    return replace(resource, tags=tuple(sorted((*resource.tags, ("sched:policies", value)))))


def _lambda_arn(name: str) -> str:
    return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"


def _rule_arn(name: str) -> str:
    return f"arn:aws:events:{REGION}:{ACCOUNT}:rule/{name}"


def _role_arn(name: str) -> str:
    return f"arn:aws:iam::{ACCOUNT}:role/{name}"


def _rule_input(job: str, input_json: str) -> InputTransformer:
    return InputTransformer(
        paths=(("id", "$.id"), ("time", "$.time")),
        template=(
            f'{{"sched":{{"job":"{job}","scheduled_time":<time>,"event_id":<id>}},'
            f'"input":{input_json}}}'
        ),
    )


def _trust(service: str, condition: dict[str, object] | None = None) -> str:
    statement: dict[str, object] = {
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": "sts:AssumeRole",
    }
    if condition:
        statement["Condition"] = condition
    return canonical_json({"Version": "2012-10-17", "Statement": [statement]})


TASK_DEFINITION = f"arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/search-reindex"
CLUSTER = f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/acme-batch"


def _log_statements(job: str) -> list[dict[str, object]]:
    group = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/sched/acme-ops/{job}"
    before = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/aws/lambda/acme-ops-{job}"
    return [
        {
            "Sid": "CreateOwnLogGroup",
            "Effect": "Allow",
            "Action": ["logs:CreateLogGroup"],
            "Resource": [group, before],
        },
        {
            "Sid": "WriteOwnLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": [f"{group}:*", f"{before}:*"],
        },
    ]


def _deployed(function: Function) -> Function:
    """`function` with the SCHED_DEPLOY compile gives it (its properties are tested below)."""
    environment = (*function.environment, ("SCHED_DEPLOY", deploy_value(function)))
    return replace(function, environment=tuple(sorted(environment)))


EXPECTED: list[Resource] = [
    Role(
        name="acme-ops-log-backup",
        trust_policy=_trust("lambda.amazonaws.com"),
        description="Execution role of job log-backup of sched catalogue acme-ops",
        inline_policy=canonical_json(
            {
                "Version": "2012-10-17",
                "Statement": [
                    *_log_statements("log-backup"),
                    {
                        "Effect": "Allow",
                        "Action": ["s3:GetObject"],
                        "Resource": ["arn:aws:s3:::logs/*"],
                    },
                ],
            }
        ),
        managed_policy_arns=("arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",),
        tags=_tags("log-backup", team="platform"),
    ),
    Role(
        name="acme-ops-nightly-export",
        trust_policy=_trust("lambda.amazonaws.com"),
        description="Execution role of job nightly-export of sched catalogue acme-ops",
        inline_policy=canonical_json(
            {
                "Version": "2012-10-17",
                "Statement": [
                    *_log_statements("nightly-export"),
                    {
                        "Sid": "SendFailedRuns",
                        "Effect": "Allow",
                        "Action": ["sqs:SendMessage"],
                        "Resource": [DLQ],
                    },
                ],
            }
        ),
        tags=_tags("nightly-export"),
    ),
    Role(
        name="acme-ops-sched-ecs",
        trust_policy=_trust("events.amazonaws.com"),
        description="EventBridge role running Fargate tasks of catalogue acme-ops",
        inline_policy=canonical_json(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "RunTasks",
                        "Effect": "Allow",
                        "Action": "ecs:RunTask",
                        "Resource": [TASK_DEFINITION, f"{TASK_DEFINITION}:*"],
                        "Condition": {"ArnEquals": {"ecs:cluster": [CLUSTER]}},
                    },
                    {
                        "Sid": "PassTaskRoles",
                        "Effect": "Allow",
                        "Action": "iam:PassRole",
                        "Resource": ["*"],
                        "Condition": {
                            "StringLike": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}
                        },
                    },
                ],
            }
        ),
        tags=_tags(),
    ),
    Role(
        name="acme-ops-sched-scheduler",
        trust_policy=_trust(
            "scheduler.amazonaws.com", {"StringEquals": {"aws:SourceAccount": ACCOUNT}}
        ),
        description="EventBridge Scheduler role of sched catalogue acme-ops",
        inline_policy=canonical_json(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "InvokeJobs",
                        "Effect": "Allow",
                        "Action": "lambda:InvokeFunction",
                        "Resource": [_lambda_arn("acme-ops-nightly-export")],
                    },
                    {
                        "Sid": "DeadLetters",
                        "Effect": "Allow",
                        "Action": "sqs:SendMessage",
                        "Resource": [DLQ],
                    },
                ],
            }
        ),
        tags=_tags(),
    ),
    _deployed(
        Function(
            name="acme-ops-log-backup",
            runtime="python3.12",
            handler="sched_runtime.handler",
            role_arn=_role_arn("acme-ops-log-backup"),
            memory_mb=256,
            timeout_seconds=600,
            code_sha256="log-backup-sha=",
            environment=(
                ("LOG_LEVEL", "info"),
                ("SCHED_CATALOGUE", "acme-ops"),
                ("SCHED_EXPECTED_RUNTIME_MS", "300000"),
                ("SCHED_HANDLER", "handler.main"),
                ("SCHED_JOB", "log-backup"),
            ),
            description="Back up logs",
            tags=_tags("log-backup", team="platform"),
            code_path=Path("/build/log-backup.zip"),
            log_group="/sched/acme-ops/log-backup",
        )
    ),
    _deployed(
        Function(
            name="acme-ops-nightly-export",
            runtime="python3.12",
            handler="sched_runtime.handler",
            role_arn=_role_arn("acme-ops-nightly-export"),
            memory_mb=512,
            timeout_seconds=91,
            code_sha256="nightly-export-sha=",
            environment=(
                ("SCHED_CATALOGUE", "acme-ops"),
                ("SCHED_EXPECTED_RUNTIME_MS", "180000"),
                ("SCHED_HANDLER", "export.run"),
                ("SCHED_JOB", "nightly-export"),
            ),
            tags=_tags("nightly-export"),
            retry_attempts=1,
            max_event_age_seconds=1800,
            on_failure=DLQ,
            code_path=Path("/build/nightly-export.zip"),
            log_group="/sched/acme-ops/nightly-export",
        )
    ),
    _deployed(
        Function(
            name=LONG_NAME,
            runtime="python3.12",
            handler="sched_runtime.handler",
            role_arn=CUSTOM_ROLE,
            memory_mb=256,
            timeout_seconds=120,
            code_sha256=f"{LONG}-sha=",
            environment=(
                ("SCHED_CATALOGUE", "acme-ops"),
                ("SCHED_EXPECTED_RUNTIME_MS", "60000"),
                ("SCHED_HANDLER", "handler.main"),
                ("SCHED_JOB", LONG),
            ),
            tags=_tags(LONG),
            code_path=Path(f"/build/{LONG}.zip"),
            log_group=f"/sched/acme-ops/{LONG}",
        )
    ),
    Permission(
        function="acme-ops-log-backup",
        statement_id="acme-ops-log-backup",
        principal="events.amazonaws.com",
        source_arn=_rule_arn("acme-ops-log-backup"),
    ),
    Permission(
        function=LONG_NAME,
        statement_id=LONG_FULL,
        principal="events.amazonaws.com",
        source_arn=_rule_arn(LONG_NAME),
    ),
    Permission(
        function=LEGACY_ARN,
        statement_id="acme-ops-legacy-report",
        principal="events.amazonaws.com",
        source_arn=_rule_arn("acme-ops-legacy-report"),
    ),
    Rule(
        name="acme-ops-legacy-report",
        schedule_expression="rate(1 day)",
        state=Toggle.DISABLED,
        tags=_tags("legacy-report"),
    ),
    Rule(
        name="acme-ops-log-backup",
        schedule_expression="cron(0 2 ? * MON *)",
        description="Back up logs",
        tags=_tags("log-backup", team="platform"),
    ),
    Rule(
        name="acme-ops-search-reindex",
        schedule_expression="cron(0 3 ? * SUN *)",
        tags=_tags("search-reindex"),
    ),
    Rule(
        name=LONG_NAME,
        schedule_expression="rate(5 minutes)",
        tags=_tags(LONG),
    ),
    ScheduleGroup(name="acme-ops", tags=_tags()),
    Schedule(
        group="acme-ops",
        name="acme-ops-nightly-export",
        expression="cron(30 1 * * ? *)",
        timezone="Europe/Paris",
        target_arn=_lambda_arn("acme-ops-nightly-export"),
        role_arn=_role_arn("acme-ops-sched-scheduler"),
        input=(
            '{"input":{"table":"orders"},"sched":{"attempt":"<aws.scheduler.attempt-number>",'
            '"execution_id":"<aws.scheduler.execution-id>","job":"nightly-export",'
            '"scheduled_time":"<aws.scheduler.scheduled-time>"}}'
        ),
        retry_policy=RetryPolicy(3, 3600),
        dead_letter_arn=DLQ,
    ),
    Target(
        rule="acme-ops-legacy-report",
        id="sched",
        arn=LEGACY_ARN,
        input_transformer=_rule_input("legacy-report", "{}"),
        retry_policy=RetryPolicy(2, 86400),
    ),
    Target(
        rule="acme-ops-log-backup",
        id="sched",
        arn=_lambda_arn("acme-ops-log-backup"),
        input_transformer=_rule_input("log-backup", '{"bucket":"logs","note":"\\u003cb\\u003e"}'),
        retry_policy=RetryPolicy(2, 86400),
    ),
    Target(
        rule="acme-ops-search-reindex",
        id="sched",
        arn=CLUSTER,
        input_transformer=InputTransformer(
            paths=(("id", "$.id"), ("time", "$.time")),
            template=(
                '{"containerOverrides":[{"name":"indexer","environment":['
                '{"name":"SCHED_JOB","value":"search-reindex"},'
                '{"name":"SCHED_SCHEDULED_TIME","value":<time>},'
                '{"name":"SCHED_EVENT_ID","value":<id>},'
                '{"name":"SCHED_INPUT","value":"{\\"full\\":true}"}]}]}'
            ),
        ),
        retry_policy=RetryPolicy(2, 86400),
        role_arn=_role_arn("acme-ops-sched-ecs"),
        ecs=EcsParameters(
            task_definition_arn=TASK_DEFINITION,
            subnets=("subnet-1", "subnet-2"),
            security_groups=("sg-1",),
        ),
    ),
    Target(
        rule=LONG_NAME,
        id="sched",
        arn=_lambda_arn(LONG_NAME),
        input_transformer=_rule_input(LONG, "{}"),
        retry_policy=RetryPolicy(2, 86400),
    ),
]


def _compile(catalogue: Catalogue = CATALOGUE) -> ResourceState:
    return compile_catalogue(catalogue, account=ACCOUNT, region=REGION, packages=PACKAGES)


def test_the_catalogue_compiles_to_exactly_these_resources_in_apply_order() -> None:
    state = _compile()
    assert list(state) == [_with_policies(r) for r in EXPECTED]
    # code_path is not compared, so check it separately
    assert [r.code_path for r in state if isinstance(r, Function)] == [
        f.code_path for f in EXPECTED if isinstance(f, Function)
    ]


def _backup_function(catalogue: Catalogue = CATALOGUE) -> Function:
    state = compile_catalogue(catalogue, account=ACCOUNT, region=REGION, packages=PACKAGES)
    [function] = [r for r in state if isinstance(r, Function) and r.name == "acme-ops-log-backup"]
    return function


def test_each_function_carries_a_deployment_value_of_its_code_and_configuration() -> None:
    function = _backup_function()
    deploy = dict(function.environment)["SCHED_DEPLOY"]
    assert len(deploy) == 20 and int(deploy, 16) >= 0
    # The same deployment gives the same value (a second apply plans nothing) ...
    assert dict(_backup_function().environment)["SCHED_DEPLOY"] == deploy
    # ... new code or configuration a new one, a tag alone none, nor other zip bytes of the
    # same files (another zlib).
    assert deploy_value(replace(function, code="other-files")) != deploy
    assert deploy_value(replace(function, code_sha256="other-sha=")) == deploy
    assert deploy_value(replace(function, memory_mb=1024)) != deploy
    assert deploy_value(replace(function, tags=())) == deploy
    other_deploy = tuple(
        (k, "anything" if k == "SCHED_DEPLOY" else v) for k, v in function.environment
    )
    assert deploy_value(replace(function, environment=other_deploy)) == deploy


def test_compiling_is_deterministic() -> None:
    reordered = replace(CATALOGUE, jobs=tuple(reversed(CATALOGUE.jobs)))
    assert _compile() == _compile(reordered)
    assert desired_state_to_json(_compile()) == desired_state_to_json(_compile(reordered))


def test_every_taggable_resource_carries_both_ownership_tags() -> None:
    for resource in _compile():
        if isinstance(resource, Role | Function | Rule | ScheduleGroup):
            tags = dict(resource.tags)
            assert tags["managed-by"] == "sched", resource
            assert tags["sched:catalogue"] == "acme-ops", resource


def test_a_rule_input_fills_in_to_an_event_the_runtime_reads() -> None:
    target = next(r for r in _compile() if isinstance(r, Target) and r.rule.endswith("log-backup"))
    assert target.input_transformer is not None
    # What EventBridge does with unquoted placeholders: substitute the JSON value.
    event = json.loads(
        target.input_transformer.template.replace("<time>", '"2026-11-23T02:00:00Z"').replace(
            "<id>", '"7bf73129"'
        )
    )
    payload, trigger = runtime.read_event(event)
    assert payload == {"bucket": "logs", "note": "<b>"}
    assert (trigger.kind, trigger.job, trigger.trigger_id) == ("rule", "log-backup", "7bf73129")
    assert trigger.scheduled_time_text == "2026-11-23T02:00:00Z"


def test_a_schedule_input_fills_in_to_an_event_the_runtime_reads() -> None:
    schedule = next(r for r in _compile() if isinstance(r, Schedule))
    text = (
        schedule.input.replace("<aws.scheduler.scheduled-time>", "2026-11-23T00:30:00Z")
        .replace("<aws.scheduler.execution-id>", "d32c5kddcf5bb8c3")
        .replace("<aws.scheduler.attempt-number>", "2")
    )
    payload, trigger = runtime.read_event(json.loads(text))
    assert payload == {"table": "orders"}
    assert (trigger.kind, trigger.job, trigger.trigger_id, trigger.attempt) == (
        "scheduler",
        "nightly-export",
        "d32c5kddcf5bb8c3",
        2,
    )


def test_json_output_is_stable_and_readable() -> None:
    only_rules = replace(CATALOGUE, jobs=(CATALOGUE.jobs[2],))
    text = desired_state_to_json(_compile(only_rules))
    data = json.loads(text)
    assert [(r["kind"], r.get("name", r.get("rule"))) for r in data["resources"]] == [
        ("permission", None),
        ("rule", "acme-ops-legacy-report"),
        ("target", "acme-ops-legacy-report"),
    ]
    assert data["resources"][1] == {
        "kind": "rule",
        "name": "acme-ops-legacy-report",
        "schedule_expression": "rate(1 day)",
        "state": "DISABLED",
        "description": "",
        "tags": {
            "managed-by": "sched",
            "sched:catalogue": "acme-ops",
            "sched:job": "legacy-report",
        },
    }
    assert text == json.dumps(data, indent=2, sort_keys=True)


def test_json_output_shows_policies_as_json() -> None:
    data = json.loads(desired_state_to_json(_compile()))
    exec_role = next(r for r in data["resources"] if r.get("name") == "acme-ops-log-backup")
    assert exec_role["trust_policy"]["Statement"][0]["Principal"] == {
        "Service": "lambda.amazonaws.com"
    }
    assert exec_role["inline_policy"]["Statement"][2]["Action"] == ["s3:GetObject"]
    assert "code_path" not in next(r for r in data["resources"] if r["kind"] == "function")


def test_the_read_scope_names_the_functions_sched_grants_access_to() -> None:
    # existing ones (no sched tags), and its own rules-backed ones; not the Scheduler-backed one
    scope = ReadScope.for_desired("acme-ops", _compile(), account=ACCOUNT, region=REGION)
    assert scope == ReadScope(
        "acme-ops",
        ACCOUNT,
        REGION,
        external_functions=(LEGACY_ARN,),
        invoked_functions=("acme-ops-log-backup", LONG_NAME),
    )


def test_roles_name_the_services_they_trust() -> None:
    roles = [r for r in _compile() if isinstance(r, Role)]
    assert [(r.name, r.trust_services) for r in roles] == [
        ("acme-ops-log-backup", ("lambda.amazonaws.com",)),
        ("acme-ops-nightly-export", ("lambda.amazonaws.com",)),
        ("acme-ops-sched-ecs", ("events.amazonaws.com",)),
        ("acme-ops-sched-scheduler", ("scheduler.amazonaws.com",)),
    ]


def test_a_job_without_its_package_cannot_compile() -> None:
    with pytest.raises(CompileError, match='job "log-backup" has no built package'):
        compile_catalogue(CATALOGUE, account=ACCOUNT, region=REGION, packages={})


def test_a_bad_schedule_is_a_compile_error() -> None:
    broken = replace(CATALOGUE, jobs=(_job("bad", "every tuesday", function=LEGACY_ARN),))
    with pytest.raises(
        CompileError, match='job "bad": schedule "every tuesday" cannot be compiled'
    ):
        _compile(broken)


def test_a_one_time_schedule_needs_the_scheduler_backend() -> None:
    once = _job("once", "at(2030-01-01T00:00:00)", function=LEGACY_ARN)
    with pytest.raises(CompileError, match="rules cannot run a one-time"):
        _compile(replace(CATALOGUE, jobs=(once,)))
    scheduled = _compile(replace(CATALOGUE, jobs=(replace(once, backend=Backend.SCHEDULER),)))
    assert [r.expression for r in scheduled if isinstance(r, Schedule)] == [
        "at(2030-01-01T00:00:00)"
    ]


def test_fargate_jobs_need_settings() -> None:
    reindex = CATALOGUE.jobs[3]
    with pytest.raises(CompileError, match="has no fargate settings"):
        _compile(replace(CATALOGUE, jobs=(replace(reindex, fargate=None),)))


def test_an_empty_catalogue_needs_nothing() -> None:
    assert len(_compile(replace(CATALOGUE, jobs=()))) == 0


def _with_dead_letters(*jobs: Job) -> ResourceState:
    return _compile(replace(CATALOGUE, jobs=jobs))


def test_a_rule_with_a_dead_letter_queue_gets_its_own_statement_in_the_queues_policy() -> None:
    lambda_job = _job("log-backup", "rate(1 day)", function=LEGACY_ARN, dead_letter_queue=DLQ)
    state = _with_dead_letters(lambda_job)
    statements = [r for r in state if isinstance(r, QueueStatement)]
    rule_arn = f"arn:aws:events:{REGION}:{ACCOUNT}:rule/acme-ops-log-backup"
    assert statements == [
        QueueStatement(queue_arn=DLQ, sid="acme-ops-log-backup", source_arn=rule_arn)
    ]
    assert statements[0].statement == {
        "Sid": "acme-ops-log-backup",
        "Effect": "Allow",
        "Principal": {"Service": "events.amazonaws.com"},
        "Action": "sqs:SendMessage",
        "Resource": DLQ,
        "Condition": {"ArnEquals": {"aws:SourceArn": rule_arn}},
    }


def test_a_schedule_and_a_queue_less_rule_add_no_queue_statement() -> None:
    # Scheduler sends dead letters with its own role (sqs:SendMessage there); an SNS topic
    # cannot be a rule target's dead-letter queue at all.
    state = _with_dead_letters(
        _job("a", "rate(1 day)", function=LEGACY_ARN, backend=Backend.SCHEDULER,
             dead_letter_queue=DLQ),
        _job("b", "rate(1 day)", function=LEGACY_ARN),
    )  # fmt: skip
    assert [r for r in state if isinstance(r, QueueStatement)] == []


def test_the_read_scope_names_the_dead_letter_queues_whose_policy_sched_writes() -> None:
    desired = _with_dead_letters(
        _job("a", "rate(1 day)", function=LEGACY_ARN, dead_letter_queue=DLQ)
    )
    scope = ReadScope.for_desired("acme-ops", desired, account=ACCOUNT, region=REGION)
    assert scope.dead_letter_queues == (DLQ,)


def test_a_job_in_a_vpc_runs_its_function_there_with_sorted_ids() -> None:
    job = _job(
        "log-backup",
        "rate(1 day)",
        handler="jobs/log_backup/handler.py:main",
        vpc=Vpc(subnets=("subnet-0000000b", "subnet-0000000a"), security_groups=("sg-0000000c",)),
    )
    state = _compile(replace(CATALOGUE, jobs=(job,)))
    [function] = [r for r in state if isinstance(r, Function)]
    assert function.vpc == VpcConfig(
        subnet_ids=("subnet-0000000a", "subnet-0000000b"), security_group_ids=("sg-0000000c",)
    )
    [role] = [r for r in state if isinstance(r, Role)]
    assert "ec2:CreateNetworkInterface" in (role.inline_policy or "")


def test_a_fargate_job_on_scheduler_is_a_schedule_starting_its_task_in_its_zone() -> None:
    reindex = replace(CATALOGUE.jobs[3], backend=Backend.SCHEDULER, timezone="Europe/Paris")
    state = _compile(replace(CATALOGUE, jobs=(reindex,)))
    (schedule,) = [r for r in state if isinstance(r, Schedule)]
    assert (schedule.name, schedule.timezone) == ("acme-ops-search-reindex", "Europe/Paris")
    assert schedule.target_arn == f"arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/acme-batch"
    assert schedule.ecs is not None and schedule.ecs.task_definition_arn == TASK_DEFINITION
    overrides = json.loads(schedule.input)["containerOverrides"][0]
    assert {e["name"]: e["value"] for e in overrides["environment"]}["SCHED_SCHEDULED_TIME"] == (
        "<aws.scheduler.scheduled-time>"
    )
    assert not [r for r in state if isinstance(r, Rule | Target)]
    (role,) = [r for r in state if isinstance(r, Role)]
    assert role.name == "acme-ops-sched-scheduler"
    actions = {s["Action"] for s in json.loads(role.inline_policy or "{}")["Statement"]}
    assert actions == {"ecs:RunTask", "iam:PassRole"}
