"""The log adapters against moto's CloudWatch Logs: what the sink writes, the source reads back
in time order within the window; a missing group reads as nothing."""

from __future__ import annotations

import time

import boto3
import pytest

from scheduler.aws import AwsContext
from scheduler.aws.logs import batches
from scheduler.errors import InvalidRequest
from scheduler.ports import LogEvent

GROUP = "/aws/lambda/acme-backup"


def test_what_the_sink_writes_the_source_reads_in_order(aws: AwsContext) -> None:
    now = int(time.time() * 1000)
    aws.sink.write(GROUP, "b", [LogEvent(now - 1000, "b2", "b"), LogEvent(now - 3000, "b1", "b")])
    aws.sink.write(GROUP, "a", [LogEvent(now - 2000, "a1", "a"), LogEvent(now, "a2", "a")])

    events = list(aws.logs.events(GROUP, now - 3000, now))

    assert events == [
        LogEvent(now - 3000, "b1", "b"),
        LogEvent(now - 2000, "a1", "a"),
        LogEvent(now - 1000, "b2", "b"),
    ]


def test_the_sink_reuses_an_existing_group_and_stream(aws: AwsContext) -> None:
    now = int(time.time() * 1000)
    logs = boto3.client("logs")
    logs.create_log_group(logGroupName=GROUP)
    logs.create_log_stream(logGroupName=GROUP, logStreamName="s")

    aws.sink.write(GROUP, "s", [LogEvent(now, "one", "s")])
    aws.sink.write(GROUP, "s", [LogEvent(now + 1, "two", "s")])

    assert [e.message for e in aws.logs.events(GROUP, now, now + 2)] == ["one", "two"]


def test_a_missing_group_reads_as_nothing(aws: AwsContext) -> None:
    assert list(aws.logs.events("/aws/lambda/never-ran", 0, 10**13)) == []
    assert list(aws.logs.events(GROUP, 10, 10)) == []


def test_events_logs_refuses_are_an_error(aws: AwsContext) -> None:
    with pytest.raises(InvalidRequest) as raised:
        aws.sink.write(GROUP, "s", [LogEvent(1000, "from 1970", "s")])

    assert raised.value.action == "logs:PutLogEvents"
    assert "14 days" in raised.value.hint


def test_batches_keep_within_count_size_and_span() -> None:
    many = [LogEvent(i, "x", "s") for i in range(10_001)]
    assert [len(b) for b in batches(many)] == [10_000, 1]

    big = "x" * 300_000  # four of these and their overhead pass 1 MiB
    assert [len(b) for b in batches([LogEvent(i, big, "s") for i in range(5)])] == [3, 2]

    day = 24 * 60 * 60 * 1000
    spread = [LogEvent(0, "a", "s"), LogEvent(day - 1, "b", "s"), LogEvent(day, "c", "s")]
    assert [[e.message for e in b] for b in batches(spread)] == [["a", "b"], ["c"]]
