"""The boto3 clients of one session, each created on first use and then shared by all threads.

boto3 clients are thread-safe, sessions are not: creation happens under a lock, calls do not.
Every client gets the same config: adaptive retries (client-side rate limiting on throttles)
and a connection pool large enough for the reader's and apply's worker threads.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

import boto3
from botocore.config import Config

if TYPE_CHECKING:
    from botocore.client import BaseClient
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_iam import IAMClient
    from mypy_boto3_lambda import LambdaClient
    from mypy_boto3_logs import CloudWatchLogsClient
    from mypy_boto3_scheduler import EventBridgeSchedulerClient
    from mypy_boto3_sts import STSClient

MAX_ATTEMPTS = 10
POOL_SIZE = 32


def client_config(**overrides: Any) -> Config:
    settings: dict[str, Any] = {
        "retries": {"mode": "adaptive", "max_attempts": MAX_ATTEMPTS},
        "max_pool_connections": POOL_SIZE,
    }
    settings.update(overrides)
    return Config(**settings)


class Clients:
    """Lazily created, shared clients of `session` for the services sched uses."""

    def __init__(self, session: boto3.Session, config: Config) -> None:
        self.session = session
        self.config = config
        self._lock = threading.Lock()
        self._clients: dict[str, Any] = {}

    def _get(self, service: str) -> Any:
        client = self._clients.get(service)
        if client is None:
            with self._lock:
                client = self._clients.get(service)
                if client is None:
                    client = self.session.client(service, config=self.config)  # type: ignore[call-overload]
                    self._clients[service] = client
        return client

    @property
    def iam(self) -> IAMClient:
        client: IAMClient = self._get("iam")
        return client

    @property
    def lambda_(self) -> LambdaClient:
        client: LambdaClient = self._get("lambda")
        return client

    @property
    def events(self) -> EventBridgeClient:
        client: EventBridgeClient = self._get("events")
        return client

    @property
    def scheduler(self) -> EventBridgeSchedulerClient:
        client: EventBridgeSchedulerClient = self._get("scheduler")
        return client

    @property
    def logs(self) -> CloudWatchLogsClient:
        client: CloudWatchLogsClient = self._get("logs")
        return client

    @property
    def sts(self) -> STSClient:
        client: STSClient = self._get("sts")
        return client

    @property
    def tagging(self) -> BaseClient:
        # Resource Groups Tagging API; no typed stubs are installed for it.
        client: BaseClient = self._get("resourcegroupstaggingapi")
        return client
