"""In-memory fakes of the ops ports: `FakeLogs` is both a LogSource and a LogSink (what one
writes the other reads back), `FakeInvoker` records asynchronous invocations, `FakeDeployments`
answers when functions were last deployed."""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from scheduler.ports import Deployment, LogEvent


class FakeLogs:
    """Log groups in memory. Reads keep CloudWatch's contract: [start, end) in ms, oldest first,
    a missing group yields nothing. Every read and write is recorded."""

    def __init__(self, groups: dict[str, list[LogEvent]] | None = None) -> None:
        self.groups: dict[str, list[LogEvent]] = {k: list(v) for k, v in (groups or {}).items()}
        self.reads: list[tuple[str, int, int]] = []
        self.writes: list[tuple[str, str, tuple[LogEvent, ...]]] = []
        self._lock = threading.Lock()

    def events(self, log_group: str, start_ms: int, end_ms: int) -> Iterator[LogEvent]:
        with self._lock:
            self.reads.append((log_group, start_ms, end_ms))
            events = list(self.groups.get(log_group, []))
        found = [e for e in events if start_ms <= e.timestamp_ms < end_ms]
        return iter(sorted(found, key=lambda e: e.timestamp_ms))

    def write(self, log_group: str, log_stream: str, events: Sequence[LogEvent]) -> None:
        if any(e.log_stream != log_stream for e in events):
            raise ValueError("an event names another stream than the one written to")
        with self._lock:
            self.writes.append((log_group, log_stream, tuple(events)))
            self.groups.setdefault(log_group, []).extend(events)


@dataclass
class FakeInvoker:
    """Records `invoke_async` calls; answers with `request-<n>`."""

    calls: list[tuple[str, str]] = field(default_factory=list)

    def invoke_async(self, function_name: str, payload: str) -> str | None:
        self.calls.append((function_name, payload))
        return f"request-{len(self.calls)}"


@dataclass
class FakeDeployments:
    """A DeploymentSource over `functions` (name → last deployment) and `deploys` (name →
    SCHED_DEPLOY); a function not in `functions` does not exist. Records the names each call
    asked for."""

    functions: dict[str, datetime] = field(default_factory=dict)
    calls: list[tuple[str, ...]] = field(default_factory=list)
    deploys: dict[str, str] = field(default_factory=dict)  # name → SCHED_DEPLOY, when it has one
    tags: dict[str, dict[str, str]] = field(default_factory=dict)  # name → its tags

    def deployments(
        self, function_names: Sequence[str], versioned: Collection[str] = ()
    ) -> dict[str, Deployment]:
        self.calls.append(tuple(function_names))
        return {
            n: Deployment(self.functions[n], self.deploys.get(n))
            for n in function_names
            if n in self.functions
        }

    def deployed_at(self, function_names: Sequence[str]) -> dict[str, datetime]:
        return {n: d.at for n, d in self.deployments(function_names).items()}

    def tags_of(self, function_name: str) -> dict[str, str] | None:
        if function_name not in self.functions:
            return None
        return self.tags.get(function_name, {})
