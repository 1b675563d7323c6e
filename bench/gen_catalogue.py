"""Write a synthetic catalogue of N jobs (mixed schedules, one shared handler) for benchmarks."""

from __future__ import annotations

import sys
from pathlib import Path

SCHEDULES = [
    "cron(0 2 ? * MON *)",
    "rate(1 hour)",
    '"30 1 * * *"',
    "cron(0/15 * * * ? *)",
    '"@daily"',
    "cron(0 9 ? * 2#1 *)",
    "rate(5 minutes)",
    "cron(0 8 L * ? *)",
]


def write(path: Path, jobs: int) -> Path:
    lines = ["catalogue: bench", "defaults:", "  tags: {team: bench}", "jobs:"]
    for i in range(jobs):
        lines += [
            f"  job-{i:05d}:",
            f"    description: synthetic job {i}",
            f"    schedule: {SCHEDULES[i % len(SCHEDULES)]}",
            "    expected_runtime: 1m",
            "    handler: jobs/bench/handler.py:main",
            f"    input: {{item: {i}, bucket: bench-bucket}}",
        ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    handler = path.parent / "jobs" / "bench" / "handler.py"
    handler.parent.mkdir(parents=True, exist_ok=True)
    handler.write_text("def main(event, context):\n    return None\n")
    return path


if __name__ == "__main__":
    write(Path(sys.argv[1]), int(sys.argv[2]))
