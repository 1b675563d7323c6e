"""Many log groups read through CloudWatch Logs Insights (`LogBatchSource` over `LogQueries`):
the groups under the catalogue's name prefix selected by the query itself (`SOURCE`), the others
listed in queries of at most 50, a bounded number of queries at once, each polled with backoff,
the service keeping only the lines history can read, pages of 10,000 rows followed by time.
Standard library only: the CLI runs it over boto3 (`aws/insights.py`), the watcher ships it.

The query keeps every line `history.parse.parse_message` can make a record of (a superset:
history drops the rest, as it does when reading a whole group), so both paths give the same runs.

`SOURCE logGroups(namePrefix: [...])` (at most five prefixes, at most 10,000 groups selected:
https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/CWL_QuerySyntax-Source.html; StartQuery
then takes no logGroupNames: https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_StartQuery.html)
selects every group of the prefix, strangers' too (other names may start the same): only rows
whose `@log` is a group asked for are kept. An endpoint that refuses it (an older one, moto)
is read by listed groups instead, without a word.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

from scheduler import limits
from scheduler.errors import AwsError, NotFound
from scheduler.insights_plan import windows
from scheduler.ports import LogEvent, LogQueries, LogRead

# Substrings of every line history reads (see `history.parse`): "RequestId: " is in
# START, END, REPORT and runtime-exit lines; "platform." in Lambda's JSON platform records;
# "sched" in the wrapper's lines, raw or wrapped; "errorType" and "[ERROR]" in runtime errors.
KEPT = ("RequestId: ", "platform.", "sched", "errorType", "[ERROR]", "Task timed out after ")
FIELDS = ("@timestamp", "@message", "@logStream", "@log", "@ptr")
_LIKE = " or ".join('@message like "' + term + '"' for term in KEPT)


def query(row_limit: int = limits.INSIGHTS_MAX_ROWS, prefixes: Sequence[str] = ()) -> str:
    """The query sent: the lines history reads, oldest first, `row_limit` a page; of the log
    groups whose names start with one of `prefixes` when given (else of those StartQuery lists).
    """
    body = f"fields {', '.join(FIELDS)} | filter {_LIKE} | sort @timestamp asc | limit {row_limit}"
    if not prefixes:
        return body
    # Log group names hold no quote ([.-_/#A-Za-z0-9]+), so they need no escaping.
    named = ", ".join(f"'{p}'" for p in prefixes)
    return f"SOURCE logGroups(namePrefix: [{named}]) | {body}"


# A query's results are polled after these waits (seconds), then every last one, until DEADLINE.
# Once one query has completed, the others are first polled after the time it took: queries
# of a read are alike (a page of rows each), and each poll is a call.
BACKOFF = (0.5, 1.0, 2.0, 4.0, 5.0)
DEADLINE_S = 600.0
# `--logs auto` and the watcher read through Insights from this many log groups on (see
# `scheduler.app.log_path` for why).
AUTO_FROM_GROUPS = 50


# Below the account's 30 concurrent queries, leaving room for people's own and dashboards.
DEFAULT_CONCURRENCY = 10
_DONE = "Complete"
_TIMED_OUT = "Timeout"
_ACTION = "logs:StartQuery"


def pays_for(groups: int) -> bool:
    """Whether `auto` (and the watcher, and so its role) reads this many log groups through
    Insights: one answer, so the watcher's reader and its permissions never disagree."""
    return groups >= AUTO_FROM_GROUPS


class QueryFailed(AwsError):
    default_hint = "read the logs group by group with --logs filter, or try again later"


class _Refused(Exception):
    """The service would not run a `SOURCE` query: read its groups listed instead."""


@dataclass(frozen=True, slots=True)
class _Sourced:
    """Log groups the query selects by name prefix; `groups` those asked for among them."""

    prefixes: tuple[str, ...]
    groups: tuple[str, ...]

    def __len__(self) -> int:
        return len(self.groups)


_Target = list[str] | _Sourced


@dataclass(frozen=True, slots=True)
class _Row:
    timestamp_ms: int
    message: str
    log_stream: str
    log_group: str
    ptr: str
    account: str | None  # None where `@log` names no account (moto)


def _timestamp_ms(value: str) -> int:
    """`2026-11-25 08:00:00.123` (AWS, UTC) or epoch milliseconds (moto)."""
    if value.isdigit():
        return int(value)
    when = datetime.fromisoformat(value.replace(" ", "T"))
    return round(when.replace(tzinfo=when.tzinfo or UTC).timestamp() * 1000)


def _group(value: str) -> tuple[str | None, str]:
    """`@log` is `<account>:<group>` on AWS (a group name has no colon), the name on moto."""
    account, colon, group = value.partition(":")
    return (account, group) if colon else (None, value)


def _row(fields: dict[str, str]) -> _Row:
    account, group = _group(fields.get("@log", ""))
    return _Row(
        _timestamp_ms(fields.get("@timestamp", "0")),
        fields.get("@message", ""),
        fields.get("@logStream", ""),
        group,
        fields.get("@ptr", ""),
        account,
    )


def _seconds(start_ms: int, end_ms: int) -> tuple[int, int]:
    """The whole seconds StartQuery takes, covering [start_ms, end_ms)."""
    return start_ms // 1000, (end_ms - 1) // 1000 + 1


class InsightsReads:
    """`LogBatchSource` over Logs Insights; `sleep` and `clock` are injected for the tests.
    Groups whose names start with one of `prefixes` (at most five) are selected by the query
    itself when there are more of them than one listed query takes; rows of another account
    than `account` (when given) are dropped."""

    def __init__(
        self,
        queries: LogQueries,
        *,
        prefixes: Sequence[str] = (),
        account: str | None = None,
        concurrency: int = DEFAULT_CONCURRENCY,
        group_limit: int = limits.INSIGHTS_MAX_LOG_GROUPS,
        row_limit: int = limits.INSIGHTS_MAX_ROWS,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        deadline_s: float = DEADLINE_S,
    ) -> None:
        if len(prefixes) > limits.INSIGHTS_MAX_SOURCE_PREFIXES:
            raise ValueError(f"at most {limits.INSIGHTS_MAX_SOURCE_PREFIXES} prefixes a query")
        self.queries = queries
        self.prefixes = tuple(prefixes)
        self.account = account
        self.refused = False  # the service refused SOURCE once: it will again
        self.concurrency = max(1, min(concurrency, limits.INSIGHTS_MAX_CONCURRENT_QUERIES))
        self.group_limit = group_limit
        self.row_limit = row_limit
        self.query = query(row_limit)
        self.sleep = sleep
        self.clock = clock
        self.deadline_s = deadline_s
        # The first query polls with backoff; the others wait to learn how long one takes.
        self._lock = threading.Lock()
        self._scouting = False
        self._learned = threading.Event()
        self._took: list[float] = []
        # The first selection's query is started alone: the others wait to know it is accepted.
        self._probing = False
        self._probed = threading.Event()

    def read_all(self, reads: Sequence[LogRead]) -> dict[LogRead, list[LogEvent]]:
        spans: dict[str, tuple[int, int]] = {}
        for read in reads:
            if read.end_ms <= read.start_ms:
                continue
            low, high = spans.get(read.log_group, (read.start_ms, read.end_ms))
            spans[read.log_group] = (min(low, read.start_ms), max(high, read.end_ms))
        found: dict[str, list[LogEvent]] = {group: [] for group in spans}
        of_group: dict[str, list[LogRead]] = {}
        for read in reads:
            of_group.setdefault(read.log_group, []).append(read)
        planned = self._planned(self._targets(spans), of_group)
        fetched = self._run(planned)
        # By position: a listed target (a list) cannot be hashed, and only selections refuse.
        refused = [i for i, rows in enumerate(fetched) if rows is None]
        if refused:  # read every refused selection's groups listed, over its whole span
            listed = {g: spans[g] for i in refused for g in _names(planned[i][0])}
            again = self._planned(self._batches(listed), of_group)
            fetched = [rows for i, rows in enumerate(fetched) if rows is not None]
            fetched += self._run(again)
        for rows in fetched:
            for row in rows or ():
                # Not a stranger's group under the prefix, nor (a SOURCE query run in a
                # monitoring account also reads its linked accounts) another account's group.
                if row.log_group in found and self._own(row):
                    found[row.log_group].append(
                        LogEvent(row.timestamp_ms, row.message, row.log_stream)
                    )
        for events in found.values():
            events.sort(key=lambda e: e.timestamp_ms)  # stable: the service's order of ties
        return {
            read: [
                e
                for e in found.get(read.log_group, ())
                if read.start_ms <= e.timestamp_ms < read.end_ms
            ]
            for read in reads
        }

    def _own(self, row: _Row) -> bool:
        return self.account is None or row.account is None or row.account == self.account

    def _planned(
        self, targets: Sequence[tuple[_Target, int, int]], of_group: dict[str, list[LogRead]]
    ) -> list[tuple[_Target, int, int]]:
        """Each target's span cut into the windows its jobs' expected rows call for."""
        return [
            (target, low, high)
            for target, start, end in targets
            for low, high in windows(
                [r for g in _names(target) for r in of_group[g]], start, end, self.row_limit
            )
        ]

    def _run(self, batches: Sequence[tuple[_Target, int, int]]) -> list[list[_Row] | None]:
        """Each batch's rows, a few at once; None for a selection the service refused."""

        def one(batch: tuple[_Target, int, int]) -> list[_Row] | None:
            try:
                return self._batch(*batch)
            except _Refused:
                return None

        with ThreadPoolExecutor(max_workers=min(self.concurrency, len(batches) or 1)) as pool:
            return list(pool.map(one, batches))

    def _targets(self, spans: dict[str, tuple[int, int]]) -> list[tuple[_Target, int, int]]:
        """The groups under the prefixes in selections, when that saves queries (more than
        one listed query's worth), the others listed."""
        under = sorted(g for g in spans if self.prefixes and g.startswith(self.prefixes))
        if len(under) <= self.group_limit or self.refused:
            return [*self._batches(spans)]
        selected = set(under)
        rest = {g: span for g, span in spans.items() if g not in selected}
        chosen: list[tuple[_Target, int, int]] = []
        for sourced in selections(self.prefixes, under):
            low = min(spans[g][0] for g in sourced.groups)
            high = max(spans[g][1] for g in sourced.groups)
            chosen.append((sourced, low, high))
        return [*chosen, *self._batches(rest)]

    def _listed(
        self, groups: Sequence[str], start_ms: int, end_ms: int, seen: set[str]
    ) -> list[_Row]:
        """What an overfull second of a selection holds, read by listed groups."""
        rows: list[_Row] = []
        for i in range(0, len(groups), self.group_limit):
            rows += self._batch(list(groups[i : i + self.group_limit]), start_ms, end_ms, seen)
        return rows

    def _batches(self, spans: dict[str, tuple[int, int]]) -> list[tuple[list[str], int, int]]:
        """Groups of like spans together (most are the same window), `group_limit` a query."""
        ordered = sorted(spans, key=lambda g: (spans[g], g))
        batches = []
        for i in range(0, len(ordered), self.group_limit):
            chunk = ordered[i : i + self.group_limit]
            batches.append(
                (chunk, min(spans[g][0] for g in chunk), max(spans[g][1] for g in chunk))
            )
        return batches

    def _batch(
        self, groups: _Target, start_ms: int, end_ms: int, seen: set[str] | None = None
    ) -> list[_Row]:
        """Every kept row of `groups` in [start_ms, end_ms) not `seen` yet (by @ptr), page after
        page. A group that does not exist (a job that never ran) is found by halving the batch
        and yields nothing. A selection holding more than a page within one second is read by
        listed groups there (they can be halved); one the service refuses raises `_Refused`."""
        rows: list[_Row] = []
        seen = set() if seen is None else seen
        cursor = start_ms
        while True:
            try:
                page = self._query(groups, cursor, end_ms)
            except NotFound:
                if isinstance(groups, _Sourced):  # no group has the prefix
                    return rows
                if len(groups) == 1:
                    return rows
                half = len(groups) // 2
                return (
                    rows
                    + self._batch(groups[:half], cursor, end_ms, seen)
                    + self._batch(groups[half:], cursor, end_ms, seen)
                )
            if page is None:  # the service timed out: halve the time range
                if end_ms - cursor <= 1000:
                    raise QueryFailed(
                        _ACTION,
                        f"a Logs Insights query of {len(groups)} log group(s) timed out",
                        code=_TIMED_OUT,
                    )
                middle = cursor + (end_ms - cursor) // 2
                return (
                    rows
                    + self._batch(groups, cursor, middle, seen)
                    + self._batch(groups, middle, end_ms, seen)
                )
            fresh = [r for r in page if r.ptr not in seen and cursor <= r.timestamp_ms < end_ms]
            seen.update(r.ptr for r in fresh)
            rows += fresh
            if len(page) < self.row_limit:
                return rows
            if not fresh:
                if isinstance(groups, _Sourced):
                    return rows + self._listed(groups.groups, cursor, end_ms, seen)
                if len(groups) > 1:
                    half = len(groups) // 2
                    return (
                        rows
                        + self._batch(groups[:half], cursor, end_ms, seen)
                        + self._batch(groups[half:], cursor, end_ms, seen)
                    )
                raise QueryFailed(
                    _ACTION,
                    f"log group {groups[0]} holds more than {self.row_limit} lines"
                    " history reads within one second",
                    resource=groups[0],
                )
            # The page ends mid-way: the next starts at its last line's second (StartQuery takes
            # seconds); lines seen already are dropped by their @ptr.
            cursor = max(r.timestamp_ms for r in page)

    def _query(self, groups: _Target, start_ms: int, end_ms: int) -> list[_Row] | None:
        """One query's rows, or None when the service timed it out."""
        start_s, end_s = _seconds(start_ms, end_ms)
        if not isinstance(groups, _Sourced):
            query_id = self.queries.start_query(groups, start_s, end_s, self.query)
        else:
            query_id = self._start_sourced(groups, start_s, end_s)
        began = self.clock()
        with self._lock:
            scout = not self._scouting
            self._scouting = True
        if not scout:
            self._learned.wait(self.deadline_s)
        try:
            return self._poll(query_id, groups, began)
        finally:
            if scout:
                self._learned.set()

    def _start_sourced(self, groups: _Sourced, start_s: int, end_s: int) -> str:
        """A selection's query started; `_Refused` when the service will not run SOURCE (the
        first one is asked alone, so that a refusal costs one call)."""
        with self._lock:
            probe = not self._probing
            self._probing = True
        if not probe:
            self._probed.wait(self.deadline_s)
        try:
            if self.refused:
                raise _Refused
            text = query(self.row_limit, groups.prefixes)
            try:
                return self.queries.start_query((), start_s, end_s, text)
            except NotFound:
                raise
            except AwsError as error:  # no SOURCE here, or not allowed by prefix
                self.refused = True
                raise _Refused from error
        finally:
            if probe:
                self._probed.set()

    def _poll(self, query_id: str, groups: _Target, began: float) -> list[_Row] | None:
        sourced = isinstance(groups, _Sourced)
        for wait in self._waits(began):
            if self.clock() - began + wait > self.deadline_s:
                self.queries.stop_query(query_id)
                raise QueryFailed(
                    _ACTION,
                    f"a Logs Insights query of {len(groups)} log group(s) did not finish"
                    f" within {self.deadline_s:.0f} s",
                    code="Deadline",
                )
            self.sleep(wait)
            page = self.queries.query_results(query_id)
            if page.status == _DONE:
                with self._lock:
                    self._took.append(self.clock() - began)
                return [_row(fields) for fields in page.rows]
            if page.status == _TIMED_OUT:
                return None
            if page.status == "Failed" and sourced:
                self.refused = True
                raise _Refused
            if page.status not in ("Scheduled", "Running"):
                raise QueryFailed(
                    _ACTION, f"a Logs Insights query ended {page.status}", code=page.status
                )
        raise AssertionError("unreachable")  # pragma: no cover - _waits never ends

    def _waits(self, began: float) -> Iterable[float]:
        """Before each poll: the time queries have taken so far, less what this one waited
        already (when known), then the backoff."""
        with self._lock:
            took = sorted(self._took)
        if took:
            yield max(0.0, took[len(took) // 2] - (self.clock() - began))
        yield from BACKOFF
        while True:
            yield BACKOFF[-1]


# A selection covers at most this many of the groups asked for: half what SOURCE may select,
# leaving room for the groups under the prefix sched does not read (other catalogues', the
# watcher's own).
SELECTION_GROUPS = limits.INSIGHTS_MAX_SOURCE_GROUPS // 2


def selections(
    prefixes: Sequence[str], groups: Sequence[str], most: int = SELECTION_GROUPS
) -> list[_Sourced]:
    """`groups` (each under one of `prefixes`) in selections of at most `most` of them and at
    most five prefixes each: a prefix covering too many is lengthened by a character at a time
    (which also leaves out strangers' names that part no longer matches)."""
    parts: list[tuple[str, list[str]]] = []

    def split(prefix: str, members: list[str]) -> None:
        if len(members) <= most or any(len(m) <= len(prefix) for m in members):
            parts.append((prefix, members))
            return
        by_next: dict[str, list[str]] = {}
        for member in members:
            by_next.setdefault(member[: len(prefix) + 1], []).append(member)
        if len(by_next) == 1:  # one shared character more: no split yet
            [(longer, same)] = by_next.items()
            split(longer, same)
            return
        for longer, some in sorted(by_next.items()):
            split(longer, some)

    remaining = sorted(set(groups))
    for prefix in prefixes:
        mine = [g for g in remaining if g.startswith(prefix)]
        remaining = [g for g in remaining if not g.startswith(prefix)]
        if mine:
            split(prefix, mine)
    chosen: list[_Sourced] = []
    names: list[str] = []
    members: list[str] = []
    for prefix, some in parts:
        if names and (
            len(names) == limits.INSIGHTS_MAX_SOURCE_PREFIXES or len(members) + len(some) > most
        ):
            chosen.append(_Sourced(tuple(names), tuple(members)))
            names, members = [], []
        names.append(prefix)
        members += some
    if names:
        chosen.append(_Sourced(tuple(names), tuple(members)))
    return chosen


def _names(target: _Target) -> Sequence[str]:
    return target.groups if isinstance(target, _Sourced) else target
