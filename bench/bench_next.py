"""Benchmark the schedule engine: parse 1,000 expressions and compute 10 fire times each.

Run by hand:  python bench/bench_next.py      Budget (issue 2): under 1 s.
"""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime

from scheduler.schedule import parse


def expressions(n: int) -> list[str]:
    out = []
    for i in range(n):
        minute, hour = i % 60, (i // 60) % 24
        match i % 6:
            case 0:
                out.append(f"cron({minute} {hour} ? * MON-FRI *)")
            case 1:
                out.append(f"rate({i % 90 + 2} minutes)")
            case 2:
                out.append(f"{minute} {hour} * * {i % 7}")
            case 3:
                out.append(f"cron({minute} {hour} L * ? *)")
            case 4:
                out.append(f"cron({minute} {hour} ? * {i % 7 + 1}#{i % 4 + 1} *)")
            case _:
                out.append(f"cron({minute}/{i % 20 + 5} {hour}-23 {i % 28 + 1}W * ? *)")
    return out


def run_once(items: list[str]) -> float:
    after = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
    start = time.perf_counter()
    for text in items:
        parse(text).next_fire_times(after, 10)
    return time.perf_counter() - start


def main() -> None:
    items = expressions(1000)
    times = [run_once(items) for _ in range(7)]
    print(f"1,000 expressions x 10 fire times: median {statistics.median(times) * 1000:.0f} ms")


if __name__ == "__main__":
    main()
