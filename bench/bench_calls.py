"""Benchmark the AWS API calls of a no-change `sched plan` for N deployed jobs (half on
EventBridge rules, half on EventBridge Scheduler), counted per operation by `AwsContext.calls`.

Run by hand:  python bench/bench_calls.py [N ...]      (default 10 100 500)
              python bench/bench_calls.py --no-local   (skip the embedded local mode)
              python bench/bench_calls.py --versions 3 (every job versioned: a live alias)
Budget (issue: plan/apply performance): at most 3 calls per job plus paging.
Each N deploys into a fresh `moto_server` on 127.0.0.1 (and a fresh local-mode directory),
then plans again and counts that second plan's calls.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

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
from scheduler.app.connect import connect_local

# Operations made once per listing page, whatever the number of jobs.
PAGED = {
    "events:ListRules",
    "iam:GetAccountAuthorizationDetails",
    "iam:ListRoles",
    "lambda:ListFunctions",
    "scheduler:ListScheduleGroups",
    "scheduler:ListSchedules",
    "tag:GetResources",
}
# Once per catalogue: its schedule group's tags, and the account's quotas (roles come in bulk).
PER_CATALOGUE = {
    "iam:GetAccountSummary",
    "lambda:GetAccountSettings",
    "scheduler:ListTagsForResource",
    "servicequotas:GetServiceQuota",
    "sns:ListTopics",
}


@dataclass(frozen=True)
class Measured:
    mode: str
    jobs: int
    plan: Timed
    applied: int

    def part(self, ops: set[str] | None) -> int:
        """Calls of `ops`; None means the per-job ones (everything not paged or per catalogue)."""
        if ops is None:
            return sum(n for op, n in self.plan.calls.items() if op not in PAGED | PER_CATALOGUE)
        return sum(n for op, n in self.plan.calls.items() if op in ops)

    def per_backend(self) -> tuple[float, float]:
        """Per-job calls of one rules job and of one Scheduler job: events:* calls are spread
        over the rules jobs, scheduler:* over the Scheduler jobs, the rest over all jobs."""
        rules = rules_jobs(self.jobs)
        scheduler = self.jobs - rules
        by_rule = by_schedule = by_job = 0.0
        for op, n in self.plan.calls.items():
            if op in PAGED | PER_CATALOGUE:
                continue
            if op.startswith("events:"):
                by_rule += n / rules
            elif op.startswith("scheduler:"):
                by_schedule += n / scheduler
            else:
                by_job += n / self.jobs
        return by_rule + by_job, by_schedule + by_job


@contextmanager
def _server_mode(jobs: int) -> Iterator[aws.AwsContext]:
    with moto_server() as server, pointed_at(server.url):
        with aws.connect(region=REGION) as ctx:
            yield ctx
        # The calls went to the server, not anywhere else: ask it directly.
        functions = boto3.client("lambda", endpoint_url=server.url, region_name=REGION)
        found = sum(
            len(p["Functions"]) for p in functions.get_paginator("list_functions").paginate()
        )
        if found != jobs:
            raise SystemExit(f"moto_server holds {found} functions, expected {jobs}")


def measure(mode: str, jobs: int, versions: int | None = None) -> Measured:
    with tempfile.TemporaryDirectory(prefix="sched-bench-") as tmp:
        catalogue = load(write_catalogue(Path(tmp) / "project", jobs, versions=versions))
        connection = connect_local(Path(tmp) / "local") if mode == "local" else _server_mode(jobs)
        with connection as ctx:
            first, _ = timed_plan(catalogue, ctx)
            result, _ = timed_apply(first, ctx, concurrency=8)
            if not result.ok:
                raise SystemExit(f"{mode} N={jobs}: apply failed: {result.failed[:1]}")
            second, timed = timed_plan(catalogue, ctx)
            if second.plan.has_changes:
                pending = [str(c) for c in second.plan.pending[:5]]
                raise SystemExit(f"{mode} N={jobs}: second plan is not empty: {pending}")
            return Measured(mode, jobs, timed, len(result.done))


def _yes(ok: bool) -> str:
    return "yes" if ok else "**no**"


def report(results: list[Measured]) -> None:
    print("\nNo-change plan: API calls (half the jobs on rules, half on Scheduler)\n")
    print(
        "| mode | jobs | changes applied | calls | calls/job | paged | per catalogue | per-job "
        "calls | per-job calls/job | per-job ≤ 3N | total ≤ 3N + paged | plan wall |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: |")
    for m in results:
        per_job, paged = m.part(None), m.part(PAGED)
        print(
            f"| {m.mode} | {m.jobs} | {m.applied} | {m.plan.total} | "
            f"{m.plan.total / m.jobs:.2f} | {paged} | {m.part(PER_CATALOGUE)} | {per_job} | "
            f"{per_job / m.jobs:.2f} | {_yes(per_job <= 3 * m.jobs)} | "
            f"{_yes(m.plan.total <= 3 * m.jobs + paged)} ({3 * m.jobs + paged}) | "
            f"{m.plan.seconds:.2f} s |"
        )
    for mode in dict.fromkeys(m.mode for m in results):
        rows = [m for m in results if m.mode == mode]
        ops = sorted({op for m in rows for op in m.plan.calls})
        print(f"\nBreakdown per operation ({mode})\n")
        print("| operation | kind | " + " | ".join(f"N={m.jobs}" for m in rows) + " |")
        print("| --- | --- |" + " ---: |" * len(rows))
        for op in ops:
            kind = "paged" if op in PAGED else "catalogue" if op in PER_CATALOGUE else "per job"
            cells = " | ".join(str(m.plan.calls.get(op, 0)) for m in rows)
            print(f"| {op} | {kind} | {cells} |")
        print("| **total** | | " + " | ".join(f"**{m.plan.total}**" for m in rows) + " |")
    print("\nPer-job calls split by backend (lambda:* calls count for every job)\n")
    print("| mode | jobs | per rules job | per Scheduler job |")
    print("| --- | ---: | ---: | ---: |")
    for m in results:
        rules, scheduler = m.per_backend()
        print(f"| {m.mode} | {m.jobs} | {rules:.2f} | {scheduler:.2f} |")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("jobs", nargs="*", type=int, default=[10, 100, 500])
    parser.add_argument("--no-local", action="store_true", help="skip local mode")
    parser.add_argument("--versions", type=int, help="versions: N for every job (live aliases)")
    args = parser.parse_args(argv)
    print(machine())
    modes = ["moto_server"] + ([] if args.no_local else ["local"])
    results: list[Measured] = []
    for mode in modes:
        for jobs in args.jobs:
            print(f"  {mode}: deploying {jobs} jobs, then planning again ...", flush=True)
            results.append(measure(mode, jobs, args.versions))
    report(results)


if __name__ == "__main__":
    main(sys.argv[1:])
