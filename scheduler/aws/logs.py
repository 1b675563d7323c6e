"""CloudWatch Logs and Lambda for run history: read a log group's events (LogSource), write
events the way Lambda would (LogSink, for local runs), read and delete the groups destroy
leaves (LogGroups), invoke a function asynchronously or synchronously with its log tail
(Invoker), and publish the alert watcher's messages to SNS (Publisher).
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator, Sequence
from typing import Any

from botocore.config import Config

from scheduler import limits
from scheduler.aws.clients import Clients
from scheduler.aws.errors import translated
from scheduler.errors import Conflict, InvalidRequest, NotFound
from scheduler.ports import Invoked, LogEvent

LOG_FILTER_PAGE = 10_000


class AwsLogSource:
    """`LogSource` over FilterLogEvents. AWS returns events sorted by timestamp
    (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_FilterLogEvents.html),
    moto stream by stream, so the events are sorted here (stably: AWS's order of equal times)."""

    def __init__(self, clients: Clients) -> None:
        self.c = clients

    def events(self, log_group: str, start_ms: int, end_ms: int) -> Iterator[LogEvent]:
        if end_ms <= start_ms:
            return iter(())
        found: list[LogEvent] = []
        try:
            with translated("logs", log_group):
                pages = self.c.logs.get_paginator("filter_log_events").paginate(
                    logGroupName=log_group,
                    startTime=start_ms,
                    endTime=end_ms - 1,  # FilterLogEvents includes its end time
                    PaginationConfig={"PageSize": LOG_FILTER_PAGE},
                )
                for page in pages:
                    found.extend(
                        LogEvent(
                            timestamp_ms=int(event.get("timestamp", 0)),
                            message=event.get("message", ""),
                            log_stream=event.get("logStreamName", ""),
                        )
                        for event in page.get("events", [])
                    )
        except NotFound:  # no log group: the function never ran
            return iter(())
        found.sort(key=lambda e: e.timestamp_ms)
        return iter(found)


class AwsLogGroups:
    """`LogGroups` over DescribeLogGroups, ListTagsForResource and DeleteLogGroup."""

    def __init__(self, clients: Clients) -> None:
        self.c = clients

    def tags(self, log_group: str) -> dict[str, str] | None:
        with translated("logs", log_group):
            found = self.c.logs.describe_log_groups(logGroupNamePrefix=log_group)["logGroups"]
            group = next((g for g in found if g.get("logGroupName") == log_group), None)
            if group is None:
                return None
            # `arn` ends in `:*`; the tagging calls take the group's own ARN.
            arn = group.get("logGroupArn") or str(group.get("arn", "")).removesuffix(":*")
            return dict(self.c.logs.list_tags_for_resource(resourceArn=arn).get("tags", {}))

    def names(self, prefix: str) -> set[str]:
        with translated("logs", prefix):
            pages = self.c.logs.get_paginator("describe_log_groups").paginate(
                logGroupNamePrefix=prefix
            )
            return {g["logGroupName"] for page in pages for g in page.get("logGroups", [])}

    def delete(self, log_group: str) -> None:
        try:
            with translated("logs", log_group):
                self.c.logs.delete_log_group(logGroupName=log_group)
        except NotFound:  # already gone
            return


class AwsLogSink:
    """`LogSink` over PutLogEvents: events sorted, in batches within the API's limits."""

    def __init__(self, clients: Clients) -> None:
        self.c = clients
        self._lock = threading.Lock()
        self._ready: set[tuple[str, str]] = set()

    def write(self, log_group: str, log_stream: str, events: Sequence[LogEvent]) -> None:
        if not events:
            return
        self._ensure(log_group, log_stream)
        ordered = sorted(events, key=lambda e: e.timestamp_ms)
        for batch in batches(ordered):
            with translated("logs", f"{log_group}/{log_stream}"):
                response = self.c.logs.put_log_events(
                    logGroupName=log_group,
                    logStreamName=log_stream,
                    logEvents=[{"timestamp": e.timestamp_ms, "message": e.message} for e in batch],
                )
            rejected = response.get("rejectedLogEventsInfo")
            if rejected:
                raise InvalidRequest(
                    "logs:PutLogEvents",
                    f"CloudWatch Logs rejected events of {log_group}/{log_stream}: {rejected}",
                    "events must be less than 14 days old (or within the group's retention) "
                    "and no more than 2 hours in the future",
                    code="RejectedLogEvents",
                    resource=f"{log_group}/{log_stream}",
                )

    def _ensure(self, log_group: str, log_stream: str) -> None:
        with self._lock:
            if (log_group, log_stream) in self._ready:
                return
        try:
            with translated("logs", log_group):
                self.c.logs.create_log_group(logGroupName=log_group)
        except Conflict:  # ResourceAlreadyExistsException
            pass
        try:
            with translated("logs", f"{log_group}/{log_stream}"):
                self.c.logs.create_log_stream(logGroupName=log_group, logStreamName=log_stream)
        except Conflict:
            pass
        with self._lock:
            self._ready.add((log_group, log_stream))


def batches(events: Sequence[LogEvent]) -> Iterator[list[LogEvent]]:
    """Runs of events within PutLogEvents' limits on count, bytes and time span."""
    batch: list[LogEvent] = []
    size = 0
    for event in events:
        event_size = len(event.message.encode()) + limits.LOGS_EVENT_OVERHEAD_BYTES
        if batch and (
            len(batch) >= limits.LOGS_BATCH_MAX_EVENTS
            or size + event_size > limits.LOGS_BATCH_MAX_BYTES
            or event.timestamp_ms - batch[0].timestamp_ms >= limits.LOGS_BATCH_MAX_SPAN_MS
        ):
            yield batch
            batch, size = [], 0
        batch.append(event)
        size += event_size
    if batch:
        yield batch


class AwsInvoker:
    """`Invoker` over Lambda Invoke: InvocationType=Event (queued, returns at once), or
    RequestResponse with LogType=Tail (waits for the run, returns its last 4 KB of log)."""

    def __init__(self, clients: Clients) -> None:
        self.c = clients
        self._waiting: Any = None

    def _sync_client(self) -> Any:
        # A run may last Lambda's whole timeout, longer than botocore's 60 s read timeout; and
        # botocore retries a read timeout, which would run the job twice. So: one attempt,
        # read timeout past Lambda's limit.
        if self._waiting is None:
            config = self.c.config.merge(
                Config(
                    read_timeout=limits.LAMBDA_MAX_TIMEOUT_SECONDS + 60,
                    retries={"total_max_attempts": 1},
                )
            )
            self._waiting = self.c.session.client("lambda", config=config)
        return self._waiting

    def invoke_sync(self, function_name: str, payload: str) -> Invoked:
        with translated("lambda", function_name):
            response = self._sync_client().invoke(
                FunctionName=function_name,
                InvocationType="RequestResponse",
                LogType="Tail",
                Payload=payload.encode(),
            )
            body = response["Payload"].read()
        # LogResult is the base64 of the last 4 KB of the invocation's log:
        # https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html#API_Invoke_ResponseSyntax
        tail = base64.b64decode(response.get("LogResult") or "").decode("utf-8", "replace")
        request_id = response.get("ResponseMetadata", {}).get("RequestId")
        return Invoked(
            request_id=str(request_id) if request_id else None,
            payload=body.decode("utf-8", "replace"),
            function_error=response.get("FunctionError"),
            log_tail=tail,
        )

    def invoke_async(self, function_name: str, payload: str) -> str | None:
        with translated("lambda", function_name):
            response = self.c.lambda_.invoke(
                FunctionName=function_name, InvocationType="Event", Payload=payload.encode()
            )
        request_id = response.get("ResponseMetadata", {}).get("RequestId")
        return str(request_id) if request_id else None


class AwsPublisher:
    """`Publisher` over SNS Publish (the alert watcher's channels, `sched alerts test`)."""

    def __init__(self, clients: Clients) -> None:
        self.c = clients

    def publish(self, topic_arn: str, subject: str, message: str) -> str:
        with translated("sns", topic_arn):
            response = self.c.sns.publish(TopicArn=topic_arn, Subject=subject, Message=message)
        return str(response.get("MessageId", ""))
