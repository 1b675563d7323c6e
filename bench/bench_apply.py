"""Benchmark `sched apply` of N new jobs (half on EventBridge rules, half on EventBridge
Scheduler) against a local `moto_server`, at several apply concurrencies, then the second apply
(which finds nothing to change).

Run by hand:  python bench/bench_apply.py [--jobs 500] [--concurrency 1 8 16] [--repeat 1]
Each run gets a fresh `moto_server` on 127.0.0.1, so every first apply creates everything.
Times are wall clock, in this process; validation happens before the clock starts.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from aws_bench import (
    REGION,
    Timed,
    load,
    machine,
    moto_server,
    pointed_at,
    rules_jobs,
    timed_apply,
    timed_plan,
    write_catalogue,
)

from scheduler import aws
from scheduler.naming import schedule_group_name


@dataclass(frozen=True)
class Run:
    concurrency: int
    plan: Timed  # first plan: package, compile, read an empty account, diff
    apply: Timed  # first apply: every change
    changes: int
    replan: Timed  # second apply's plan (no changes)
    reapply: Timed  # second apply's apply_plan (nothing pending)
    server_cpu: float  # CPU seconds moto_server used during the first apply

    @property
    def mutations(self) -> int:
        return sum(n for op, n in self.apply.calls.items() if not _is_read(op))


def _is_read(op: str) -> bool:
    return op.split(":", 1)[1].startswith(("Get", "List", "Describe"))


def one_run(jobs: int, concurrency: int) -> Run:
    with tempfile.TemporaryDirectory(prefix="sched-bench-") as tmp:
        catalogue = load(write_catalogue(Path(tmp) / "project", jobs))
        with moto_server() as server, pointed_at(server.url):
            with aws.connect(region=REGION) as ctx:
                planned, plan = timed_plan(catalogue, ctx)
                server_cpu = server.cpu_seconds()
                result, applied = timed_apply(planned, ctx, concurrency)
                server_cpu = server.cpu_seconds() - server_cpu
                if not result.ok:
                    raise SystemExit(f"c={concurrency}: apply failed: {result.failed[:1]}")
                replanned, replan = timed_plan(catalogue, ctx)
                if replanned.plan.has_changes:
                    raise SystemExit(f"c={concurrency}: the second plan has changes")
                again, reapply = timed_apply(replanned, ctx, concurrency)
                assert again.ok and not again.done
            _check_server(server.url, catalogue.name, jobs)
        return Run(concurrency, plan, applied, len(result.done), replan, reapply, server_cpu)


def _check_server(url: str, catalogue: str, jobs: int) -> None:
    """Ask the server itself that everything was created there."""

    session = boto3.Session(region_name=REGION)

    def client(service: str) -> Any:
        return session.client(service, endpoint_url=url)  # type: ignore[call-overload]

    functions = sum(
        len(p["Functions"]) for p in client("lambda").get_paginator("list_functions").paginate()
    )
    rules = sum(
        len(p["Rules"])
        for p in client("events").get_paginator("list_rules").paginate(NamePrefix=f"{catalogue}-")
    )
    schedules = sum(
        len(p["Schedules"])
        for p in client("scheduler")
        .get_paginator("list_schedules")
        .paginate(GroupName=schedule_group_name(catalogue))
    )
    expected = (jobs, rules_jobs(jobs), jobs - rules_jobs(jobs))
    if (functions, rules, schedules) != expected:
        raise SystemExit(f"server holds {(functions, rules, schedules)}, expected {expected}")


def report(jobs: int, runs: dict[int, list[Run]]) -> None:
    def median(values: list[float]) -> float:
        return statistics.median(values)

    base = median([r.apply.seconds for r in runs[min(runs)]])
    print(f"\nFirst apply of {jobs} new jobs against moto_server (median of each row's runs)\n")
    print(
        "| concurrency | runs | changes | API calls (writes) | apply wall | changes/s "
        "| speed-up vs 1 | CPU: sched + moto_server | plan before it |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for concurrency, rs in runs.items():
        wall = median([r.apply.seconds for r in rs])
        print(
            f"| {concurrency} | {len(rs)} | {rs[0].changes} | {rs[0].apply.total} "
            f"({rs[0].mutations}) | {wall:.1f} s | {rs[0].changes / wall:.0f} | "
            f"{base / wall:.2f}× | {median([r.apply.cpu_seconds for r in rs]):.1f} s + "
            f"{median([r.server_cpu for r in rs]):.1f} s | "
            f"{median([r.plan.seconds for r in rs]):.2f} s |"
        )
    print(f"\nSecond apply of the same {jobs} jobs (no changes)\n")
    print("| concurrency | plan wall | plan API calls | apply_plan wall | total |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    for concurrency, rs in runs.items():
        replan = median([r.replan.seconds for r in rs])
        reapply = median([r.reapply.seconds for r in rs])
        print(
            f"| {concurrency} | {replan:.2f} s | {rs[0].replan.total} | "
            f"{reapply * 1000:.2f} ms | {replan + reapply:.2f} s |"
        )
    print("\nAPI calls of the first apply (concurrency 1 run), by operation\n")
    print("| operation | calls |")
    print("| --- | ---: |")
    for op, n in runs[min(runs)][0].apply.calls.items():
        print(f"| {op} | {n} |")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=500)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8, 16])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)
    print(machine())
    runs: dict[int, list[Run]] = {}
    for _ in range(args.repeat):
        for concurrency in args.concurrency:
            print(f"  applying {args.jobs} jobs, concurrency {concurrency} ...", flush=True)
            run = one_run(args.jobs, concurrency)
            print(f"    {run.changes} changes in {run.apply.seconds:.1f} s", flush=True)
            runs.setdefault(concurrency, []).append(run)
    report(args.jobs, runs)


if __name__ == "__main__":
    main(sys.argv[1:])
