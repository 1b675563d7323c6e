"""Benchmark `sched validate`: the example as a whole process, and generated catalogues.

Run by hand:  python bench/bench_validate.py   (results go into bench/RESULTS.md by hand)
Budgets (issue 2): example < 0.25 s median whole process, without importing boto3;
10,000 jobs < 2 s.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from gen_catalogue import write

ROOT = Path(__file__).parent.parent
SCHED = [sys.executable, "-m", "scheduler"]


def _median_wall(cmd: list[str], runs: int, cwd: Path) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, cwd=cwd, capture_output=True, check=False)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def boto3_imported() -> bool:
    probe = (
        "import sys, runpy; sys.argv=['sched','validate','jobs.yaml'];\n"
        "try:\n runpy.run_module('scheduler', run_name='__main__')\n"
        "except SystemExit: pass\n"
        "print('boto3' in sys.modules or 'botocore' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=False
    )
    return out.stdout.strip().endswith("True")


def main() -> None:
    example = _median_wall([*SCHED, "validate", "jobs.yaml"], 21, ROOT)
    print(f"example jobs.yaml, whole process, median of 21: {example * 1000:.0f} ms")
    print(f"boto3 imported on the validate path: {boto3_imported()}")
    print("\njobs   | whole process (median of 5) | per job")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (100, 1_000, 5_000, 10_000):
            path = write(Path(tmp) / f"c{n}" / "jobs.yaml", n)
            done = subprocess.run(
                [*SCHED, "validate", str(path)], capture_output=True, text=True, check=False
            )
            assert done.returncode == 0, done.stdout[-500:]
            wall = _median_wall([*SCHED, "validate", str(path)], 5, ROOT)
            print(f"{n:>6} | {wall * 1000:>8.0f} ms | {wall / n * 1e6:.0f} µs")


if __name__ == "__main__":
    main()
