"""Creates, updates and deletes Lambda functions (zip upload, JSON logging, tags; waits until the
function is active or its update done) and the permission statements that let a rule invoke them.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from scheduler import limits, naming
from scheduler.aws.clients import Clients
from scheduler.aws.convert import tag_changes
from scheduler.aws.errors import translated
from scheduler.aws.retry import Sleep, retrying, role_not_ready, update_in_progress
from scheduler.ports import AwsError, InvalidRequest, NotFound
from scheduler.resources import Function, Permission

if TYPE_CHECKING:
    from mypy_boto3_lambda.literals import LogFormatType, RuntimeType
    from mypy_boto3_lambda.type_defs import (
        FunctionConfigurationResponseTypeDef,
        WaiterConfigTypeDef,
    )

T = TypeVar("T")

# Lambda reports the state of a change; only these need waiting for.
_PENDING = "Pending"
_IN_PROGRESS = "InProgress"
_WAIT: WaiterConfigTypeDef = {"Delay": 1, "MaxAttempts": 300}


def _not_ready(error: AwsError) -> bool:
    return role_not_ready(error) or update_in_progress(error)


class FunctionWriter:
    def __init__(self, clients: Clients, *, region: str, account: str, sleep: Sleep) -> None:
        self.c = clients
        self.region = region
        self.account = account
        self.sleep = sleep

    def _retry(
        self, name: str, call: Callable[[], T], transient: Callable[[AwsError], bool] = _not_ready
    ) -> T:
        return retrying(call, transient, self.sleep, service="lambda", resource=name)

    def create(self, function: Function) -> None:
        name = function.name
        code = self._code(function, "lambda:CreateFunction")
        response = self._retry(
            name,
            lambda: self.c.lambda_.create_function(
                FunctionName=name,
                Runtime=_runtime(function.runtime),
                Role=function.role_arn,
                Handler=function.handler,
                Code={"ZipFile": code},
                Description=function.description,
                Timeout=function.timeout_seconds,
                MemorySize=function.memory_mb,
                Environment={"Variables": dict(function.environment)},
                LoggingConfig={"LogFormat": _log_format(function.log_format)},
                Tags=dict(function.tags),
                Publish=False,
            ),
        )
        if response.get("State") == _PENDING:
            with translated("lambda", name):
                self.c.lambda_.get_waiter("function_active").wait(
                    FunctionName=name, WaiterConfig=_WAIT
                )

    def update(self, before: Function, after: Function) -> None:
        name = after.name
        if before.code_sha256 != after.code_sha256:
            code = self._code(after, "lambda:UpdateFunctionCode")
            self._wait_updated(
                name,
                self._retry(
                    name,
                    lambda: self.c.lambda_.update_function_code(FunctionName=name, ZipFile=code),
                    update_in_progress,
                ),
            )
        if _configuration(before) != _configuration(after):
            self._wait_updated(
                name,
                self._retry(
                    name,
                    lambda: self.c.lambda_.update_function_configuration(
                        FunctionName=name,
                        Runtime=_runtime(after.runtime),
                        Role=after.role_arn,
                        Handler=after.handler,
                        Description=after.description,
                        Timeout=after.timeout_seconds,
                        MemorySize=after.memory_mb,
                        Environment={"Variables": dict(after.environment)},
                        LoggingConfig={"LogFormat": _log_format(after.log_format)},
                    ),
                ),
            )
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
                name,
                lambda: self.c.lambda_.delete_function(FunctionName=name),
                update_in_progress,
            )
        except NotFound:  # already gone
            return

    def _wait_updated(self, name: str, response: FunctionConfigurationResponseTypeDef) -> None:
        if response.get("LastUpdateStatus") == _IN_PROGRESS:
            with translated("lambda", name):
                self.c.lambda_.get_waiter("function_updated").wait(
                    FunctionName=name, WaiterConfig=_WAIT
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


class PermissionWriter:
    def __init__(self, clients: Clients, *, sleep: Sleep) -> None:
        self.c = clients
        self.sleep = sleep

    def create(self, permission: Permission) -> None:
        def add() -> object:
            if permission.source_arn:
                return self.c.lambda_.add_permission(
                    FunctionName=permission.function,
                    StatementId=permission.statement_id,
                    Action=permission.action,
                    Principal=permission.principal,
                    SourceArn=permission.source_arn,
                )
            return self.c.lambda_.add_permission(
                FunctionName=permission.function,
                StatementId=permission.statement_id,
                Action=permission.action,
                Principal=permission.principal,
            )

        retrying(
            add,
            update_in_progress,
            self.sleep,
            service="lambda",
            resource=permission.key_name,
        )

    def update(self, before: Permission, after: Permission) -> None:
        # No API changes a statement (every field is in `Permission.replace_on`).
        self.delete(before)
        self.create(after)

    def delete(self, permission: Permission) -> None:
        try:
            retrying(
                lambda: self.c.lambda_.remove_permission(
                    FunctionName=permission.function, StatementId=permission.statement_id
                ),
                update_in_progress,
                self.sleep,
                service="lambda",
                resource=permission.key_name,
            )
        except NotFound:  # the statement or the function is already gone
            return


def _configuration(function: Function) -> tuple[object, ...]:
    """The fields UpdateFunctionConfiguration sets."""
    return (
        function.runtime,
        function.role_arn,
        function.handler,
        function.description,
        function.timeout_seconds,
        function.memory_mb,
        function.environment,
        function.log_format,
    )


def _runtime(runtime: str) -> RuntimeType:
    value: RuntimeType = runtime  # type: ignore[assignment]
    return value


def _log_format(log_format: str) -> LogFormatType:
    value: LogFormatType = log_format  # type: ignore[assignment]
    return value
