"""Which path `sched status` and `sched history` read run history by: `filter` (FilterLogEvents,
one log group at a time), `insights` (Logs Insights: the catalogue's groups selected by their
name prefix, others 50 a query), or `auto`: Insights from
AUTO_FROM_GROUPS (scheduler.insights) log groups on. Both give the same runs (tests prove it).

Why 50, by calls: group by group, N groups cost N FilterLogEvents calls (more for a busy
group), eight at a time; through Insights, a query answers for 50 listed groups, or for every
group under the catalogue's prefix, with 10,000 rows a page, in 2 calls (StartQuery and one
poll, once a first query has shown how long they take; 4 or 5 for that one). From 50 groups
Insights is 10x fewer calls (50 vs about 5) and the service drops the handler's own lines;
below it the few group-by-group calls answer in a second or two and scan nothing billed, while
a query waits seconds before it answers and is billed per GB it scans.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from enum import StrEnum
from typing import TYPE_CHECKING

from scheduler import naming
from scheduler.catalogue.model import Catalogue, Job
from scheduler.errors import AccessDenied
from scheduler.history.fetch import DEFAULT_WORKERS, fetch
from scheduler.history.targets import log_group_for, untracked_reason
from scheduler.insights import InsightsReads, pays_for
from scheduler.ports import LogBatchSource, LogEvent, LogRead, LogSource

if TYPE_CHECKING:
    from scheduler.aws import AwsContext


class LogPath(StrEnum):
    AUTO = "auto"
    FILTER = "filter"
    INSIGHTS = "insights"


def log_groups(catalogue: Catalogue, jobs: Iterable[Job]) -> set[str]:
    """The log groups history reads for `jobs` (Fargate jobs have none)."""
    groups = (log_group_for(catalogue, j) for j in jobs if untracked_reason(j) is None)
    return {g for g in groups if g is not None}


def resolved(path: LogPath, groups: int) -> LogPath:
    """`auto` made `filter` or `insights` for this many log groups."""
    if path is LogPath.AUTO:
        return LogPath.INSIGHTS if pays_for(groups) else LogPath.FILTER
    return path


def _no_wait(_: float) -> None:
    """The local AWS (moto) completes a query as it starts it."""


class InsightsOrFilter:
    """`auto`'s Insights reader: an identity that may not start queries (no logs:StartQuery)
    reads group by group instead, as it did before Insights."""

    def __init__(self, insights: LogBatchSource, logs: LogSource) -> None:
        self.insights = insights
        self.logs = logs

    def read_all(self, reads: Sequence[LogRead]) -> dict[LogRead, list[LogEvent]]:
        try:
            return self.insights.read_all(reads)
        except AccessDenied:
            return fetch(self.logs, reads, workers=DEFAULT_WORKERS)


def log_source(
    aws: AwsContext, path: LogPath, catalogue: Catalogue, groups: int
) -> LogSource | LogBatchSource:
    """The reader of `path` over `aws` for `groups` log groups of `catalogue`. Through Insights,
    the groups under the catalogue's prefix are selected by it (`SOURCE`), except on the local
    AWS: moto cannot run a query that names no log group."""
    if resolved(path, groups) is LogPath.FILTER or aws.queries is None:
        return aws.logs
    prefixes = () if aws.local else (naming.log_group_prefix(catalogue.prefix),)
    reads = InsightsReads(
        aws.queries,
        prefixes=prefixes,
        account=aws.account,
        sleep=_no_wait if aws.local else time.sleep,
    )
    return InsightsOrFilter(reads, aws.logs) if path is LogPath.AUTO else reads
