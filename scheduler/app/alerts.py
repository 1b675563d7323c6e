"""`sched alerts` and the local watcher: what the watcher would send now and why (a dry run
through the same logs as `sched status`: nothing is published, nothing remembered), a test
message to one channel, and the watcher's pass that `sched local tick` runs in-process.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from scheduler.app.connect import Connection, connect
from scheduler.catalogue.model import Catalogue
from scheduler.errors import NotFound, UsageError, UserError
from scheduler.history.targets import deployment_times
from scheduler.ports import LogEvent
from scheduler.runtime.contract import SecretRef
from scheduler.watch.config import WatchConfig, config_for, shards
from scheduler.watch.decide import JobDecision
from scheduler.watch.state import Unsent, WatchState
from scheduler.watch.watcher import (
    STATE_LOOKBACK_PERIODS,
    Pass,
    decide,
    deliver,
    merged,
    read_state,
    run_pass,
)
from scheduler.watch.webhook import HookSender, WebhookError

if TYPE_CHECKING:
    from scheduler.aws import AwsContext

TEST_SUBJECT = "sched: test alert ({catalogue})"


class NoAlerts(UsageError):
    """The catalogue asks for no alerts, so there is no watcher to ask."""


class UnknownChannel(UsageError):
    """A channel named on the command line is not declared under `alerts: channels:`."""


class NoTopic(UserError):
    """The channel's SNS topic does not exist (not applied yet, or a wrong ARN)."""

    exit_code = 3


class NoSecret(UserError):
    """The secret a webhook channel names does not exist."""

    exit_code = 3


class WebhookFailed(UserError):
    """A webhook channel's URL refused the test message, or could not be reached."""

    exit_code = 3


@dataclass(frozen=True)
class Preview:
    """What the watcher would decide now: per job, the alert it would send (or none) and why.
    `remembered` is False when the watcher has logged no state yet (it has not run)."""

    now: datetime
    decisions: tuple[JobDecision, ...]
    remembered: bool
    deployed: bool = True  # the watcher function exists (else: `sched apply` deploys it)
    health: Health | None = None


@dataclass(frozen=True)
class Health:
    """What the watcher's own last state line says of it: when it ran (`last_pass`), what it
    could not send (`unsent`), and, when that pass is older than a few of its periods (it may
    be failing), its period (`overdue`); `log_group` is its own (its shards', comma-separated)."""

    log_group: str
    last_pass: datetime | None = None
    unsent: tuple[Unsent, ...] = ()
    overdue: timedelta | None = None

    @property
    def troubled(self) -> bool:
        return bool(self.unsent) or self.overdue is not None


def _health(parts: list[WatchConfig], states: list[WatchState], now: datetime) -> Health:
    """Of the catalogue's watchers (`parts`, one state each): the least recent pass, and what
    any of them could not send."""
    times = [st.at for st in states if st.at is not None]
    last = min(times) if times else None
    every = parts[0].every
    late = last is not None and now - last > every * STATE_LOOKBACK_PERIODS
    groups = ", ".join(part.log_group for part in parts)
    unsent = tuple(u for st in states for u in st.unsent)
    return Health(groups, last, unsent, every if late else None)


def watcher_health(catalogue: Catalogue, aws: AwsContext, *, now: datetime) -> Health | None:
    """The watchers' health for `sched status`, read through the connection `aws` that status
    already holds; None when the catalogue has no watcher."""
    config = config_for(catalogue, region=aws.region, account=aws.account)
    if config is None:
        return None
    parts = shards(config)
    states = [read_state(part, aws.logs, now=now) or WatchState() for part in parts]
    return _health(parts, states, now)


def _config(catalogue: Catalogue, aws: AwsContext) -> WatchConfig:
    config = config_for(catalogue, region=aws.region, account=aws.account)
    if config is None:
        raise NoAlerts(
            f"catalogue {catalogue.name!r} has no alerts: no job alerts to a declared channel",
            "declare alerts: {channels: {ops: {email: [you@example.com]}}} and an alert: on a job",
        )
    return config


def preview(catalogue: Catalogue, connection: Connection, *, now: datetime) -> Preview:
    """What the deployed watcher would send if it ran now, read from its own state and the
    jobs' logs; a job it does not know yet is judged from its deployment."""
    decisions: list[JobDecision] = []
    remembered = True
    with connect(connection, catalogue.path) as aws:
        config = _config(catalogue, aws)
        deployed = deployment_times(config.catalogue, aws.deployments)
        parts = shards(config)  # each watcher remembers its own jobs in its own log group
        states = []
        for part in parts:
            previous = read_state(part, aws.logs, now=now)
            remembered = remembered and previous is not None
            states.append(previous or WatchState())
            decisions += decide(
                part, aws.logs, previous, now=now, first_seen=deployed, deployments=aws.deployments
            )
        watchers = aws.deployments.deployed_at([part.function for part in parts])
    order = {job.name: i for i, job in enumerate(config.jobs)}
    decisions.sort(key=lambda d: order[d.job])
    return Preview(
        now,
        tuple(decisions),
        remembered,
        len(watchers) == len(parts),
        _health(parts, states, now),
    )


@dataclass(frozen=True)
class TestSent:
    """Sent to `channel`: `topic` is its topic ARN, or its webhook's secret reference (`hook`
    is then its kind); `message_id` SNS's id, or the webhook's `HTTP 200`."""

    channel: str
    topic: str
    message_id: str
    hook: str | None = None


def send_test(
    catalogue: Catalogue, connection: Connection, channel: str, *, now: datetime
) -> TestSent:
    """Send a test message to `channel` (its SNS topic, or its webhook's URL read from its
    secret), as the watcher would send an alert."""
    alerts = catalogue.alerts
    names = [c.name for c in alerts.channels] if alerts else []
    if channel not in names:
        raise UnknownChannel(
            f"no channel {channel!r} in catalogue {catalogue.name!r}",
            f"channels: {', '.join(names)}" if names else "declare one under alerts: channels:",
        )
    with connect(connection, catalogue.path) as aws:
        config = config_for(catalogue, region=aws.region, account=aws.account)
        found = alerts.channel(channel) if alerts is not None else None
        if config is None or aws.publisher is None:
            raise NoAlerts(
                f"channel {channel!r}: no job alerts, so nothing sends to it",
                "add it to a job's alert: to:, then sched apply",
            )
        message = (
            f"A test message from sched, catalogue {catalogue.name}, channel {channel}, "
            f"sent {now:%Y-%m-%d %H:%M} UTC.\nAlerts about the catalogue's jobs come like this.\n"
        )
        subject = TEST_SUBJECT.format(catalogue=catalogue.name)
        fields = {"catalogue": catalogue.name, "job": None, "outcome": "test", "fire": None}
        hooks = HookSender(aws.secrets) if aws.secrets is not None else None
        try:
            topic, message_id = deliver(
                config, channel, subject, message, fields, aws.publisher, hooks
            )
        except (WebhookError, KeyError, ValueError) as error:  # KeyError: no such #key
            raise WebhookFailed(
                f"channel {channel!r}: {error}",
                f"check the URL kept in {found.secret}" if found and found.secret else "",
            ) from None
        except NotFound:
            if found is not None and found.secret is not None:
                raise NoSecret(
                    f"channel {channel!r}: secret {found.secret} does not exist",
                    f"create it: {_create_secret(found.secret)}",
                ) from None
            topic = config.topic(channel) or ""
            owned = found is not None
            raise NoTopic(
                f"channel {channel!r}: SNS topic {topic} does not exist",
                "sched apply creates it"
                if owned and found is not None and found.topic is None
                else "check the topic ARN under alerts: channels:",
            ) from None
    hook = config.hook(channel)
    return TestSent(channel, topic, message_id, hook.kind if hook is not None else None)


def _create_secret(reference: str) -> str:
    ref = SecretRef.parse(reference)
    if ref.scheme == "ssm":
        return f"aws ssm put-parameter --type SecureString --name {ref.name} --value 'https://...'"
    value = f'\'{{"{ref.json_key}": "https://..."}}\'' if ref.json_key else "'https://...'"
    return f"aws secretsmanager create-secret --name {ref.name} --secret-string {value}"


def watch_locally(
    catalogue: Catalogue,
    aws: AwsContext,
    *,
    now: datetime,
    deployed: Mapping[str, datetime] | None = None,
) -> Pass | None:
    """One pass of the watcher in this process against the local AWS, as the deployed function
    would make it: its state lines go to its log group, its alerts to the local SNS. None when
    the catalogue has no watcher, or it is not applied."""
    config = config_for(catalogue, region=aws.region, account=aws.account)
    if config is None or aws.publisher is None:
        return None
    parts = shards(config)
    if len(aws.deployments.deployed_at([part.function for part in parts])) < len(parts):
        return None
    stream = f"{now:%Y/%m/%d}/[$LATEST]sched-watcher"
    first_seen = deployed if deployed is not None else deployment_times(catalogue, aws.deployments)
    hooks = HookSender(aws.secrets) if aws.secrets is not None else None
    passes = []
    for part in parts:  # as each deployed watcher would pass over its own jobs

        def emit(line: str, group: str = part.log_group) -> None:
            aws.sink.write(group, stream, [LogEvent(_ms(now), line, stream)])

        passes.append(
            run_pass(
                part,
                aws.logs,
                aws.publisher,
                emit,
                now=now,
                first_seen=first_seen,
                deployments=aws.deployments,
                hooks=hooks,
            )
        )
    return passes[0] if len(passes) == 1 else merged(passes)


def _ms(when: datetime) -> int:
    return int(when.timestamp() * 1000)
