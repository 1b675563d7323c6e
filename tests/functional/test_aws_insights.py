"""Logs Insights against moto: the rows of several log groups read back as the events that
FilterLogEvents gives group by group (moto answers `@timestamp` in epoch milliseconds and `@log`
without the account, and ignores `filter`; the history-level equality is proven over the fake
in tests/unit/history/test_history_log_paths.py). A group that does not exist reads as nothing."""

from __future__ import annotations

import time

from scheduler.aws import AwsContext
from scheduler.insights import InsightsReads
from scheduler.ports import LogEvent, LogRead


def test_insights_reads_what_filter_log_events_reads_group_by_group(aws: AwsContext) -> None:
    assert aws.queries is not None
    now = int(time.time() * 1000)
    groups = [f"/aws/lambda/acme-job-{i}" for i in range(5)]
    for i, group in enumerate(groups):
        aws.sink.write(group, "b", [LogEvent(now - 4000 + i, f"START RequestId: b{i}", "b")])
        aws.sink.write(group, "a", [LogEvent(now - 3000, f"END RequestId: a{i}", "a")])
        aws.sink.write(group, "a", [LogEvent(now - 9000, f"REPORT RequestId: early{i}", "a")])
    reads = [LogRead(g, now - 5000, now) for g in [*groups, "/aws/lambda/acme-never-ran"]]

    found = InsightsReads(aws.queries, group_limit=2, sleep=lambda _: None).read_all(reads)

    assert found == {r: list(aws.logs.events(r.log_group, r.start_ms, r.end_ms)) for r in reads}
    assert found[reads[1]] == [
        LogEvent(now - 3999, "START RequestId: b1", "b"),
        LogEvent(now - 3000, "END RequestId: a1", "a"),
    ]
    assert found[reads[-1]] == []
    assert aws.calls.counts()["logs:StartQuery"] >= 3


def test_the_watcher_functions_own_adapter_reads_the_same(aws: AwsContext) -> None:
    """The shipped watcher cannot import scheduler.aws: its boto3 adapter of the port is its own."""
    import boto3

    from scheduler.aws.watcher_entry import Queries

    now = int(time.time() * 1000)
    aws.sink.write("/aws/lambda/acme-a", "s", [LogEvent(now - 10, "START RequestId: r1", "s")])
    reads = [LogRead("/aws/lambda/acme-a", now - 100, now), LogRead("/aws/lambda/acme-b", 0, now)]

    found = InsightsReads(Queries(boto3.client("logs")), sleep=lambda _: None).read_all(reads)

    assert found == {reads[0]: [LogEvent(now - 10, "START RequestId: r1", "s")], reads[1]: []}
