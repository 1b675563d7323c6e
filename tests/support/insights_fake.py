"""An in-memory CloudWatch Logs Insights (`LogQueries`) over stored log groups, because moto's
falls short: it ignores `filter`, returns `@timestamp` as epoch milliseconds and `@log` without
the account, completes every query at once, and fails on a query without logGroupNames (moto
5.2: a TypeError in process, an internal error from moto_server). This fake executes the subset
of the query language sched sends (`SOURCE logGroups(namePrefix: [...])` when StartQuery names
no group, `fields`, `filter @message like "..." or ...`, `sort @timestamp`, `limit`) and rejects
anything else; it answers in AWS's shapes, and can keep queries running for a few polls, time
out those over a span, or refuse SOURCE as an older endpoint would.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from scheduler import limits
from scheduler.errors import InvalidRequest, NotFound
from scheduler.ports import LogEvent, QueryPage

ACCOUNT = "123456789012"
_LIKE = re.compile(r'@message like "([^"]*)"')
_SOURCE = re.compile(r"SOURCE logGroups\(namePrefix: \[((?:'[^']*'(?:, )?)+)\]\)")


@dataclass
class _Query:
    rows: tuple[dict[str, str], ...]
    status: str
    polls_left: int
    started_at: float = 0.0


@dataclass
class FakeInsights:
    """Log groups in memory (name → events, in the order they were written). `running` polls
    answer Running before a query completes; a query spanning more than `timeout_over_s`
    seconds ends Timeout; with `takes_s`, a query is Running until that long after its start
    by `clock` (the reader's own, simulated); with `source` False, a query with a SOURCE
    command is refused.
    `calls` records every request by API name, `queries` every query string started."""

    groups: dict[str, list[LogEvent]] = field(default_factory=dict)
    running: int = 0
    timeout_over_s: int | None = None
    source: bool = True
    takes_s: float | None = None
    clock: Callable[[], float] = time.monotonic
    calls: list[str] = field(default_factory=list)
    queries: list[str] = field(default_factory=list)
    started: list[tuple[tuple[str, ...], int, int]] = field(default_factory=list)
    _queries: dict[str, _Query] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=itertools.count)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start_query(self, log_groups: Sequence[str], start_s: int, end_s: int, query: str) -> str:
        with self._lock:
            self.calls.append("StartQuery")
            self.started.append((tuple(log_groups), start_s, end_s))
            self.queries.append(query)
        head, _, body = query.partition(" | ")
        if head.startswith("SOURCE"):
            log_groups = self._source(log_groups, head)
            query = body
        elif not 1 <= len(log_groups) <= limits.INSIGHTS_MAX_LOG_GROUPS:
            raise InvalidRequest("logs:StartQuery", f"{len(log_groups)} log groups")
        missing = [g for g in log_groups if g not in self.groups]
        if missing:
            raise NotFound("logs:StartQuery", "The specified log group does not exist.")
        if self.timeout_over_s is not None and end_s - start_s > self.timeout_over_s:
            rows: tuple[dict[str, str], ...] = ()
            status = "Timeout"
        else:
            rows, status = self._execute(log_groups, start_s, end_s, query), "Complete"
        with self._lock:
            query_id = f"q-{next(self._ids)}"
            self._queries[query_id] = _Query(rows, status, self.running, self.clock())
        return query_id

    def _source(self, log_groups: Sequence[str], command: str) -> list[str]:
        """The groups a SOURCE command selects (StartQuery must then name none)."""
        if not self.source:
            raise InvalidRequest("logs:StartQuery", "unexpected SOURCE", code="MalformedQuery")
        matched = _SOURCE.fullmatch(command)
        if log_groups or matched is None:
            raise InvalidRequest("logs:StartQuery", f"unsupported {command!r} with {log_groups}")
        prefixes = [p.strip("'") for p in matched.group(1).split(", ")]
        if len(prefixes) > limits.INSIGHTS_MAX_SOURCE_PREFIXES:
            raise InvalidRequest("logs:StartQuery", f"{len(prefixes)} prefixes")
        selected = sorted(g for g in self.groups if g.startswith(tuple(prefixes)))
        if len(selected) > limits.INSIGHTS_MAX_SOURCE_GROUPS:
            raise InvalidRequest("logs:StartQuery", f"{len(selected)} log groups selected")
        return selected

    def query_results(self, query_id: str) -> QueryPage:
        with self._lock:
            self.calls.append("GetQueryResults")
            query = self._queries[query_id]
            if query.polls_left > 0:
                query.polls_left -= 1
                return QueryPage("Running")
            if self.takes_s is not None and self.clock() - query.started_at < self.takes_s:
                return QueryPage("Running")
        return QueryPage(query.status, query.rows if query.status == "Complete" else ())

    def stop_query(self, query_id: str) -> None:
        with self._lock:
            self.calls.append("StopQuery")
            self._queries[query_id].status = "Cancelled"

    def _execute(
        self, log_groups: Sequence[str], start_s: int, end_s: int, query: str
    ) -> tuple[dict[str, str], ...]:
        fields: list[str] = []
        terms: list[str] | None = None
        descending = True  # the service's default
        limit = limits.INSIGHTS_MAX_ROWS
        for command in (part.strip() for part in query.split(" | ")):
            verb, _, rest = command.partition(" ")
            if verb == "fields":
                fields = [f.strip() for f in rest.split(",")]
            elif verb == "filter":
                terms = _LIKE.findall(rest)
                if " or ".join(f'@message like "{t}"' for t in terms) != rest:
                    raise InvalidRequest("logs:StartQuery", f"unsupported filter {rest!r}")
            elif verb == "sort" and rest in ("@timestamp asc", "@timestamp desc"):
                descending = rest.endswith("desc")
            elif verb == "limit" and rest.isdigit():
                limit = min(int(rest), limits.INSIGHTS_MAX_ROWS)
            else:
                raise InvalidRequest("logs:StartQuery", f"unsupported command {command!r}")
        found = [
            (group, index, event)
            for group in log_groups
            for index, event in enumerate(self.groups[group])
            if start_s * 1000 <= event.timestamp_ms <= end_s * 1000
            and (terms is None or any(t in event.message for t in terms))
        ]
        found.sort(key=lambda f: f[2].timestamp_ms, reverse=descending)
        return tuple(_fields(group, index, event, fields) for group, index, event in found[:limit])


def _fields(group: str, index: int, event: LogEvent, wanted: list[str]) -> dict[str, str]:
    when = datetime.fromtimestamp(event.timestamp_ms / 1000, UTC)
    every = {
        "@timestamp": f"{when:%Y-%m-%d %H:%M:%S}.{event.timestamp_ms % 1000:03d}",
        "@message": event.message,
        "@logStream": event.log_stream,
        "@log": f"{ACCOUNT}:{group}",
        "@ptr": f"{group}#{index}",
    }
    return {name: every[name] for name in wanted}
