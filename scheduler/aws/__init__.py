"""The boto3 adapters of the ports: `connect` builds them for real AWS, `context` for any boto3
session (local mode passes the moto-backed session of `scheduler.local.embedded`). Either way
the adapters are the same code.

Real AWS goes through boto3's normal chain (profile, region, environment, `AWS_ENDPOINT_URL`
for emulators) with one session and shared clients.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass

import boto3
from botocore.exceptions import BotoCoreError, NoRegionError

from scheduler.aws.calls import CallCounter
from scheduler.aws.clients import Clients, client_config, new_session
from scheduler.aws.deployments import AwsDeploymentSource
from scheduler.aws.errors import connection_failure, translated
from scheduler.aws.insights import AwsLogQueries
from scheduler.aws.lock import SsmApplyLock
from scheduler.aws.logs import AwsInvoker, AwsLogGroups, AwsLogSink, AwsLogSource, AwsPublisher
from scheduler.aws.quotas import AwsQuotaSource
from scheduler.aws.rates import Rates, pacing_wanted
from scheduler.aws.reader import AwsStateReader
from scheduler.aws.retry import DELAYS, Pacing
from scheduler.aws.secrets import AwsSecretSource
from scheduler.aws.survey import AwsScopeSurvey, TagSearch
from scheduler.aws.write_alias import AwsVersionStore
from scheduler.aws.writer import AwsResourceWriter
from scheduler.ports import (
    ApplyLock,
    DeploymentSource,
    FunctionTags,
    Invoker,
    LogGroups,
    LogQueries,
    LogSink,
    LogSource,
    Publisher,
    QuotaSource,
    ResourceWriter,
    ScopeSurvey,
    SecretSource,
    StateReader,
    VersionStore,
)

__all__ = ["AwsContext", "CallCounter", "connect", "context"]

# The identity check fails fast: an unreachable endpoint is an answer, not a blip to retry.
_IDENTITY_CONFIG = {"retries": {"mode": "standard", "max_attempts": 2}, "connect_timeout": 5}


@dataclass(frozen=True)
class AwsContext:
    """Everything that talks to one AWS account and region (or to the local one)."""

    account: str
    region: str
    local: bool
    reader: StateReader
    writer: ResourceWriter
    logs: LogSource
    sink: LogSink
    invoker: Invoker
    deployments: DeploymentSource
    function_tags: FunctionTags
    lock: ApplyLock
    calls: CallCounter
    session: boto3.Session
    publisher: Publisher | None = None
    versions: VersionStore | None = None
    survey: ScopeSurvey | None = None
    quotas: QuotaSource | None = None
    queries: LogQueries | None = None  # Logs Insights, for `scheduler.insights`
    secrets: SecretSource | None = None
    log_groups: LogGroups | None = None


@contextlib.contextmanager
def connect(*, profile: str | None = None, region: str | None = None) -> Iterator[AwsContext]:
    """The adapters for real AWS through boto3's chain. Failing to reach AWS raises
    `AwsFailure` with a hint."""
    session = _real_session(profile, region)
    yield context(session, _account(session), local=False)


def context(session: boto3.Session, account: str, *, local: bool) -> AwsContext:
    """The adapters over `session`; `local` when it is answered by the embedded local AWS."""
    calls = CallCounter()
    session.events.register("before-call.*.*", calls)
    clients = Clients(session, client_config(ignore_configured_endpoint_urls=local))
    region = str(session.region_name)
    deployments = AwsDeploymentSource(clients)  # answers both ports from one Lambda client
    tags = TagSearch(clients)  # one search serves the read and the old-name survey
    session.events.register("before-call.*.*", tags.on_call)
    if not local and pacing_wanted(os.environ):
        session.events.register("before-call.*.*", Rates())
    return AwsContext(
        account=account,
        region=region,
        local=local,
        reader=AwsStateReader(clients, tags=tags),
        # moto has no IAM propagation and no update in progress: nothing is worth a retry.
        writer=AwsResourceWriter(
            clients, region=region, account=account, delays=() if local else DELAYS, local=local
        ),
        logs=AwsLogSource(clients),
        sink=AwsLogSink(clients),
        invoker=AwsInvoker(clients),
        deployments=deployments,
        function_tags=deployments,
        lock=SsmApplyLock(clients),
        calls=calls,
        session=session,
        publisher=AwsPublisher(clients),
        versions=AwsVersionStore(clients, pacing=Pacing(() if local else DELAYS)),
        survey=AwsScopeSurvey(tags),
        quotas=AwsQuotaSource(clients),
        queries=AwsLogQueries(clients),
        secrets=AwsSecretSource(clients),
        log_groups=AwsLogGroups(clients),
    )


def _real_session(profile: str | None, region: str | None) -> boto3.Session:
    try:
        session = new_session(profile_name=profile, region_name=region)
    except BotoCoreError as error:  # ProfileNotFound
        raise connection_failure(error) from error
    if not session.region_name:
        raise connection_failure(NoRegionError())
    return session


def _account(session: boto3.Session) -> str:
    """The account of the credentials in use, which also proves they work."""
    try:
        sts = session.client("sts", config=client_config(**_IDENTITY_CONFIG))
    except BotoCoreError as error:
        raise connection_failure(error, "sts:GetCallerIdentity") from error
    with translated("sts"):
        return sts.get_caller_identity()["Account"]
