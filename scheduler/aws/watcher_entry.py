"""The watcher function's Lambda entry point, shipped as `sched_watcher.py` at the root of its
zip beside sched's own `scheduler/watch/`, `history/`, `schedule/` and `runtime/` (as-is) and
the `sched_watch.json` compile wrote. Only boto3 (which Lambda's Python runtime provides) and
the standard library: it imports nothing of `scheduler.aws`, whose package is not shipped.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Collection, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import boto3
from botocore.exceptions import ClientError

from scheduler import naming
from scheduler.errors import AwsError, NotFound
from scheduler.history.targets import log_group_for, parse_last_modified
from scheduler.insights import InsightsReads, pays_for
from scheduler.ports import Deployment, LogEvent, QueryPage
from scheduler.runtime.contract import ENV_DEPLOY, SecretRef
from scheduler.runtime.wrapper import read_secret
from scheduler.watch.config import CONFIG_FILE, SHARD_ENV, WatchConfig, from_json, shard_from_env
from scheduler.watch.watcher import run_pass
from scheduler.watch.webhook import HookSender

_NOT_FOUND = "ResourceNotFoundException"
_CONCURRENT_READS = 8
_LIVE_ALIAS = "live"  # scheduler.resources.LIVE_ALIAS: that module is not shipped


class Logs:
    """FilterLogEvents, paged and sorted (moto returns stream by stream); no group: nothing."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def events(self, log_group: str, start_ms: int, end_ms: int) -> Iterator[LogEvent]:
        if end_ms <= start_ms:
            return iter(())
        found: list[LogEvent] = []
        try:
            pages = self.client.get_paginator("filter_log_events").paginate(
                logGroupName=log_group, startTime=start_ms, endTime=end_ms - 1
            )
            for page in pages:
                found.extend(
                    LogEvent(
                        int(e.get("timestamp", 0)), e.get("message", ""), e.get("logStreamName", "")
                    )
                    for e in page.get("events", [])
                )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != _NOT_FOUND:
                raise
        found.sort(key=lambda e: e.timestamp_ms)
        return iter(found)


class Queries:
    """Logs Insights (`LogQueries`): a group that does not exist raises NotFound; a query that
    selects its groups (`SOURCE`, no logGroupNames) the service refuses raises AwsError."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def start_query(self, log_groups: Sequence[str], start_s: int, end_s: int, query: str) -> str:
        named = {"logGroupNames": list(log_groups)} if log_groups else {}
        try:
            response = self.client.start_query(
                **named, startTime=start_s, endTime=end_s, queryString=query
            )
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            if code == _NOT_FOUND:
                raise NotFound("logs:StartQuery", str(error)) from error
            if not log_groups:
                raise AwsError("logs:StartQuery", str(error), code=code) from error
            raise
        return str(response["queryId"])

    def query_results(self, query_id: str) -> QueryPage:
        response = self.client.get_query_results(queryId=query_id)
        rows = tuple(
            {str(f.get("field", "")): str(f.get("value", "")) for f in row}
            for row in response.get("results", [])
        )
        return QueryPage(str(response.get("status", "Unknown")), rows)

    def stop_query(self, query_id: str) -> None:
        with contextlib.suppress(ClientError):  # it finished meanwhile
            self.client.stop_query(queryId=query_id)


def job_reads(config: WatchConfig, client: Any, account: str | None = None) -> InsightsReads | None:
    """Logs Insights for many watched groups (as `sched status --logs auto`: those under the
    catalogue's prefix selected by it, in `account` only), else None."""
    groups = {log_group_for(config.catalogue, job) for job in config.jobs} - {None}
    if not pays_for(len(groups)):
        return None
    prefix = naming.log_group_prefix(config.catalogue.prefix)
    return InsightsReads(Queries(client), prefixes=[prefix], account=account)


class Functions:
    """The watched jobs' functions as deployed (`DeploymentSource`), so that only the lines their
    SCHED_DEPLOY wrote count: one GetFunctionConfiguration each, which its role may call on
    those functions only (ListFunctions cannot be limited to some functions)."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def deployments(
        self, function_names: Sequence[str], versioned: Collection[str] = ()
    ) -> dict[str, Deployment]:
        def one(name: str) -> Deployment | None:
            config = self._configuration(name)
            if config is None:
                return None  # not deployed (yet): no binding, as `sched status` reads it
            when = parse_last_modified(config.get("LastModified", ""))
            if when is None:
                return None
            deploy = _deploy(config)
            # After a rollback the schedule runs the version `live` points at, whose lines carry
            # that version's SCHED_DEPLOY: believed too, as `sched status` and `alerts` do.
            live = _deploy(self._configuration(name, _LIVE_ALIAS)) if name in versioned else None
            kept = frozenset({live} - {deploy, None}) if live is not None else frozenset()
            return Deployment(when, deploy, versions=kept)

        # One call a function, so a pass of a thousand jobs makes them a few at a time (I/O).
        names = list(function_names)
        with ThreadPoolExecutor(max_workers=_CONCURRENT_READS) as pool:
            found = dict(zip(names, pool.map(one, names), strict=True))
        return {name: d for name, d in found.items() if d is not None}

    def _configuration(self, name: str, qualifier: str | None = None) -> dict[str, Any] | None:
        extra = {"Qualifier": qualifier} if qualifier is not None else {}
        try:
            config: dict[str, Any] = self.client.get_function_configuration(
                FunctionName=name, **extra
            )
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != _NOT_FOUND:
                raise
            return None
        return config

    def deployed_at(self, function_names: Sequence[str]) -> dict[str, datetime]:
        return {name: d.at for name, d in self.deployments(function_names).items()}


def _deploy(config: dict[str, Any] | None) -> str | None:
    variables = ((config or {}).get("Environment") or {}).get("Variables") or {}
    deploy = variables.get(ENV_DEPLOY)
    return deploy if isinstance(deploy, str) else None


class Sns:
    def __init__(self, client: Any) -> None:
        self.client = client

    def publish(self, topic_arn: str, subject: str, message: str) -> str:
        response = self.client.publish(TopicArn=topic_arn, Subject=subject, Message=message)
        return str(response.get("MessageId", ""))


class Secrets:
    """`SecretSource` with the watcher's own role, which may read its webhook channels'
    secrets and nothing else of SSM or Secrets Manager."""

    def value(self, reference: str) -> str:
        return read_secret(SecretRef.parse(reference))


def _emit(line: str) -> None:
    print(line, flush=True)  # the function's own log group holds its state lines


def _account(context: object) -> str | None:
    """The watcher's own account, from its ARN (`arn:aws:lambda:<region>:<account>:...`)."""
    parts = str(getattr(context, "invoked_function_arn", "")).split(":")
    return parts[4] if len(parts) > 4 and parts[4] else None


def handler(event: object, context: object) -> dict[str, Any]:
    whole = from_json(Path(__file__).with_name(CONFIG_FILE).read_text(encoding="utf-8"))
    config = shard_from_env(whole, os.environ.get(SHARD_ENV))
    logs = boto3.client("logs")
    done = run_pass(
        config,
        Logs(logs),
        Sns(boto3.client("sns")),
        _emit,
        now=datetime.now(UTC),
        deployments=Functions(boto3.client("lambda")),
        hooks=HookSender(Secrets()),
        reads=job_reads(config, logs, _account(context)),
    )
    if done.failed:  # the pass's own failure shows in Lambda's Errors metric and the logs
        for sent in done.failed:
            print(f"could not alert {sent.channel} about {sent.alert.job}: {sent.error}",
                  file=sys.stderr)  # fmt: skip
        raise RuntimeError(f"{len(done.failed)} alert(s) could not be published")
    return {"alerts": len(done.alerts), "sent": len(done.sent)}


if __name__ == "__main__":  # pragma: no cover - a manual check: python sched_watcher.py
    print(json.dumps(handler({}, None)))
