"""AWS API shapes ⇄ resources, both ways, pure: what the reader builds from responses and what
the writer sends. A resource read back from what the writer sent equals the one it was sent for
(canonical JSON, sorted pairs, "" for absent descriptions), so that apply → read → plan is empty.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from scheduler import limits, naming
from scheduler.aws.code_record import deployed_code
from scheduler.canonical import canonical_json
from scheduler.compile import LOG_FORMAT
from scheduler.resources import (
    EcsParameters,
    Function,
    InputTransformer,
    Pairs,
    Permission,
    QueueStatement,
    RetryPolicy,
    Role,
    Rule,
    Schedule,
    Target,
    Toggle,
    VpcConfig,
    pairs,
)

if TYPE_CHECKING:
    from mypy_boto3_events.type_defs import TagTypeDef as EventsTag
    from mypy_boto3_events.type_defs import TargetTypeDef as RuleTargetDef
    from mypy_boto3_iam.type_defs import TagTypeDef as IamTag
    from mypy_boto3_scheduler.type_defs import FlexibleTimeWindowTypeDef
    from mypy_boto3_scheduler.type_defs import TagTypeDef as SchedulerTag
    from mypy_boto3_scheduler.type_defs import TargetTypeDef as ScheduleTargetDef

Response = Mapping[str, Any]

# Scheduler's defaults when a schedule's target sets no retry policy:
# https://docs.aws.amazon.com/scheduler/latest/APIReference/API_RetryPolicy.html
_DEFAULT_RETRY = RetryPolicy(
    maximum_retry_attempts=limits.EVENTBRIDGE_MAX_RETRY_ATTEMPTS,
    maximum_event_age_seconds=limits.EVENTBRIDGE_MAX_EVENT_AGE_SECONDS,
)


# ---- reading ------------------------------------------------------------------------------


def tags_from_list(tags: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    """`[{"Key": k, "Value": v}]` (IAM, EventBridge, Scheduler, tagging API) → a dict."""
    return {str(t["Key"]): str(t.get("Value", "")) for t in tags}


def role_from_aws(
    role: Response, *, tags: Mapping[str, str], inline_policy: object | None, managed: list[str]
) -> Role:
    """A role from ListRoles/GetRole, its tags, its `sched` policy document and attachments."""
    return Role(
        name=role["RoleName"],
        trust_policy=canonical_json(role["AssumeRolePolicyDocument"]),
        description=role.get("Description") or "",
        inline_policy=None if inline_policy is None else canonical_json(inline_policy),
        managed_policy_arns=tuple(sorted(managed)),
        tags=pairs(tags),
    )


def function_from_aws(
    config: Response, tags: Mapping[str, str], log_group: str | None = None
) -> Function:
    """A function from its configuration (ListFunctions / GetFunctionConfiguration).
    `log_group` is the group sched gives it, what it reads as where the endpoint reports no
    LoggingConfig."""
    logging = config.get("LoggingConfig")
    code_sha256 = config.get("CodeSha256") or ""
    code, environment = deployed_code(
        (config.get("Environment") or {}).get("Variables") or {}, code_sha256
    )
    return Function(
        name=config["FunctionName"],
        runtime=config.get("Runtime") or "",
        handler=config.get("Handler") or "",
        role_arn=config["Role"],
        memory_mb=int(config.get("MemorySize") or 0),
        timeout_seconds=int(config.get("Timeout") or 0),
        code_sha256=code_sha256,
        code=code,
        environment=pairs(environment),
        description=config.get("Description") or "",
        # Lambda always reports LoggingConfig (Text by default); an endpoint that leaves it out
        # (moto 5) cannot store a log format, so it reads as the one sched sets, not as a change.
        log_format=logging.get("LogFormat", "Text") if logging else LOG_FORMAT,
        # Likewise its log group (Lambda reports its default, /aws/lambda/<name>, as such).
        log_group=(
            logging.get("LogGroup") or naming.lambda_log_group(config["FunctionName"])
            if logging
            else log_group
        ),
        tags=pairs(tags),
        vpc=_vpc(config.get("VpcConfig")),
        architecture=(config.get("Architectures") or ["x86_64"])[0],
    )


def _vpc(config: Mapping[str, Any] | None) -> VpcConfig | None:
    """A function's VPC settings; none, or empty lists (how a function left its VPC), is None."""
    subnets = sorted((config or {}).get("SubnetIds") or [])
    groups = sorted((config or {}).get("SecurityGroupIds") or [])
    return VpcConfig(tuple(subnets), tuple(groups)) if subnets or groups else None


def invoke_config_from_aws(function: Function, config: Response) -> Function:
    """`function` with what GetFunctionEventInvokeConfig says (a key left out is Lambda's
    default)."""
    on_failure = ((config.get("DestinationConfig") or {}).get("OnFailure") or {}).get("Destination")
    return replace(
        function,
        retry_attempts=int(config.get("MaximumRetryAttempts", limits.LAMBDA_MAX_RETRY_ATTEMPTS)),
        max_event_age_seconds=int(
            config.get("MaximumEventAgeInSeconds", limits.LAMBDA_MAX_EVENT_AGE_SECONDS)
        ),
        on_failure=on_failure or None,
    )


def permissions_from_policy(policy: str | Response, function: str) -> list[Permission]:
    """Every statement of a function's resource policy; which are owned is the reader's call.

    `function` is how the permission names its function (name, or ARN for existing functions).
    """
    document = json.loads(policy) if isinstance(policy, str) else policy
    return [
        Permission(
            function=function,
            statement_id=str(statement.get("Sid", "")),
            principal=_principal(statement.get("Principal")),
            source_arn=_source_arn(statement.get("Condition") or {}),
            action=_first(statement.get("Action", "")),
            qualifier=_qualifier(statement.get("Resource")),
        )
        for statement in document.get("Statement", [])
    ]


def _qualifier(resource: object) -> str | None:
    """The alias or version a statement's Resource names (`...:function:NAME:live`), if any."""
    parts = _first(resource).split(":") if resource else []
    return parts[7] if len(parts) == 8 and parts[5] == "function" and parts[7] else None


def queue_statements_from_policy(policy: str | None, queue_arn: str) -> list[QueueStatement]:
    """Every statement of a queue's policy read as a `QueueStatement`; which are owned is the
    reader's call (`state.owns_queue_statement`)."""
    if not policy:
        return []
    return [
        QueueStatement(
            queue_arn=queue_arn,
            sid=str(statement.get("Sid", "")),
            source_arn=_source_arn(statement.get("Condition") or {}),
            principal=_principal(statement.get("Principal")),
            action=_first(statement.get("Action", "")),
        )
        for statement in _statements(policy)
    ]


def _statements(policy: str | None) -> list[dict[str, Any]]:
    document = json.loads(policy) if policy else {}
    statements = document.get("Statement", []) if isinstance(document, dict) else []
    statements = [statements] if isinstance(statements, dict) else statements
    return [s for s in statements if isinstance(s, dict)]


def queue_policy_with(policy: str | None, statement: QueueStatement | None, sid: str) -> str:
    """The queue's policy with the statement `sid` replaced by `statement` (or removed when it
    is None), every other statement and key as it was; "" when no statement is left (SQS
    removes a queue's policy when it is set to "")."""
    document = json.loads(policy) if policy else {"Version": "2012-10-17"}
    kept = [s for s in _statements(policy) if s.get("Sid") != sid]
    if statement is not None:
        kept.append(statement.statement)
    if not kept:
        return ""
    document["Statement"] = kept
    return json.dumps(document, separators=(",", ":"))


def queue_has_statement(policy: str | None, sid: str) -> bool:
    return any(s.get("Sid") == sid for s in _statements(policy))


def _principal(principal: object) -> str:
    if isinstance(principal, Mapping):
        for key in ("Service", "AWS"):
            if key in principal:
                return _first(principal[key])
        return ""
    return str(principal or "")


def _source_arn(condition: Mapping[str, Any]) -> str:
    for operator in ("ArnLike", "ArnEquals", "StringEquals", "StringLike"):
        values = condition.get(operator) or {}
        for key, value in values.items():
            if key.lower() == "aws:sourcearn":
                return _first(value)
    return ""


def _first(value: object) -> str:
    if isinstance(value, list):
        return str(value[0]) if value else ""
    return str(value)


def rule_from_aws(rule: Response, tags: Mapping[str, str]) -> Rule:
    """A rule from ListRules / DescribeRule and its tags."""
    return Rule(
        name=rule["Name"],
        schedule_expression=rule.get("ScheduleExpression") or "",
        state=Toggle.DISABLED if rule.get("State") == "DISABLED" else Toggle.ENABLED,
        description=rule.get("Description") or "",
        tags=pairs(tags),
    )


def target_from_aws(rule: str, target: Response) -> Target:
    """One entry of ListTargetsByRule."""
    transformer = target.get("InputTransformer")
    retry = target.get("RetryPolicy")
    dead_letter = target.get("DeadLetterConfig") or {}
    ecs = target.get("EcsParameters")
    return Target(
        rule=rule,
        id=target["Id"],
        arn=target["Arn"],
        input_transformer=(
            InputTransformer(
                paths=pairs(transformer.get("InputPathsMap") or {}),
                template=transformer.get("InputTemplate") or "",
            )
            if transformer
            else None
        ),
        retry_policy=_retry_from_aws(retry) if retry is not None else None,
        dead_letter_arn=dead_letter.get("Arn"),
        role_arn=target.get("RoleArn"),
        ecs=_ecs_from_aws(ecs) if ecs else None,
    )


def _retry_from_aws(retry: Response) -> RetryPolicy:
    return RetryPolicy(
        maximum_retry_attempts=int(
            retry.get("MaximumRetryAttempts", _DEFAULT_RETRY.maximum_retry_attempts)
        ),
        maximum_event_age_seconds=int(
            retry.get("MaximumEventAgeInSeconds", _DEFAULT_RETRY.maximum_event_age_seconds)
        ),
    )


def _ecs_from_aws(ecs: Response) -> EcsParameters:
    network = (ecs.get("NetworkConfiguration") or {}).get("awsvpcConfiguration") or {}
    return EcsParameters(
        task_definition_arn=ecs["TaskDefinitionArn"],
        subnets=tuple(sorted(network.get("Subnets") or ())),
        security_groups=tuple(sorted(network.get("SecurityGroups") or ())),
        assign_public_ip=network.get("AssignPublicIp") == "ENABLED",
        task_count=int(ecs.get("TaskCount") or 1),
        launch_type=ecs.get("LaunchType") or "",
    )


def schedule_from_aws(schedule: Response) -> Schedule:
    """A schedule from GetSchedule."""
    target = schedule["Target"]
    window = schedule.get("FlexibleTimeWindow") or {}
    retry = target.get("RetryPolicy")
    return Schedule(
        group=schedule.get("GroupName") or "default",
        name=schedule["Name"],
        expression=schedule["ScheduleExpression"],
        # Scheduler evaluates an expression without a zone in UTC.
        timezone=schedule.get("ScheduleExpressionTimezone") or "UTC",
        target_arn=target["Arn"],
        role_arn=target["RoleArn"],
        # With no Input, Scheduler passes Lambda an empty object.
        input=canonical_json(target.get("Input") or "{}"),
        retry_policy=_retry_from_aws(retry) if retry is not None else _DEFAULT_RETRY,
        state=Toggle.DISABLED if schedule.get("State") == "DISABLED" else Toggle.ENABLED,
        dead_letter_arn=(target.get("DeadLetterConfig") or {}).get("Arn"),
        description=schedule.get("Description") or "",
        flexible_window_minutes=(
            int(window["MaximumWindowInMinutes"]) if window.get("Mode") == "FLEXIBLE" else None
        ),
        start_date=_date_text(schedule.get("StartDate")),
        end_date=_date_text(schedule.get("EndDate")),
        # AWS reports the default as NONE: kept after it completes.
        action_after_completion=(
            "DELETE" if schedule.get("ActionAfterCompletion") == "DELETE" else None
        ),
        ecs=_ecs_from_aws(target["EcsParameters"]) if target.get("EcsParameters") else None,
    )


def _date_text(value: object) -> str | None:
    """A StartDate or EndDate as botocore parses it (a datetime) in the resource's form."""
    if not isinstance(value, datetime):
        return None
    aware = value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# ---- writing ------------------------------------------------------------------------------


def iam_tags(tags: Pairs) -> list[IamTag]:
    return [{"Key": k, "Value": v} for k, v in tags]


def events_tags(tags: Pairs) -> list[EventsTag]:
    return [{"Key": k, "Value": v} for k, v in tags]


def scheduler_tags(tags: Pairs) -> list[SchedulerTag]:
    return [{"Key": k, "Value": v} for k, v in tags]


def tag_changes(before: Pairs, after: Pairs) -> tuple[dict[str, str], list[str]]:
    """What to tag (new or changed values) and which keys to untag to go from before to after."""
    old, new = dict(before), dict(after)
    to_set = {k: v for k, v in new.items() if old.get(k) != v}
    to_remove = sorted(k for k in old if k not in new)
    return to_set, to_remove


def rule_target_to_aws(target: Target) -> RuleTargetDef:
    out: RuleTargetDef = {"Id": target.id, "Arn": target.arn}
    if target.input_transformer is not None:
        out["InputTransformer"] = {
            "InputPathsMap": dict(target.input_transformer.paths),
            "InputTemplate": target.input_transformer.template,
        }
    if target.retry_policy is not None:
        out["RetryPolicy"] = {
            "MaximumRetryAttempts": target.retry_policy.maximum_retry_attempts,
            "MaximumEventAgeInSeconds": target.retry_policy.maximum_event_age_seconds,
        }
    if target.dead_letter_arn:
        out["DeadLetterConfig"] = {"Arn": target.dead_letter_arn}
    if target.role_arn:
        out["RoleArn"] = target.role_arn
    if target.ecs is not None:
        out["EcsParameters"] = {
            "TaskDefinitionArn": target.ecs.task_definition_arn,
            "TaskCount": target.ecs.task_count,
            "LaunchType": "FARGATE" if target.ecs.launch_type == "FARGATE" else "EC2",
            "NetworkConfiguration": {
                "awsvpcConfiguration": {
                    "Subnets": list(target.ecs.subnets),
                    "SecurityGroups": list(target.ecs.security_groups),
                    "AssignPublicIp": "ENABLED" if target.ecs.assign_public_ip else "DISABLED",
                }
            },
        }
    return out


def schedule_target_to_aws(schedule: Schedule) -> ScheduleTargetDef:
    out: ScheduleTargetDef = {
        "Arn": schedule.target_arn,
        "RoleArn": schedule.role_arn,
        "Input": schedule.input,
        "RetryPolicy": {
            "MaximumRetryAttempts": schedule.retry_policy.maximum_retry_attempts,
            "MaximumEventAgeInSeconds": schedule.retry_policy.maximum_event_age_seconds,
        },
    }
    if schedule.dead_letter_arn:
        out["DeadLetterConfig"] = {"Arn": schedule.dead_letter_arn}
    if schedule.ecs is not None:
        out["EcsParameters"] = {
            "TaskDefinitionArn": schedule.ecs.task_definition_arn,
            "TaskCount": schedule.ecs.task_count,
            "LaunchType": "FARGATE" if schedule.ecs.launch_type == "FARGATE" else "EC2",
            "NetworkConfiguration": {
                "awsvpcConfiguration": {
                    "Subnets": list(schedule.ecs.subnets),
                    "SecurityGroups": list(schedule.ecs.security_groups),
                    "AssignPublicIp": "ENABLED" if schedule.ecs.assign_public_ip else "DISABLED",
                }
            },
        }
    return out


def schedule_dates_to_aws(schedule: Schedule) -> dict[str, datetime]:
    """StartDate and EndDate, for the dates the schedule has (none: no key, unbounded)."""
    dates = {"StartDate": schedule.start_date, "EndDate": schedule.end_date}
    return {key: _parse_utc(text) for key, text in dates.items() if text is not None}


def _parse_utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def flexible_window_to_aws(schedule: Schedule) -> FlexibleTimeWindowTypeDef:
    if schedule.flexible_window_minutes is None:
        return {"Mode": "OFF"}
    return {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": schedule.flexible_window_minutes}
