"""Benchmark the schedule engine: parse 1,000 expressions and compute 10 fire times each.

Run by hand:  python bench/bench_next.py      Budget (issue 2): under 1 s.
Issue 11: `sched next` on the same 1,000 expressions with 10 fire times each, as a whole process
in a folder without a catalogue, printing text (the default), within 1.3x of the engine alone
in a bare script (CPU time, run in alternation). `--tree PATH` runs another checkout's sched.
`--instructions` also counts both processes' instructions under valgrind (load-independent;
see `timing.instructions`).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from timing import alternate, instructions

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
    if "--instructions" in sys.argv:
        with tempfile.TemporaryDirectory() as tmp:
            counts = instructions({"sched": sched, "engine": engine}, Path(tmp))
        if counts is None:
            print("instructions: valgrind is not installed")
            return
        print(
            f"instructions (callgrind): sched next {counts['sched'] / 1e6:.0f} M, engine alone "
            f"{counts['engine'] / 1e6:.0f} M, ratio {counts['sched'] / counts['engine']:.3f}x"
        )


def against_croniter(items: list[str], runs: int = 7) -> None:
    """The engine against croniter on the Unix expressions croniter reads (a dev dependency for
    the oracle tests; elsewhere: pip install croniter in a scratch venv), CPU time, alternated."""
    try:
        from croniter import croniter
    except ImportError:
        print("croniter is not installed: pip install croniter (a scratch venv will do)")
        return
    unix = [text for text in items if not text.startswith(("cron(", "rate("))]
    after = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)

    def engine() -> None:
        for text in unix:
            parse(text).next_fire_times(after, 10)

    def peer() -> None:
        for text in unix:
            it = croniter(text, after)
            for _ in range(10):
                it.get_next(datetime)

    times: dict[str, list[float]] = {"sched engine": [], "croniter": []}
    for _ in range(runs):
        for name, work in (("sched engine", engine), ("croniter", peer)):
            started = time.process_time()
            work()
            times[name].append(time.process_time() - started)
    sched, other = (statistics.median(times[n]) for n in ("sched engine", "croniter"))
    print(f"{len(unix)} Unix expressions x 10 fire times, CPU median of {runs}, alternated:")
    # sched's parse and day caches are warm after the first run, as in any long process.
    print(f"  sched engine {sched * 1000:.0f} ms, croniter {other * 1000:.0f} ms")
    print(f"  croniter / sched: {other / sched:.0f}x")


def main() -> None:
    items = expressions(1000)
    times = [run_once(items) for _ in range(7)]
    print(f"1,000 expressions x 10 fire times: median {statistics.median(times) * 1000:.0f} ms")
    against_engine(items)
    against_croniter(items)


if __name__ == "__main__":
    main()
