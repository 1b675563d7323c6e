"""What the watcher watches, as plain data and the JSON file shipped in its zip: each alerting
job's schedule and alert rule, each SNS channel's topic ARN and each webhook channel's secret
reference. Built from a catalogue by `config_for`; read back in the function by `from_json`,
which rebuilds the jobs history needs.
"""

from __future__ import annotations

import json
import math
import zlib
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

from scheduler import limits, naming
from scheduler.catalogue.model import (
    AlertRule,
    Backend,
    Catalogue,
    Channel,
    Compute,
    Job,
)
from scheduler.watch.webhook import Webhook

CONFIG_FILE = "sched_watch.json"
SCHEMA = 1


def channel_topic(channel: Channel, catalogue: str, *, region: str, account: str) -> str:
    """Where alerts to `channel` are published: its own topic, or the one sched owns for it."""
    if channel.topic is not None:
        return channel.topic
    return naming.topic_arn(region, account, naming.topic_name(catalogue, channel.name))


@dataclass(frozen=True)
class WatchConfig:
    """The catalogue as the watcher needs it: the alerting jobs, channel → topic ARN of the SNS
    channels, and the webhook channels (their URLs' secret references, never the URLs). A
    catalogue too large for one watcher's pass is watched by `shards` watchers, each of the
    jobs `shard_of` deals it (see `sharded`); `shard` is this one's number, from 0."""

    catalogue: Catalogue
    topics: tuple[tuple[str, str], ...]
    every: timedelta
    hooks: tuple[Webhook, ...] = ()
    shard: int = 0
    shards: int = 1

    def hook(self, channel: str) -> Webhook | None:
        return next((h for h in self.hooks if h.channel == channel), None)

    @property
    def jobs(self) -> tuple[Job, ...]:
        return tuple(j for j in self.catalogue.jobs if j.alert is not None)

    def topic(self, channel: str) -> str | None:
        return dict(self.topics).get(channel)

    @property
    def function(self) -> str:
        """The watcher's function (and role, and rule)."""
        return naming.watcher_shard_name(self.catalogue.prefix, self.shard, self.shards)

    @property
    def log_group(self) -> str:
        """The watcher's own log group, where its state lines are."""
        key = naming.watcher_key(self.shard, self.shards)
        return naming.log_group_name(self.catalogue.prefix, key)


# A pass reads each watched job's deployment (one GetFunctionConfiguration a job, ~50 ms) and
# its logs: past this many jobs it would not fit in half of the watcher's 120 s timeout, so the
# jobs are dealt out to several watchers, each a function of its own on its own rule.
JOBS_PER_WATCHER = 1000
# Tells a deployed watcher which of the shards it is: "<shard>/<shards>", from 0.
SHARD_ENV = "SCHED_WATCH_SHARD"


def shard_of(job: str, shards: int) -> int:
    """Which watcher watches `job`: a hash of its name, so that adding a job moves no other."""
    return zlib.crc32(job.encode()) % shards if shards > 1 else 0


def shard_count(config: WatchConfig) -> int:
    return max(1, math.ceil(len(config.jobs) / JOBS_PER_WATCHER))


def sharded(config: WatchConfig, shard: int, shards: int) -> WatchConfig:
    """The part of `config` watcher `shard` of `shards` watches."""
    cat = config.catalogue
    jobs = tuple(j for j in cat.jobs if shard_of(j.name, shards) == shard)
    return replace(config, catalogue=replace(cat, jobs=jobs), shard=shard, shards=shards)


def shards(config: WatchConfig) -> list[WatchConfig]:
    """Every watcher of the catalogue: one, or `shard_count` of them."""
    count = shard_count(config)
    return [sharded(config, k, count) for k in range(count)] if count > 1 else [config]


def shard_from_env(config: WatchConfig, value: str | None) -> WatchConfig:
    """The part of `config` a deployed watcher watches, from its SHARD_ENV (None: all)."""
    if not value:
        return config
    shard, _, count = value.partition("/")
    return sharded(config, int(shard), int(count))


def config_for(catalogue: Catalogue, *, region: str, account: str) -> WatchConfig | None:
    """The watcher's configuration, or None when no job alerts (then no watcher is deployed).
    Watched: the enabled Lambda jobs with an alert rule."""
    alerts = catalogue.alerts
    # A disabled job never fires, so it would only ever read as missed; Fargate jobs leave no
    # Lambda logs to read.
    jobs = tuple(
        j
        for j in catalogue.jobs
        if j.alert is not None and j.enabled and j.compute is Compute.LAMBDA
    )
    if alerts is None or not alerts.channels or not jobs:
        return None
    topics = tuple(
        (c.name, channel_topic(c, catalogue.prefix, region=region, account=account))
        for c in alerts.channels
        if c.hook is None
    )
    hooks = tuple(
        Webhook(c.name, c.hook.value, c.secret)
        for c in alerts.channels
        if c.hook is not None and c.secret is not None
    )
    watched = Catalogue(catalogue.prefix, catalogue.path, catalogue.policy, jobs, alerts)
    return WatchConfig(watched, topics, alerts.every, hooks)


def _ms(value: timedelta | None) -> int | None:
    return None if value is None else round(value.total_seconds() * 1000)


def _td(value: object) -> timedelta | None:
    return timedelta(milliseconds=value) if isinstance(value, int) else None


def to_json(config: WatchConfig) -> str:
    """The config file: sorted keys, so the same catalogue gives the same bytes (and zip)."""
    jobs = []
    for job in config.jobs:
        assert job.alert is not None
        jobs.append(
            {
                "name": job.name,
                "schedule": job.schedule,
                "timezone": job.timezone,
                "backend": job.backend.value,
                "function": job.function,
                "expected_runtime_ms": _ms(job.expected_runtime),
                "timeout_ms": _ms(job.timeout),
                "enabled": job.enabled,
                "alert": {
                    "channels": list(job.alert.channels),
                    "when": list(job.alert.when),
                    "after": job.alert.after,
                    "grace_ms": _ms(job.alert.grace),
                    "repeat_ms": _ms(job.alert.repeat),
                },
            }
        )
    document = {
        "schema": SCHEMA,
        "catalogue": config.catalogue.name,
        "every_ms": _ms(config.every),
        "topics": dict(config.topics),
        "hooks": {h.channel: {"kind": h.kind, "secret": h.secret} for h in config.hooks},
        "jobs": jobs,
    }
    return json.dumps(document, indent=1, sort_keys=True) + "\n"


def from_json(text: str, path: Path = Path("jobs.yaml")) -> WatchConfig:
    """The config written by `to_json`; ValueError when it is not one."""
    data = json.loads(text)
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise ValueError("not a sched watcher configuration of this version")
    jobs = []
    for item in data["jobs"]:
        alert = item["alert"]
        jobs.append(
            Job(
                name=item["name"],
                schedule=item["schedule"],
                expected_runtime=_td(item["expected_runtime_ms"]) or timedelta(0),
                timeout=_td(item["timeout_ms"]) or limits.LAMBDA_MAX_TIMEOUT,
                timeout_is_explicit=True,
                function=item.get("function"),
                timezone=item["timezone"],
                backend=Backend(item["backend"]),
                enabled=bool(item.get("enabled", True)),
                alert=AlertRule(
                    channels=tuple(alert["channels"]),
                    when=tuple(alert["when"]),
                    after=int(alert["after"]),
                    grace=_td(alert["grace_ms"]) or timedelta(0),
                    repeat=_td(alert.get("repeat_ms")),
                ),
            )
        )
    topics = tuple(sorted((str(k), str(v)) for k, v in data["topics"].items()))
    hooks = tuple(
        Webhook(str(name), str(h["kind"]), str(h["secret"]))
        for name, h in sorted(data.get("hooks", {}).items())
    )
    catalogue = Catalogue(str(data["catalogue"]), path, jobs=tuple(jobs))
    return WatchConfig(catalogue, topics, _td(data["every_ms"]) or timedelta(minutes=5), hooks)
