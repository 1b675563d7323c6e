"""Ports that run history and operations need: read log events, write them (local mode), invoke
a deployed function as its schedule would, and tell when functions were last deployed.
`scheduler/aws/` implements them with boto3; unit tests use in-memory fakes. Nothing here imports
boto3.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Protocol

from scheduler.history.model import LogEvent


def log_group_of(function_name: str) -> str:
    """Lambda writes to `/aws/lambda/<function name>` by default."""
    return f"/aws/lambda/{function_name}"


class LogSource(Protocol):
    """Reads one log group's events between two instants (epoch milliseconds, end exclusive),
    oldest first, paging as needed. A missing log group yields nothing (the job never ran)."""

    def events(self, log_group: str, start_ms: int, end_ms: int) -> Iterator[LogEvent]: ...


class LogSink(Protocol):
    """Writes events to a log stream, creating the group and stream when needed (local mode
    writes the lines a real Lambda would)."""

    def write(self, log_group: str, log_stream: str, events: Sequence[LogEvent]) -> None: ...


class Invoker(Protocol):
    """Invokes a deployed function asynchronously (InvocationType=Event) with `payload` JSON;
    returns the request id AWS assigned, when it tells one."""

    def invoke_async(self, function_name: str, payload: str) -> str | None: ...


class DeploymentSource(Protocol):
    """When each of `function_names` (bare names, not ARNs) was last deployed: created, or its
    code or configuration changed (Lambda's `LastModified`), as an aware UTC datetime. A function
    that does not exist is absent from the result."""

    def deployed_at(self, function_names: Sequence[str]) -> dict[str, datetime]: ...
