"""Scale benchmark (issue 15): N jobs (half on EventBridge rules, half on EventBridge Scheduler,
one shared role) against a fresh `moto_server` on 127.0.0.1: validate, compile, first apply,
no-change plan beside a minimal boto3 reader doing only the reads a diff needs; calls per job,
time per job, memory, and the time the same calls would take on AWS at each API's documented
rate (moto has no quotas and never throttles: that part is computed, not measured).

The status stage (`--status`) reads a week of synthetic logs of N daily jobs (bench_insights'
logs, beside groups under the scope's prefix sched does not read, 1% as many: those of jobs
no longer in the catalogue, which outlive them) by each path:
FilterLogEvents group by group, Logs Insights with the groups listed (50 a query), and Logs
Insights selecting them by prefix (`SOURCE`). **Simulated, and said so**: moto ignores an
Insights `filter` and fails on a query without logGroupNames, and a moto server holding
500,000 events answers too slowly, so the FilterLogEvents side is a counting in-memory source
(one call per page of 10,000 events or 1 MB) and the Insights sides the fake service of
tests/support (which executes the queries), each query taking QUERY_S of a simulated clock.

Run by hand:  python bench/bench_scale.py [N ...]            (default 1000)
              python bench/bench_scale.py --status [N ...]   (the status stage only)
Targets: a no-change plan under 3 calls a job, within 1.1x the minimal reader's calls; status
of 10,000 jobs in under 100 calls.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import aws_bench as ab
import boto3
from minimal_reader import read as minimal_read

from scheduler import aws, naming
from scheduler.app.deploy import desired_state
from scheduler.aws.rates import rate_of

CATALOGUE = "bench"


def projected_seconds(calls: dict[str, int]) -> tuple[float, str]:
    """The least time `calls` take on AWS paced at the documented rates (each quota's calls at
    its rate, the quotas in parallel), and the quota that bounds it."""
    per_quota: Counter[str] = Counter()
    rates: dict[str, float] = {}
    for action, n in calls.items():
        service, operation = action.split(":", 1)
        rate = rate_of(service, operation)
        if rate is not None:
            per_quota[rate.name] += n
            rates[rate.name] = rate.per_second
    if not per_quota:
        return 0.0, "-"
    name = max(per_quota, key=lambda q: per_quota[q] / rates[q])
    return per_quota[name] / rates[name], f"{name}: {per_quota[name]} calls at {rates[name]:g}/s"


def _rss_mb(pid: int | None = None) -> float:
    if pid is None:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _row(stage: str, jobs: int, seconds: float, calls: int | None, note: str = "") -> str:
    per_call = f"{calls:,} | {calls / jobs:.2f}" if calls is not None else "- | -"
    return f"| {stage} | {seconds:.2f} s | {seconds / jobs * 1000:.2f} ms | {per_call} | {note} |"


def run(jobs: int) -> None:
    rows: list[str] = []
    with tempfile.TemporaryDirectory(prefix="sched-scale-") as tmp:
        path = ab.write_catalogue(Path(tmp) / "project", jobs, shared_roles=True)
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "scheduler", "validate", str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        rows.append(
            _row("validate (whole process)", jobs, time.perf_counter() - start, None, done.stdout)
        )
        catalogue = ab.load(path)
        with (
            ab.moto_server() as server,
            ab.pointed_at(server.url),
            aws.connect(region=ab.REGION) as ctx,
        ):
            for label in ("compile + package (first)", "compile + package (zips reused)"):
                start = time.perf_counter()
                desired_state(catalogue, account=ctx.account, region=ctx.region)
                rows.append(_row(label, jobs, time.perf_counter() - start, None))
            first, read = ab.timed_plan(catalogue, ctx)
            rows.append(_row("first plan (nothing deployed)", jobs, read.seconds, read.total))
            result, applied = ab.timed_apply(first, ctx, concurrency=8)
            if not result.ok:
                raise SystemExit(f"apply failed: {result.failed[:1]}")
            aws_s, bound = projected_seconds(applied.calls)
            rows.append(
                _row(
                    f"first apply ({len(result.done):,} changes)",
                    jobs,
                    applied.seconds,
                    applied.total,
                    f"on AWS at least {aws_s:,.0f} s ({bound})",
                )
            )
            second, plan = ab.timed_plan(catalogue, ctx)
            if second.plan.has_changes:
                raise SystemExit(f"second plan not empty: {second.plan.pending[:3]}")
            aws_s, bound = projected_seconds(plan.calls)
            rows.append(
                _row(
                    "no-change plan",
                    jobs,
                    plan.seconds,
                    plan.total,
                    f"on AWS at least {aws_s:,.0f} s ({bound})",
                )
            )
            session = boto3.Session(region_name=ab.REGION)
            start = time.perf_counter()
            floor = minimal_read(session, CATALOGUE, naming.schedule_group_name(CATALOGUE))
            floor_s = time.perf_counter() - start
            rows.append(
                _row(
                    "minimal boto3 reader",
                    jobs,
                    floor_s,
                    floor,
                    f"plan / reader: {plan.total / floor:.3f}x in calls, "
                    f"{plan.seconds / floor_s:.2f}x in time (plan includes compile)",
                )
            )
            memory = f"sched {_rss_mb():.0f} MB peak RSS, moto_server {_rss_mb(server.pid):.0f} MB"
            breakdown = _breakdown(plan)
    print(f"\n## {jobs:,} jobs — {ab.machine()}\n")
    print("| stage | wall | per job | calls | calls/job | note |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for row in rows:
        print(row.replace("\n", " "))
    print(f"\nMemory: {memory}\n\nNo-change plan, calls by operation: {breakdown}")


# How long a Logs Insights query is assumed to take (AWS publishes no figure; a query of a
# page of rows over a week of a catalogue's groups takes seconds): the polls follow from it.
QUERY_S = 3.0
STRANGERS = 0.01  # groups under the prefix sched does not read, as a share of the jobs


class _Clocks:
    """A simulated clock for each reader thread: `sleep` advances the calling thread's own."""

    def __init__(self) -> None:
        self.local = threading.local()
        self.spent: dict[int, float] = {}

    def now(self) -> float:
        return float(getattr(self.local, "now", 0.0))

    def sleep(self, seconds: float) -> None:
        self.local.now = self.now() + seconds
        self.spent[threading.get_ident()] = self.local.now


def status_stage(jobs: int) -> None:
    """`status` of `jobs` daily jobs over a week by each log path (module doc: simulated)."""
    from bench_insights import NOW, WINDOW, CountingLogs, TimedInsights
    from bench_insights import catalogue as daily
    from bench_insights import logs as week_of_logs

    from scheduler.history.status import status_for
    from scheduler.insights import InsightsReads

    cat = daily(jobs)
    groups, runs = week_of_logs(cat)
    prefix = naming.log_group_prefix(cat.prefix)
    others, _ = week_of_logs(daily(max(1, int(jobs * STRANGERS))))
    strangers = {g.replace(prefix, f"{prefix}old-"): e for g, e in others.items()}
    events = sum(len(e) for e in groups.values())
    print(f"\n## status, {jobs:,} jobs, {runs:,} runs, {events:,} log events — {ab.machine()}\n")
    print(f"Beside {len(strangers)} groups of removed jobs under {prefix}.\n")
    print("| path | log calls | calls/job | sched CPU | CPU/job | service wait | peak RSS |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    results = []
    for path in ("FilterLogEvents", "Insights, listed", "Insights, by prefix"):
        clocks = _Clocks()
        service = TimedInsights({**groups, **strangers}, takes_s=QUERY_S, clock=clocks.now)
        if path == "FilterLogEvents":
            source: object = CountingLogs(groups)
        else:
            source = InsightsReads(
                service,
                prefixes=[prefix] if path.endswith("prefix") else (),
                sleep=clocks.sleep,
                clock=clocks.now,
            )
        started = time.process_time()
        results.append(status_for(cat, source, now=NOW, window=WINDOW))  # type: ignore[arg-type]
        cpu = time.process_time() - started - service.service_cpu
        if isinstance(source, CountingLogs):
            calls, detail, wait = source.calls, "", "-"
        else:
            calls = len(service.calls)
            starts = service.calls.count("StartQuery")
            detail = f" ({starts} StartQuery + {calls - starts} GetQueryResults)"
            wait = f"{max(clocks.spent.values(), default=0.0):.0f} s"
        print(
            f"| {path} | {calls:,}{detail} | {calls / jobs:.4f} | {cpu:.1f} s"
            f" | {cpu / jobs * 1000:.2f} ms | {wait} | {_rss_mb():.0f} MB |"
        )
    same = all(r == results[0] for r in results)
    print(f"\nStatuses equal through the three paths: {same}")
    print(f"Service wait: the longest reader thread's simulated time, each query {QUERY_S:g} s.")


def _breakdown(plan: ab.Timed) -> str:
    return ", ".join(f"{op} {n}" for op, n in sorted(plan.calls.items(), key=lambda i: -i[1]))


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("jobs", nargs="*", type=int, default=[1000])
    parser.add_argument("--status", action="store_true", help="the status stage only")
    args = parser.parse_args(argv)
    for jobs in args.jobs:
        if not args.status:
            run(jobs)
        status_stage(jobs)


if __name__ == "__main__":
    main(sys.argv[1:])
