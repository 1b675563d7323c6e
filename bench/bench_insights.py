"""Benchmark `sched status` at scale through both log paths (issue 15, item 4): N daily jobs over
a week of synthetic logs (JSON log format, sched's start and run lines and three handler lines a
run, one run in ten failing, one fire in 25 missed), read group by group (FilterLogEvents) or
through Logs Insights.

Simulated, and said so: moto runs StartQuery but ignores `filter` and answers every query at
once, so the Insights side is `tests/support/insights_fake.py` (which executes the query sched
sends; its queries answer on the second poll here), and the FilterLogEvents side a counting
in-memory source (one page per 10,000 events or 1 MB, as AWS pages). Both statuses are checked
equal. Time on AWS is projected from the calls, not measured.

Run by hand:  python bench/bench_insights.py [JOBS ...]      (default 1000 10000)
              python bench/bench_insights.py --moto JOBS     (the real adapters over moto)
"""

from __future__ import annotations

import json
import math
import resource
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "tests" / "support"))

from bench_history import catalogue as hourly_catalogue
from insights_fake import FakeInsights

from scheduler import naming
from scheduler.catalogue.model import Catalogue
from scheduler.history.status import status_for
from scheduler.insights import KEPT, InsightsReads
from scheduler.local.lambda_logs import Invocation, invocation_events, log_stream_name
from scheduler.ports import LogEvent
from scheduler.runtime.contract import Invocation as Trigger
from scheduler.runtime.contract import event_time, start_line
from scheduler.schedule import parse

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
WINDOW = timedelta(days=7)
PAGE_EVENTS, PAGE_BYTES = 10_000, 1_048_576  # FilterLogEvents' page limits


class CountingLogs:
    """FilterLogEvents over prepared events: counts the pages AWS would answer."""

    def __init__(self, groups: dict[str, list[LogEvent]]) -> None:
        self.groups = groups
        self.calls = 0
        self.lock = threading.Lock()

    def events(self, log_group: str, start_ms: int, end_ms: int) -> Iterator[LogEvent]:
        found = [e for e in self.groups.get(log_group, []) if start_ms <= e.timestamp_ms < end_ms]
        size = sum(len(e.message) + 26 for e in found)
        pages = max(1, math.ceil(len(found) / PAGE_EVENTS), math.ceil(size / PAGE_BYTES))
        with self.lock:  # history reads eight groups at once
            self.calls += pages
        return iter(found)


class TimedInsights(FakeInsights):
    """The fake service, keeping apart the CPU time it spends executing queries (AWS's work)."""

    service_cpu = 0.0

    def start_query(self, log_groups: Sequence[str], start_s: int, end_s: int, query: str) -> str:
        started = time.thread_time()  # queries run on several threads at once
        try:
            return super().start_query(log_groups, start_s, end_s, query)
        finally:
            self.service_cpu += time.thread_time() - started


def catalogue(count: int) -> Catalogue:
    """bench_history's jobs, each firing daily at its own minute."""
    base = hourly_catalogue(count)
    daily = (
        replace(j, schedule=f"cron({i % 60} {i // 60 % 24} * * ? *)")
        for i, j in enumerate(base.jobs)
    )
    return replace(base, jobs=tuple(daily))


def _run_line(job: str, fire: datetime, request_id: str, call: Invocation) -> str:
    failed = call.status != "success"
    return json.dumps(
        {
            "sched": "run",
            "v": 1,
            "job": job,
            "trigger": "rule",
            "scheduled_time": event_time(fire),
            "request_id": request_id,
            "start": datetime.fromtimestamp(call.start_ms / 1000, UTC).isoformat(),
            "end": datetime.fromtimestamp(call.end_ms / 1000, UTC).isoformat(),
            "duration_ms": call.duration_ms,
            "status": "failed" if failed else "succeeded",
            "error_type": "RuntimeError" if failed else None,
        }
    )


def logs(cat: Catalogue, now: datetime = NOW) -> tuple[dict[str, list[LogEvent]], int]:
    groups: dict[str, list[LogEvent]] = {}
    runs = 0
    for index, job in enumerate(cat.jobs):
        events: list[LogEvent] = []
        fires = parse(job.schedule).fire_times(now - WINDOW - timedelta(days=1), now)
        for k, fire in enumerate(fires):
            if (index + k) % 25 == 24:
                continue  # a missed fire
            request_id = f"{job.name}-{k:03d}"
            start_ms = int(fire.timestamp() * 1000) + 350
            ms = 30_000.0 + (k % 17) * 1_000
            status = "failure" if (index + k) % 10 == 9 else "success"
            call = Invocation(request_id, start_ms, start_ms + int(ms), status, ms, 256, 80)
            chatter = [f"copied {n * 97} objects of batch {n}" for n in range(3)]
            output = [*chatter, _run_line(job.name, fire, request_id, call)]
            trigger = Trigger("rule", job.name, fire, event_time(fire), None, 0)
            started = [start_line(job.name, cat.name, trigger, request_id)]
            stream = log_stream_name(request_id, fire, f"bench-{job.name}")
            events += invocation_events(call, output, stream, started=started)
            runs += 1
        groups[naming.log_group_name("bench", job.name)] = events
    return groups, runs


def main(counts: list[int]) -> None:
    print("jobs | runs | events | path | log calls | sched CPU s | equal")
    for count in counts:
        cat = catalogue(count)
        groups, runs = logs(cat)
        events = sum(len(v) for v in groups.values())
        by_group = CountingLogs(groups)
        started = time.process_time()
        expected = status_for(cat, by_group, now=NOW, window=WINDOW)
        filter_cpu = time.process_time() - started
        print(f"{count} | {runs} | {events} | filter | {by_group.calls} | {filter_cpu:.2f} |")

        service = TimedInsights(groups, running=1)
        waited: list[float] = []
        reads = InsightsReads(service, sleep=waited.append)
        started = time.process_time()
        found = status_for(cat, reads, now=NOW, window=WINDOW)
        insights_cpu = time.process_time() - started - service.service_cpu
        calls = len(service.calls)
        starts = service.calls.count("StartQuery")
        rows = sum(1 for v in groups.values() for e in v if any(t in e.message for t in KEPT))
        print(
            f"{count} | {runs} | {events} | insights | {calls} ({starts} StartQuery, {rows} rows)"
            f" | {insights_cpu:.2f} (+{service.service_cpu:.2f} service) | {found == expected}"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the whole run: {peak:.0f} MB")


def on_moto(count: int) -> None:
    """The real adapters over in-process moto: calls counted by `AwsContext.calls` (moto
    completes a query at once, so one poll each; it ignores `filter`, so every line comes)."""
    import os

    from moto import mock_aws

    from scheduler.aws import context
    from scheduler.aws.clients import new_session

    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    now = datetime.now(UTC).replace(microsecond=0)
    cat = catalogue(count)
    groups, runs = logs(cat, now=now)
    with mock_aws():
        aws = context(new_session(region_name="us-east-1"), "123456789012", local=True)
        for group, events in groups.items():
            for stream in sorted({e.log_stream for e in events}):
                aws.sink.write(group, stream, [e for e in events if e.log_stream == stream])
        assert aws.queries is not None
        print(f"moto, {count} jobs, {runs} runs: path | log calls | wall s")
        results = []
        for name, source in (
            ("filter", aws.logs),
            ("insights", InsightsReads(aws.queries, sleep=lambda _: None)),
        ):
            before = aws.calls.counts()
            started = time.perf_counter()
            results.append(status_for(cat, source, now=now, window=WINDOW))
            wall = time.perf_counter() - started
            after = aws.calls.counts()
            spent = {k: v - before.get(k, 0) for k, v in after.items() if v != before.get(k, 0)}
            print(f"{name} | {spent} | {wall:.1f}")
        print(f"equal: {results[0] == results[1]}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--moto"]:
        on_moto(int(sys.argv[2]))
    else:
        main([int(a) for a in sys.argv[1:]] or [1000, 10000])
