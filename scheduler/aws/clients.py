"""boto3 sessions, and the clients of one session, each created on first use and then shared by
all threads.

boto3 clients are thread-safe, sessions are not: creation happens under a lock, calls do not.
Every client gets the same config: adaptive retries (client-side rate limiting on throttles)
and a connection pool large enough for the reader's and apply's worker threads. Every session
made by `new_session` shares one botocore data loader, so each service model (the IAM one alone
is a megabyte of JSON) is parsed once per process, not once per session, and each kind of model
is looked for once.
"""

from __future__ import annotations

import functools
import os
import threading
from typing import TYPE_CHECKING, Any

import boto3
import botocore.session
from botocore.config import Config
from botocore.loaders import Loader

if TYPE_CHECKING:
    from botocore.client import BaseClient
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_iam import IAMClient
    from mypy_boto3_lambda import LambdaClient
    from mypy_boto3_logs import CloudWatchLogsClient
    from mypy_boto3_scheduler import EventBridgeSchedulerClient
    from mypy_boto3_sqs import SQSClient
    from mypy_boto3_ssm import SSMClient
    from mypy_boto3_sts import STSClient

MAX_ATTEMPTS = 10
POOL_SIZE = 32


class _OneListingAtATime(Loader):
    """botocore's loader, listing the services that have a kind of model (a walk of ~400
    folders, ~50 ms) once even when threads ask at the same moment: its cache is filled
    without a lock, and the reader's threads, each making its first paginator, walked the
    folders for paginators six times over in every plan."""

    def __init__(self, extra_search_paths: list[str] | None = None) -> None:
        super().__init__(extra_search_paths=extra_search_paths)
        self._listing = threading.Lock()

    def list_available_services(self, type_name: str) -> list[str]:
        with self._listing:
            return super().list_available_services(type_name)


@functools.cache
def _shared_loader(data_path: str | None) -> Loader:
    """As botocore's `create_loader(data_path)` (AWS_DATA_PATH: folders searched first)."""
    if data_path is None:
        return _OneListingAtATime()
    paths = [os.path.expanduser(os.path.expandvars(path)) for path in data_path.split(os.pathsep)]
    return _OneListingAtATime(extra_search_paths=paths)


def new_session(core: botocore.session.Session | None = None, **options: Any) -> boto3.Session:
    """`boto3.Session(**options)` over `core` (default: a new botocore session), with the data
    loader shared by every session of the process."""
    core = core or botocore.session.Session()
    if options.get("profile_name") is not None:
        # As boto3 does, so that reading the config below reports an unknown profile here.
        core.set_config_variable("profile", options["profile_name"])
    loader = _shared_loader(core.get_config_variable("data_path"))
    core.register_component("data_loader", loader)
    session = boto3.Session(botocore_session=core, **options)
    # boto3 appends its own data folder to the loader's search path on every new Session.
    loader.search_paths[:] = list(dict.fromkeys(loader.search_paths))
    return session


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
    def sqs(self) -> SQSClient:
        client: SQSClient = self._get("sqs")
        return client

    @property
    def ssm(self) -> SSMClient:
        client: SSMClient = self._get("ssm")
        return client

    @property
    def secretsmanager(self) -> Any:
        # Typed stubs are a dev dependency only (local data uses them under TYPE_CHECKING).
        return self._get("secretsmanager")

    @property
    def sts(self) -> STSClient:
        client: STSClient = self._get("sts")
        return client

    @property
    def sns(self) -> Any:
        # No typed stubs are installed for SNS.
        return self._get("sns")

    @property
    def service_quotas(self) -> Any:
        # No typed stubs are installed for Service Quotas.
        return self._get("service-quotas")

    @property
    def tagging(self) -> BaseClient:
        # Resource Groups Tagging API; no typed stubs are installed for it.
        client: BaseClient = self._get("resourcegroupstaggingapi")
        return client
