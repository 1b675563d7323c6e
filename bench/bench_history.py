"""Benchmark run history: `sched history` and `sched status` over 30 days of logs of 100 jobs
(10,000 runs, 40,000 log events in Lambda's JSON log format, 2,000 fires missed), read from an
in-memory log source.

Run by hand:  python bench/bench_history.py      Budget (issue: run history): well under 2 s.
Issue 11: the same at 1,000 jobs (100,000 runs, 400,000 events): history in at most 4 s of CPU
time, and linear (CPU time per run at 100,000 runs about that at 10,000). `--profile` prints
where the time of one 100,000-run history goes.

Before/after on a shared machine: `--against TREE` (a checkout of the commit before, e.g.
`git archive <commit> | tar -x -C TREE`) runs one process per tree in alternation (a, b, b, a,
...; `--rounds N`, default 5; `--jobs N`, default 1,000), each timing history in-process by CPU
time (`time.process_time`, three times, median) over the same generated logs, and prints every
process's figure and the medians. For changes smaller than the noise, count instructions, which
load does not move: `valgrind --tool=callgrind python bench/bench_history.py --child 20 1 1` minus
the same with `--child 20 0 1` (building the logs alone) is one history's instructions.
"""

from __future__ import annotations

import cProfile
import json
import pstats
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from scheduler import naming
from scheduler.catalogue.model import Catalogue, Job
from scheduler.history.read import history_for
from scheduler.history.status import status_for
from scheduler.local.lambda_logs import Invocation, invocation_events, log_stream_name
from scheduler.ports import LogEvent
from scheduler.runtime.contract import event_time
from scheduler.schedule import parse

NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
DAYS = 30
JOBS = 100


class MemoryLogs:
    """A LogSource over prepared events, filtered by time like CloudWatch."""

    def __init__(self, groups: dict[str, list[LogEvent]]) -> None:
        self.groups = groups

    def events(self, log_group: str, start_ms: int, end_ms: int) -> Iterator[LogEvent]:
        return (e for e in self.groups.get(log_group, []) if start_ms <= e.timestamp_ms < end_ms)


def catalogue(count: int = JOBS) -> Catalogue:
    jobs = tuple(
        Job(
            name=f"job-{i:03d}",
            schedule=f"cron({i % 60} 0/7 * * ? *)",  # 00, 07, 14 and 21 h: 120 fires in 30 days
            expected_runtime=timedelta(minutes=2),
            timeout=timedelta(minutes=5),
            timeout_is_explicit=True,
            handler=f"jobs/job_{i:03d}/handler.py:main",
        )
        for i in range(count)
    )
    return Catalogue(name="bench", path=Path("jobs.yaml"), jobs=jobs)


def _wrapper_line(job: str, fire: datetime, request_id: str, start_ms: int, ms: float) -> str:
    status = "failed" if request_id.endswith("7") else "succeeded"
    error = '"RuntimeError"' if status == "failed" else "null"
    start = datetime.fromtimestamp(start_ms / 1000, UTC)
    end = start + timedelta(milliseconds=ms)
    return (
        f'{{"sched": "run", "v": 1, "job": "{job}", "catalogue": "bench", "trigger": "rule", '
        f'"trigger_id": "ev", "scheduled_time": "{event_time(fire)}", "attempt": null, '
        f'"request_id": "{request_id}", "start": "{start:%Y-%m-%dT%H:%M:%S.%f}Z", '
        f'"end": "{end:%Y-%m-%dT%H:%M:%S.%f}Z", "duration_ms": {ms}, "status": "{status}", '
        f'"error_type": {error}, "error_message": null, "expected_runtime_ms": 120000, '
        '"overran": false}'
    )


def logs(cat: Catalogue) -> tuple[MemoryLogs, int]:
    groups: dict[str, list[LogEvent]] = {}
    runs = 0
    for job in cat.jobs:
        events: list[LogEvent] = []
        since = NOW - timedelta(days=DAYS)
        fires = list(parse(job.schedule).fire_times(since, NOW - timedelta(hours=1)))
        for k, fire in enumerate(fires):
            if k % 6 == 5:
                continue  # a missed fire
            request_id = f"{job.name}-{k:04d}"
            start_ms = int(fire.timestamp() * 1000) + 350
            ms = 30_000.0 + (k % 17) * 1_000
            call = Invocation(request_id, start_ms, start_ms + int(ms), "success", ms, 256, 80)
            line = _wrapper_line(job.name, fire, request_id, start_ms, ms)
            stream = log_stream_name(request_id, fire, f"bench-{job.name}")
            events += invocation_events(call, [line], stream)
            runs += 1
        groups[naming.log_group_name("bench", job.name)] = events
    return MemoryLogs(groups), runs


def main() -> None:
    cat = catalogue()
    source, runs = logs(cat)
    events = sum(len(v) for v in source.groups.values())
    since = NOW - timedelta(days=DAYS)
    history_times, status_times = [], []
    found = rows = 0
    for _ in range(5):
        started = time.perf_counter()
        history = history_for(cat, source, now=NOW, since=since)
        history_times.append(time.perf_counter() - started)
        found = len(history.runs)
        started = time.perf_counter()
        rows = len(status_for(cat, source, now=NOW, window=timedelta(days=DAYS)))
        status_times.append(time.perf_counter() - started)
    print(f"{JOBS} jobs, {runs:,} runs, {events:,} log events over {DAYS} days")
    median = statistics.median(history_times)
    print(f"history: {found:,} rows (missed included), median {median:.3f} s")
    print(f"status:  {rows} rows, median {statistics.median(status_times):.3f} s")
    scale()


def _history_cpu(cat: Catalogue, source: MemoryLogs, repeat: int) -> tuple[float, int]:
    since = NOW - timedelta(days=DAYS)
    times, found = [], 0
    for _ in range(repeat):
        started = time.process_time()
        found = len(history_for(cat, source, now=NOW, since=since).runs)
        times.append(time.process_time() - started)
    return statistics.median(times), found


def scale() -> None:
    """CPU time of history at 10,000 and 100,000 runs, and per run: linear means equal."""
    print("\njobs  | runs    | events  | history CPU (median) | per run")
    for count, repeat in ((JOBS, 7), (JOBS * 10, 3)):
        cat = catalogue(count)
        source, runs = logs(cat)
        events = sum(len(v) for v in source.groups.values())
        cpu, _ = _history_cpu(cat, source, repeat)
        print(
            f"{count:>5} | {runs:>7,} | {events:>7,} | {cpu:>8.2f} s | {cpu / runs * 1e6:5.1f} µs"
        )


def profile() -> None:
    cat = catalogue(JOBS * 10)
    source, _ = logs(cat)
    profiler = cProfile.Profile()
    profiler.enable()
    # One worker: the profiler sees only the thread that enables it.
    history_for(cat, source, now=NOW, since=NOW - timedelta(days=DAYS), workers=1)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)


def child(count: int, repeat: int, workers: int) -> None:
    """One process's figure for `--against`: CPU seconds of each of `repeat` histories, as JSON."""
    import scheduler

    cat = catalogue(count)
    source, runs = logs(cat)
    since = NOW - timedelta(days=DAYS)
    times = []
    for _ in range(repeat):
        started = time.process_time()
        history_for(cat, source, now=NOW, since=since, workers=workers)
        times.append(time.process_time() - started)
    print(json.dumps({"cpu": times, "runs": runs, "package": scheduler.__file__}))


def _child_of(tree: Path, count: int, repeat: int, workers: int) -> list[float]:
    """Run `child` with the scheduler package of `tree` (this file's log generator)."""
    code = (
        f"import sys; sys.path[:0] = [{str(tree)!r}, {str(Path(__file__).parent)!r}]; "
        f"import bench_history; bench_history.child({count}, {repeat}, {workers})"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tree
    )
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    if not answer["package"].startswith(str(tree)):
        raise SystemExit(f"{tree}: imported {answer['package']}")
    return [float(t) for t in answer["cpu"]]


def _arg(name: str, default: int) -> int:
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else default


def against(other: Path) -> None:
    """This tree and `other` in alternation, one process each per round (see module doc)."""
    trees = {"before": other.resolve(), "after": Path(__file__).parent.parent.resolve()}
    count, rounds, workers = _arg("--jobs", JOBS * 10), _arg("--rounds", 5), _arg("--workers", 8)
    samples: dict[str, list[float]] = {name: [] for name in trees}
    print(f"{count} jobs, {workers} workers; history CPU s, median of 3 in each process")
    for round_ in range(rounds):
        # before, after; then after, before: a drift of the load falls on both alike.
        order = list(trees.items()) if round_ % 2 == 0 else list(reversed(trees.items()))
        for name, tree in order:
            samples[name].append(statistics.median(_child_of(tree, count, 3, workers)))
        print(f"round {round_ + 1}: " + "  ".join(f"{n} {s[-1]:.3f}" for n, s in samples.items()))
    medians = {name: statistics.median(values) for name, values in samples.items()}
    change = medians["after"] / medians["before"] - 1
    shown = "  ".join(f"{n} {m:.3f} s" for n, m in medians.items())
    print(f"medians: {shown} ({change:+.1%})")


if __name__ == "__main__":
    if "--profile" in sys.argv:
        profile()
    elif "--child" in sys.argv:
        at = sys.argv.index("--child")
        child(*(int(a) for a in sys.argv[at + 1 : at + 4]))
    elif "--against" in sys.argv:
        against(Path(sys.argv[sys.argv.index("--against") + 1]))
    else:
        main()
