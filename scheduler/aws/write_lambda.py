"""Creates, updates and deletes Lambda functions (zip upload, JSON logging to a log group it
creates, tags; waits until the function is active or its update done). Waits and retries pause
through `Pacing`, so an interrupted apply stops them at once. The permission statements that let
a rule invoke a function are `write_permissions.py`'s.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, TypeVar

from scheduler import limits, naming
from scheduler.aws.clients import Clients
from scheduler.aws.code_record import record
from scheduler.aws.convert import tag_changes
from scheduler.aws.errors import translated
from scheduler.aws.existing import made_by_this_catalogue, taken
from scheduler.aws.retry import (
    Pacing,
    retrying,
    role_hint,
    role_not_ready,
    update_in_progress,
)
from scheduler.aws.write_alias import LIVE_ALIAS, Versions, alias_version
from scheduler.errors import AwsError, Conflict, Interrupted, InvalidRequest, NotFound
from scheduler.resources import Function
from scheduler.runtime.contract import ENV_CODE

if TYPE_CHECKING:
    from mypy_boto3_lambda.literals import ArchitectureType, LogFormatType, RuntimeType
    from mypy_boto3_lambda.type_defs import FunctionConfigurationResponseTypeDef

T = TypeVar("T")


@dataclass(frozen=True)
class _Status:
    """A field of the function's configuration that says how a change is going: `pending`
    needs waiting for, `failed` is final and `reason` says why."""

    key: str
    pending: str
    reason: str
    failed: str = "Failed"


# https://docs.aws.amazon.com/lambda/latest/dg/functions-states.html
_STATE = _Status("State", "Pending", "StateReason")
_UPDATE = _Status("LastUpdateStatus", "InProgress", "LastUpdateStatusReason")
_WAIT_SECONDS = 1.0
_WAIT_ATTEMPTS = 300
_LAMBDA_PRINCIPAL = "lambda.amazonaws.com"


def _not_ready(error: AwsError) -> bool:
    return role_not_ready(error) or update_in_progress(error)


class FunctionWriter:
    def __init__(
        self,
        clients: Clients,
        *,
        region: str,
        account: str,
        pacing: Pacing,
        local: bool = False,
    ) -> None:
        self.c = clients
        self.region = region
        self.account = account
        self.pacing = pacing
        self.local = local
        self.versions = Versions(clients, pacing=pacing)

    def _retry(
        self,
        function: Function,
        call: Callable[[], T],
        transient: Callable[[AwsError], bool] = _not_ready,
    ) -> T:
        try:
            return retrying(call, transient, self.pacing, service="lambda", resource=function.name)
        except AwsError as error:
            raise role_hint(error, function.role_arn, _LAMBDA_PRINCIPAL) from error

    def create(self, function: Function) -> None:
        name = function.name
        code = self._code(function, "lambda:CreateFunction")
        try:
            response = self._retry(
                function,
                lambda: self.c.lambda_.create_function(
                    **_configuration(function),
                    Architectures=[_architecture(function.architecture)],
                    Code={"ZipFile": code},
                    Tags=dict(function.tags),
                    Publish=function.versions is not None,
                ),
            )
            state = response.get(_STATE.key)
        except Conflict as error:
            arn = naming.function_arn(self.region, self.account, name)
            with translated("lambda", name):
                found = self.c.lambda_.list_tags(Resource=arn).get("Tags", {})
            if not made_by_this_catalogue(found, function.tags):
                raise taken(error, "function", name, found) from error
            state = _STATE.pending  # ours, from a lost response: wait until it is active
        # Before its rule or schedule exists: nothing runs it yet, so Lambda makes no group.
        self._ensure_log_group(function)
        if state == _STATE.pending:
            self._wait(name, _STATE)
        if _invoke_config(function) != _invoke_config(_LAMBDA_DEFAULTS):
            self._put_invoke_config(function)

    def update(self, before: Function, after: Function) -> None:
        name = after.name
        # The architecture is the code's: only UpdateFunctionCode changes it.
        # https://docs.aws.amazon.com/lambda/latest/api/API_UpdateFunctionCode.html
        new_code = before.code != after.code or before.architecture != after.architecture
        changed = (
            new_code
            or _configuration(before) != _configuration(after)
            or (not _versioned(before) and after.versions is not None)  # versioned again
        )
        if new_code:
            code = self._code(after, "lambda:UpdateFunctionCode")
            self._wait_updated(
                name,
                self._retry(
                    after,
                    lambda: self.c.lambda_.update_function_code(
                        FunctionName=name,
                        ZipFile=code,
                        Architectures=[_architecture(after.architecture)],
                    ),
                    update_in_progress,
                ),
            )
        else:  # the zip deployed stays, and so does its CodeSha256 in the record
            after = replace(after, code_sha256=before.code_sha256)
        moved = _log_group(before) != _log_group(after)
        if moved:  # to a group of its own, made before the function writes to it
            self._ensure_log_group(after)
        if _configuration(before) != _configuration(after):
            self._wait_updated(
                name,
                self._retry(
                    after,
                    lambda: self.c.lambda_.update_function_configuration(
                        **_configuration(after, leave_vpc=before.vpc is not None)
                    ),
                ),
            )
        if _invoke_config(before) != _invoke_config(after):
            if self.local:
                self._drop_invoke_config(name)
            self._put_invoke_config(after)
            if after.versions is not None and alias_version(self.c, name, LIVE_ALIAS):
                self._put_invoke_config(after, qualifier=LIVE_ALIAS)
        if before.log_retention_days != after.log_retention_days and not moved:
            self._set_log_retention(after)
        if changed and after.versions is not None:
            self.versions.after_change(name, LIVE_ALIAS, after.versions)
        to_set, to_remove = tag_changes(before.tags, after.tags)
        arn = naming.function_arn(self.region, self.account, name)
        with translated("lambda", name):
            if to_set:
                self.c.lambda_.tag_resource(Resource=arn, Tags=to_set)
            if to_remove:
                self.c.lambda_.untag_resource(Resource=arn, TagKeys=to_remove)

    def delete(self, function: Function) -> None:
        name = function.name
        try:
            self._retry(
                function,
                lambda: self.c.lambda_.delete_function(FunctionName=name),
                update_in_progress,
            )
        except NotFound:  # already gone
            return

    def _ensure_log_group(self, function: Function) -> None:
        """Create the function's log group, tagged as the function is, so that its ownership is
        known (Lambda would create it untagged on the first run), and set its retention. One
        that exists is used when it is this catalogue's (an apply that stopped made it), and
        refused when it is not. The group outlives the function: destroy leaves it, with the
        logs, unless told to delete them."""
        group = _log_group(function)
        try:
            with translated("logs", group):
                self.c.logs.create_log_group(logGroupName=group, tags=dict(function.tags))
        except Conflict as error:
            arn = f"arn:{naming.partition(self.region)}:logs:{self.region}:{self.account}"
            with translated("logs", group):
                found = self.c.logs.list_tags_for_resource(
                    resourceArn=f"{arn}:log-group:{group}"
                ).get("tags", {})
            if not made_by_this_catalogue(found, function.tags):
                raise taken(error, "log group", group, found) from error
        if function.log_retention_days is not None:
            self._put_retention(group, function.log_retention_days)

    def _set_log_retention(self, function: Function) -> None:
        """Set how long the function's log group keeps its logs; None: forever again. A group
        Lambda made (a function from before groups of their own) is created here if missing."""
        group = _log_group(function)
        if function.log_retention_days is None:
            with contextlib.suppress(NotFound), translated("logs", group):
                self.c.logs.delete_retention_policy(logGroupName=group)
            return
        with contextlib.suppress(Conflict), translated("logs", group):
            self.c.logs.create_log_group(logGroupName=group, tags=dict(function.tags))
        self._put_retention(group, function.log_retention_days)

    def _put_retention(self, group: str, days: int) -> None:
        with translated("logs", group):
            self.c.logs.put_retention_policy(logGroupName=group, retentionInDays=days)

    def _drop_invoke_config(self, name: str) -> None:
        """moto 5 adds a put config beside the one there and reads back the first, so the local
        AWS would keep the old retries. AWS's put replaces the config in one call: only local
        mode deletes it first."""
        try:
            with translated("lambda", name):
                self.c.lambda_.delete_function_event_invoke_config(FunctionName=name)
        except NotFound:  # none yet
            pass

    def _put_invoke_config(self, function: Function, qualifier: str | None = None) -> None:
        """Lambda's re-runs of a failed asynchronous run, and its on-failure destination; each
        qualifier (the `live` alias) has its own."""
        where: dict[str, Any] = {"Qualifier": qualifier} if qualifier else {}
        self._retry(
            function,
            lambda: self.c.lambda_.put_function_event_invoke_config(
                FunctionName=function.name, **where, **_invoke_config(function)
            ),
            update_in_progress,
        )

    def _wait_updated(self, name: str, response: FunctionConfigurationResponseTypeDef) -> None:
        if response.get(_UPDATE.key) == _UPDATE.pending:
            self._wait(name, _UPDATE)

    def _wait(self, name: str, watched: _Status) -> None:
        """Poll the function's configuration until the change is no longer pending (as
        botocore's waiters do, but stopping at once when the apply is interrupted)."""
        action = "lambda:GetFunctionConfiguration"
        pending = watched.pending
        for _ in range(_WAIT_ATTEMPTS):
            with translated("lambda", name):
                config = self.c.lambda_.get_function_configuration(FunctionName=name)
            status = config.get(watched.key)
            if status == watched.failed:
                why = config.get(watched.reason) or "no reason given"
                raise AwsError(
                    action,
                    f"function {name}: {watched.key} {status}: {why}",
                    "fix what the reason names, then apply again",
                    resource=name,
                )
            if status != pending:
                return
            if self.pacing.pause(_WAIT_SECONDS):
                raise Interrupted(
                    action,
                    f"interrupted while {name} was {status}",
                    f"the change reached AWS but {name} is not ready yet; run plan and apply "
                    "again to finish",
                    resource=name,
                )
        raise AwsError(
            action,
            f"function {name} still {pending} after {_WAIT_ATTEMPTS * _WAIT_SECONDS:.0f}s",
            "AWS did not reach the expected state; run the command again",
            resource=name,
        )

    def _code(self, function: Function, action: str) -> bytes:
        """The zip to upload, checked against the hash the plan was made with."""
        if function.code_path is None:
            raise InvalidRequest(
                action,
                f"function {function.name} has no package to upload",
                "build the job's package (plan and apply do) before applying",
                resource=function.name,
            )
        data = function.code_path.read_bytes()
        if len(data) > limits.LAMBDA_DIRECT_UPLOAD_MAX_BYTES:
            raise InvalidRequest(
                action,
                f"the package of {function.name} is {len(data) / 2**20:.1f} MB; Lambda accepts "
                f"{limits.LAMBDA_DIRECT_UPLOAD_MAX_BYTES // 2**20} MB uploaded directly",
                "trim the job's requirements.txt (boto3 is already in the Lambda runtime)",
                resource=function.name,
            )
        digest = base64.b64encode(hashlib.sha256(data).digest()).decode()
        if digest != function.code_sha256:
            raise InvalidRequest(
                action,
                f"{function.code_path} changed since the plan was made",
                "run plan again",
                resource=function.name,
            )
        return data


def _configuration(function: Function, *, leave_vpc: bool = False) -> dict[str, Any]:
    """What CreateFunction and UpdateFunctionConfiguration both set, in the API's words; equal
    for two functions exactly when no configuration update is needed. `leave_vpc` sends empty
    VPC settings, which is how a function leaves its VPC:
    https://docs.aws.amazon.com/lambda/latest/api/API_VpcConfig.html"""
    configuration = {
        "FunctionName": function.name,
        "Runtime": _runtime(function.runtime),
        "Role": function.role_arn,
        "Handler": function.handler,
        "Description": function.description,
        "Timeout": function.timeout_seconds,
        "MemorySize": function.memory_mb,
        "Environment": {"Variables": {**dict(function.environment), ENV_CODE: record(function)}},
        "LoggingConfig": {
            "LogFormat": _log_format(function.log_format),
            "LogGroup": _log_group(function),
        },
    }
    if function.vpc is not None:
        configuration["VpcConfig"] = {
            "SubnetIds": list(function.vpc.subnet_ids),
            "SecurityGroupIds": list(function.vpc.security_group_ids),
        }
    elif leave_vpc:
        configuration["VpcConfig"] = {"SubnetIds": [], "SecurityGroupIds": []}
    return configuration


def _log_group(function: Function) -> str:
    return function.log_group or naming.lambda_log_group(function.name)


def _invoke_config(function: Function) -> dict[str, Any]:
    """What PutFunctionEventInvokeConfig sets (the whole config: a put replaces it)."""
    config: dict[str, Any] = {
        "MaximumRetryAttempts": function.retry_attempts,
        "MaximumEventAgeInSeconds": function.max_event_age_seconds,
    }
    if function.on_failure is not None:
        config["DestinationConfig"] = {"OnFailure": {"Destination": function.on_failure}}
    return config


# A function without an event invoke config behaves as one with Lambda's defaults.
_LAMBDA_DEFAULTS = Function(
    name="", runtime="", handler="", role_arn="", memory_mb=0, timeout_seconds=0, code_sha256=""
)


def _runtime(runtime: str) -> RuntimeType:
    value: RuntimeType = runtime  # type: ignore[assignment]
    return value


def _architecture(architecture: str) -> ArchitectureType:
    value: ArchitectureType = architecture  # type: ignore[assignment]
    return value


def _log_format(log_format: str) -> LogFormatType:
    value: LogFormatType = log_format  # type: ignore[assignment]
    return value


def _versioned(deployed: Function) -> bool:
    """Whether the deployed function was versioned: read back, only its tag says so."""
    return dict(deployed.tags).get(naming.ALIAS_TAG) == LIVE_ALIAS
