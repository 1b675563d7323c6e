"""What a catalogue's jobs cost a month, offline: fires in the 30 days from `now` (the schedule
engine) × expected runtime × memory, at Lambda's request and GB-second prices with the free
tier applied once to the total, beside what the same runs would cost on Fargate; the alert
watcher's own runs included. Prices are `scheduler.prices`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from scheduler import prices
from scheduler.catalogue.model import Architecture, Catalogue, Compute, Job
from scheduler.compile import WATCHER_MEMORY_MB
from scheduler.schedule import ScheduleError, parse

MONTH = timedelta(days=30)
WATCHER = "(alert watcher)"
# An estimate, not a measurement: a pass is mostly FilterLogEvents calls, one job after another
# (bench/RESULTS.md measured its CPU at 0.02 s for 100 jobs).
WATCHER_BASE_SECONDS = 1.0
WATCHER_SECONDS_PER_JOB = 0.1


@dataclass(frozen=True)
class JobCost:
    name: str
    fires: int  # in the 30 days from `now`
    run_seconds: float
    memory_mb: int
    on_lambda: bool  # false: a Fargate job (Lambda's price shown for comparison only)
    arm: bool = False  # architecture: arm64, whose GB-seconds cost less

    @property
    def gb_seconds(self) -> float:
        return self.fires * self.run_seconds * self.memory_mb / 1024

    @property
    def gb_seconds_usd(self) -> float:
        rate = prices.LAMBDA_ARM_USD_PER_GB_SECOND if self.arm else prices.LAMBDA_USD_PER_GB_SECOND
        return self.gb_seconds * rate

    @property
    def lambda_usd(self) -> float:
        """At list price, before the free tier (which the account shares)."""
        return self.fires * prices.LAMBDA_USD_PER_REQUEST + self.gb_seconds_usd

    @property
    def fargate_usd(self) -> float:
        vcpu, memory_gb = fargate_size(self.memory_mb)
        hours = max(self.run_seconds, prices.FARGATE_MINIMUM_SECONDS) / 3600
        per_run = hours * (
            vcpu * prices.FARGATE_USD_PER_VCPU_HOUR + memory_gb * prices.FARGATE_USD_PER_GB_HOUR
        )
        return self.fires * per_run


@dataclass(frozen=True)
class CostReport:
    jobs: tuple[JobCost, ...]
    since: datetime

    @property
    def requests(self) -> int:
        return sum(j.fires for j in self.jobs)

    @property
    def gb_seconds(self) -> float:
        return sum(j.gb_seconds for j in self.jobs)

    @property
    def lambda_usd(self) -> float:
        return sum(j.lambda_usd for j in self.jobs)

    @property
    def fargate_usd(self) -> float:
        return sum(j.fargate_usd for j in self.jobs)

    @property
    def lambda_usd_with_free_tier(self) -> float:
        """The total if nothing else in the account used the free tier. Its GB-seconds serve
        both architectures: they are taken off each job's in proportion."""
        requests = max(0, self.requests - prices.LAMBDA_FREE_REQUESTS)
        total = self.gb_seconds
        billed = max(0.0, total - prices.LAMBDA_FREE_GB_SECONDS) / total if total else 0.0
        return requests * prices.LAMBDA_USD_PER_REQUEST + billed * sum(
            j.gb_seconds_usd for j in self.jobs
        )


def fargate_size(memory_mb: int) -> tuple[float, float]:
    """The smallest Fargate task (vCPU, GB) with at least the job's memory."""
    memory_gb = max(prices.FARGATE_MIN_MEMORY_GB, memory_mb / 1024)
    for vcpu, most in prices.FARGATE_SIZES:
        if memory_gb <= most:
            return vcpu, memory_gb
    vcpu, most = prices.FARGATE_SIZES[-1]
    return vcpu, most


def fires_in_month(job: Job, now: datetime) -> int:
    """Fires in (now, now + 30 days]; a rate() counted as if deployed now. 0 when disabled or
    unreadable (validate reports that)."""
    if not job.enabled:
        return 0
    try:
        schedule = parse(job.schedule)
    except ScheduleError:
        return 0
    return sum(1 for _ in schedule.fire_times(now, now + MONTH, job.timezone, anchor=now))


def estimate(
    catalogue: Catalogue, *, now: datetime, jobs: tuple[Job, ...] | None = None
) -> CostReport:
    """The cost of `jobs` (default: every job, and the watcher when one is deployed)."""
    chosen = catalogue.jobs if jobs is None else jobs
    rows = [
        JobCost(
            job.name,
            fires_in_month(job, now),
            job.expected_runtime.total_seconds(),
            job.memory,
            job.compute is Compute.LAMBDA,
            arm=job.architecture is Architecture.ARM64,
        )
        for job in chosen
    ]
    watched = [
        j
        for j in catalogue.jobs
        if j.alert is not None and j.enabled and j.compute is Compute.LAMBDA
    ]
    if jobs is None and watched:
        every = catalogue.alerts.every if catalogue.alerts else timedelta(minutes=5)
        rows.append(
            JobCost(
                WATCHER,
                int(MONTH / every),
                WATCHER_BASE_SECONDS + WATCHER_SECONDS_PER_JOB * len(watched),
                WATCHER_MEMORY_MB,
                True,
            )
        )
    return CostReport(tuple(rows), now)
