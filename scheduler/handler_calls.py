"""The AWS calls a handler makes, read from its source (never imported): `boto3.client("s3")`
and `boto3.resource("dynamodb").Table(...)` bound to names, then the methods called on them and
the paginators asked of them. Each call keeps the parameters sched can know statically: string
literals, and values read from the job's input (`event["backup_bucket"]`, directly or through a
local name). Static analysis sees what is written, not what runs: it can miss calls (clients
passed around, `getattr`) and it never proves a call happens. Pure; standard library only.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

# DynamoDB Table resource methods and the client operations they make.
_TABLE_METHODS = {
    "get_item": "GetItem",
    "put_item": "PutItem",
    "update_item": "UpdateItem",
    "delete_item": "DeleteItem",
    "query": "Query",
    "scan": "Scan",
    "batch_writer": "BatchWriteItem",
}
# Client methods that make no API call of their own.
_NOT_CALLS = frozenset({"get_paginator", "get_waiter", "can_paginate", "close", "meta"})
_TRANSFER = {  # S3 transfer helpers: the operations they make
    "upload_file": "PutObject",
    "upload_fileobj": "PutObject",
    "download_file": "GetObject",
    "download_fileobj": "GetObject",
}


@dataclass(frozen=True)
class HandlerCall:
    """One SDK call in the handler: client name (`s3`), operation (`PutObject`), the line, and
    the parameters whose values are known (`{"Bucket": "acme-app-logs-backup"}`)."""

    service: str
    operation: str
    line: int
    params: Mapping[str, object] = field(default_factory=dict)


def operation_name(method: str) -> str:
    """`list_objects_v2` → `ListObjectsV2`, as botocore names operations."""
    return "".join(part[:1].upper() + part[1:] for part in method.split("_"))


def _service_of(node: ast.expr) -> tuple[str, str] | None:
    """(`client`|`resource`, service) for `boto3.client("s3")`, `session.resource("dynamodb")`."""
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
        return None
    kind = node.func.attr
    if kind not in ("client", "resource") or not node.args:
        return None
    first = node.args[0]
    if isinstance(first, ast.Constant) and isinstance(first.value, str):
        return kind, first.value
    return None


class _Reader(ast.NodeVisitor):
    def __init__(
        self, job_input: Mapping[str, object], reads: list[tuple[str, object]] | None = None
    ) -> None:
        self.job_input = job_input
        self.reads = reads  # every lookup in the input, in order, when recording
        self.clients: dict[str, str] = {}  # name → service
        self.tables: set[str] = set()  # names bound to a DynamoDB Table
        self.values: dict[str, object] = {}  # names bound to a value sched knows
        self.calls: list[HandlerCall] = []

    def known(self, node: ast.expr) -> object | None:
        """The value of `node` when sched can know it: a literal, or the job's input."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return node.value
        if isinstance(node, ast.Name):
            return self.values.get(node.id)
        key: ast.expr | None = None
        if isinstance(node, ast.Subscript):
            key = node.slice
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "get"
            and node.args
        ):
            key = node.args[0]
        if isinstance(key, ast.Constant) and isinstance(key.value, str):
            value = self.job_input.get(key.value)
            if self.reads is not None:
                self.reads.append((key.value, value))
            return value
        return None

    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            if isinstance(target, ast.Name):
                self.bind(target.id, node.value)
        self.generic_visit(node)

    def bind(self, name: str, value: ast.expr) -> None:
        service = _service_of(value)
        if service is not None and service[0] == "client":
            self.clients[name] = service[1]
        elif self.is_table(value):
            self.tables.add(name)
        elif (known := self.known(value)) is not None:
            self.values[name] = known

    def is_table(self, node: ast.expr) -> bool:
        return (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "Table"
            and _service_of(node.func.value) == ("resource", "dynamodb")
        )

    def client_of(self, node: ast.expr) -> str | None:
        if isinstance(node, ast.Name):
            return self.clients.get(node.id)
        service = _service_of(node)
        return service[1] if service is not None and service[0] == "client" else None

    def params(self, node: ast.Call) -> dict[str, object]:
        found = {}
        for keyword in node.keywords:
            if keyword.arg is not None and (value := self.known(keyword.value)) is not None:
                found[keyword.arg] = value
        return found

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute):
            self.method_call(node, func)
        self.generic_visit(node)

    def method_call(self, node: ast.Call, func: ast.Attribute) -> None:
        owner, method = func.value, func.attr
        if method == "paginate" and isinstance(owner, ast.Call):
            paginator = owner.func
            if (
                isinstance(paginator, ast.Attribute)
                and paginator.attr == "get_paginator"
                and (service := self.client_of(paginator.value)) is not None
                and owner.args
                and isinstance(owner.args[0], ast.Constant)
                and isinstance(owner.args[0].value, str)
            ):
                operation = operation_name(owner.args[0].value)
                self.calls.append(HandlerCall(service, operation, node.lineno, self.params(node)))
            return
        service = self.client_of(owner)
        if service is not None and method not in _NOT_CALLS:
            operation = _TRANSFER.get(method) or operation_name(method)
            params = self.params(node)
            if method in _TRANSFER and len(node.args) >= 2:
                bucket = self.known(node.args[1 if method.startswith("upload") else 0])
                if bucket is not None:
                    params = {"Bucket": bucket, **params}
            self.calls.append(HandlerCall(service, operation, node.lineno, params))
            return
        table = (isinstance(owner, ast.Name) and owner.id in self.tables) or self.is_table(owner)
        if table and method in _TABLE_METHODS:
            self.calls.append(HandlerCall("dynamodb", _TABLE_METHODS[method], node.lineno, {}))


def handler_calls(module: ast.Module, job_input: Mapping[str, object]) -> list[HandlerCall]:
    """Every SDK call sched can see in the handler's module, in source order."""
    reader = _Reader(job_input)
    reader.visit(module)
    return sorted(reader.calls, key=lambda c: c.line)


class ModuleCalls:
    """`handler_calls` of one module for many jobs. The reading depends on a job's input only
    through the values it looks up, so jobs whose inputs give the same values to the same
    lookups (often: none at all) share one reading instead of walking the tree again."""

    def __init__(self, module: ast.Module) -> None:
        self.module = module
        # Each distinct sequence of keys looked up, with the readings by the values found.
        self._readings: list[tuple[tuple[str, ...], dict[str, list[HandlerCall]]]] = []

    def calls(self, job_input: Mapping[str, object]) -> list[HandlerCall]:
        for keys, readings in self._readings:
            found = readings.get(_signature([job_input.get(k) for k in keys]))
            if found is not None:
                return found
        reads: list[tuple[str, object]] = []
        reader = _Reader(job_input, reads)
        reader.visit(self.module)
        calls = sorted(reader.calls, key=lambda c: c.line)
        keys = tuple(k for k, _ in reads)
        signature = _signature([v for _, v in reads])
        for known, readings in self._readings:
            if known == keys:
                readings[signature] = calls
                break
        else:
            self._readings.append((keys, {signature: calls}))
        return calls


def _signature(values: list[object]) -> str:
    # repr tells apart every value YAML gives (1, 1.0 and True; text and bytes), as == would not.
    return repr(values)


def action_allowed(action: str, statements: list[dict[str, object]]) -> bool:
    """Whether an Allow statement's actions cover `action` (wildcards as IAM reads them; the
    resources are not compared: statically they are rarely known)."""
    for statement in statements:
        if statement.get("Effect") != "Allow":
            continue
        patterns = statement.get("Action", [])
        for pattern in patterns if isinstance(patterns, list) else [patterns]:
            regex = re.escape(str(pattern)).replace(r"\*", ".*").replace(r"\?", ".")
            if re.fullmatch(regex, action, flags=re.IGNORECASE):
                return True
    return False


def unique_calls(calls: list[HandlerCall]) -> Iterator[HandlerCall]:
    """The first call of each (service, operation)."""
    seen: set[tuple[str, str]] = set()
    for call in calls:
        if (call.service, call.operation) not in seen:
            seen.add((call.service, call.operation))
            yield call
