"""Benchmark the schedule engine: parse 1,000 expressions and compute 10 fire times each.

Run by hand:  python bench/bench_next.py      Budget (issue 2): under 1 s.
Issue 11: `sched next` on the same 1,000 expressions with 10 fire times each, as a whole process
in a folder without a catalogue, printing text (the default), within 1.3x of the engine alone
in a bare script (CPU time, run in alternation). `--tree PATH` runs another checkout's sched.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from timing import alternate

from scheduler.schedule import parse

ROOT = (
    Path(sys.argv[sys.argv.index("--tree") + 1])
    if "--tree" in sys.argv
    else Path(__file__).parent.parent
)
# The floor: the engine alone, the same expressions and fire times, in a bare interpreter.
ENGINE_ALONE = """
import sys
from datetime import UTC, datetime
from scheduler.schedule import parse
after = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
for text in sys.argv[1:]:
    parse(text).next_fire_times(after, 10)
"""


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


def against_engine(items: list[str], runs: int = 11) -> None:
    """`sched next` as a whole process against the engine alone, CPU time, alternated."""
    # Both run from an empty folder (no jobs.yaml), with the tree first on the path.
    path = f"import sys; sys.path.insert(0, {str(ROOT)!r})\n"
    sched = [sys.executable, "-c", path + "import runpy; runpy.run_module('scheduler', "
             "run_name='__main__')", "next", *items, "--count", "10",
             "--from", "2026-11-25T08:00:00Z"]  # fmt: skip
    engine = [sys.executable, "-c", path + ENGINE_ALONE, *items]
    with tempfile.TemporaryDirectory() as tmp:
        cpu = alternate(
            {"sched next (whole process)": sched, "engine alone (bare script)": engine},
            runs,
            Path(tmp),
        )
    print(f"CPU time, whole process, median of {runs} alternated runs:")
    for name, seconds in cpu.items():
        print(f"  {name:<28} {seconds * 1000:6.0f} ms")
    ratio = cpu["sched next (whole process)"] / cpu["engine alone (bare script)"]
    print(f"  ratio: {ratio:.2f}x")


def main() -> None:
    items = expressions(1000)
    times = [run_once(items) for _ in range(7)]
    print(f"1,000 expressions x 10 fire times: median {statistics.median(times) * 1000:.0f} ms")
    against_engine(items)


if __name__ == "__main__":
    main()
