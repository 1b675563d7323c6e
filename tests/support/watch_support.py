"""The watcher's configuration for the watch tests: a catalogue of jobs with its channels."""

from __future__ import annotations

from run_support import catalogue

from scheduler.catalogue.model import Alerts, Catalogue, Channel, Job
from scheduler.watch.config import WatchConfig, config_for


def watch_config(*jobs: Job, channels: tuple[Channel, ...]) -> WatchConfig:
    base = catalogue(*jobs)
    config = config_for(
        Catalogue(base.name, base.path, base.policy, base.jobs, Alerts(channels=channels)),
        region="us-east-1",
        account="123456789012",
    )
    assert config is not None
    return config
