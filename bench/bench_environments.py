"""Benchmark what environments cost `sched validate`: every environment's merged catalogue is
checked, so a catalogue with N environments is loaded once and checked N+1 times.

Run by hand:  python bench/bench_environments.py   (results go into bench/RESULTS.md by hand)
Cases: the example as a whole process, with its two environments and without them (the same
catalogue less `environments:`); generated catalogues in process, with 0, 2 and 4 environments
that each override one job.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent / "tests" / "support"))
from example import without_environments
from gen_catalogue import write

from scheduler.validate import validate

ROOT = Path(__file__).parent.parent
SCHED = [sys.executable, "-m", "scheduler", "validate", "jobs.yaml"]
NOW = datetime(2026, 12, 2, tzinfo=UTC)


def _process(folder: Path, runs: int = 11) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(SCHED, cwd=folder, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _with_environments(path: Path, count: int) -> None:
    text = path.read_text()
    if count == 0:
        return
    lines = ["environments:"]
    for i in range(count):
        lines += [
            f"  env{i}:",
            f'    account: "{100000000000 + i}"',
            "    region: us-east-1",
            "    jobs:",
            "      job-00000: {memory: 512}",
        ]
    path.write_text(text.replace("jobs:\n", "\n".join(lines) + "\njobs:\n", 1))


def _in_process(jobs: int, environments: int, runs: int = 3) -> float:
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder) / "jobs.yaml", jobs)
        _with_environments(path, environments)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            found = validate(path, now=NOW, local_data=False)[1]
            times.append(time.perf_counter() - start)
            assert not [d for d in found if d.severity.name == "ERROR"], found[:3]
        return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder)
        for name in ("jobs", "local-data"):
            subprocess.run(["cp", "-r", str(ROOT / name), str(copy / name)], check=True)
        (copy / "local-data.yaml").write_text((ROOT / "local-data.yaml").read_text())
        (copy / "jobs.yaml").write_text((ROOT / "jobs.yaml").read_text())
        with_both = _process(copy)
        (copy / "jobs.yaml").write_text(without_environments((ROOT / "jobs.yaml").read_text()))
        without = _process(copy)
    print(f"example, whole process, median of 11: {with_both * 1000:.0f} ms with dev and prod, ")
    print(f"  {without * 1000:.0f} ms without environments")
    for jobs in (1000, 5000):
        for environments in (0, 2, 4):
            seconds = _in_process(jobs, environments)
            print(f"{jobs} jobs, {environments} environments, in process: {seconds * 1000:.0f} ms")


if __name__ == "__main__":
    main()
