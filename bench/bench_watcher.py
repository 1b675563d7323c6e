"""Benchmark the alert watcher's pass: 100 alerting jobs over the 10,000 runs (40,000 log events)
of `bench_history.py`, read from an in-memory log source, decided and published to a fake SNS.
Two cases: the usual pass (each job read over about two of its periods plus its grace), and a
worst case where every job asks for `after: 240` so each is read over the whole 30 days.

Run by hand:  python bench/bench_watcher.py      Budget (issue 9): one Lambda invocation of the
watcher (timeout 120 s, 256 MB); the pass should stay well under both.
"""

from __future__ import annotations

import statistics
import time
import tracemalloc
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

from bench_history import DAYS, NOW, MemoryLogs, catalogue, logs

from scheduler.catalogue.model import AlertRule, Alerts, Catalogue, Channel
from scheduler.ports import LogEvent
from scheduler.watch.config import config_for
from scheduler.watch.state import JobState, WatchState, state_line
from scheduler.watch.watcher import run_pass


class FreshLogs:
    """As the watcher's FilterLogEvents source does: each read builds new events (new strings)
    in a list and sorts it, so that the pass's peak memory includes what it read."""

    def __init__(self, source: MemoryLogs) -> None:
        self.source = source

    def events(self, log_group: str, start_ms: int, end_ms: int) -> Iterator[LogEvent]:
        found = [
            LogEvent(e.timestamp_ms, (e.message + " ")[:-1], e.log_stream)
            for e in self.source.events(log_group, start_ms, end_ms)
        ]
        found.sort(key=lambda e: e.timestamp_ms)
        return iter(found)


class CountingSns:
    def __init__(self) -> None:
        self.sent = 0

    def publish(self, topic_arn: str, subject: str, message: str) -> str:
        self.sent += 1
        return str(self.sent)


def _alerting(after: int) -> Catalogue:
    base = catalogue()
    rule = AlertRule(channels=("ops",), after=after, grace=timedelta(minutes=10))
    jobs = tuple(replace(j, alert=rule) for j in base.jobs)
    alerts = Alerts(channels=(Channel("ops", emails=("ops@example.com",)),))
    return Catalogue(base.name, base.path, base.policy, jobs, alerts)


def _case(after: int, repeat: int = 5) -> tuple[float, float, int]:
    cat = _alerting(after)
    config = config_for(cat, region="us-east-1", account="123456789012")
    assert config is not None
    source, _ = logs(cat)
    since = NOW - timedelta(days=DAYS)
    state = WatchState({j.name: JobState(since=since) for j in config.jobs})
    source.groups[config.log_group] = [
        LogEvent(int(NOW.timestamp() * 1000) - 60_000, state_line(state, now=NOW, sent=[]), "w")
    ]
    times, sent = [], 0
    for _ in range(repeat):
        sns = CountingSns()
        started = time.process_time()
        run_pass(config, source, sns, lambda line: None, now=NOW)
        times.append(time.process_time() - started)
        sent = sns.sent
    tracemalloc.start()  # apart: tracing slows the pass down
    run_pass(config, FreshLogs(source), CountingSns(), lambda line: None, now=NOW)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return statistics.median(times), peak, sent


def main() -> None:
    for label, after in (("usual pass (after: 1)", 1), ("whole 30 days (after: 240)", 240)):
        cpu, peak, sent = _case(after)
        print(f"{label}: CPU median {cpu:.3f} s, peak traced memory {peak:.1f} MB, {sent} alerts")


if __name__ == "__main__":
    main()
