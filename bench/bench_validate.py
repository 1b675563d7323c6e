"""Benchmark `sched validate`: the example as a whole process, and generated catalogues.

Run by hand:  python bench/bench_validate.py   (results go into bench/RESULTS.md by hand)
Budgets (issue 2): example < 0.25 s median whole process, without importing boto3;
10,000 jobs < 2 s. Issue 11: the example within 1.8x of its floor, the libraries sched uses
imported by a bare interpreter (PyYAML, click, pydantic), in CPU time, run in alternation;
the CPU time per job of the 10,000-job catalogue 40% under its 2026-12-02 figure.
`--instructions` counts, instead, the example, its floors and the 10,000-job catalogue in
instructions (callgrind, ~3 minutes a 10,000-job count; with `--against`, both trees): a
figure the machine's load and speed do not move.
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
from timing import alternate, instructions

# `--tree PATH` runs another checkout's sched (e.g. a worktree of the commit before a change).
ROOT = (
    Path(sys.argv[sys.argv.index("--tree") + 1])
    if "--tree" in sys.argv
    else Path(__file__).parent.parent
)
SCHED = [sys.executable, "-m", "scheduler"]
# `--against PATH` also runs another checkout's sched in the same alternation (before/after).
AGAINST = Path(sys.argv[sys.argv.index("--against") + 1]) if "--against" in sys.argv else None


def sched_of(tree: Path) -> list[str]:
    """`sched` from the checkout at `tree`, whatever the current directory."""
    code = f"import sys, runpy; sys.path.insert(0, {str(tree)!r}); "
    code += "runpy.run_module('scheduler', run_name='__main__')"
    return [sys.executable, "-c", code]


FLOORS = {
    # The floor as the issue writes it: `import pydantic` alone loads no model machinery.
    "floor: import yaml, click, pydantic": [sys.executable, "-c", "import yaml, click, pydantic"],
    # The same libraries as sched uses them: a model class needs pydantic.main.
    "floor: ... + from pydantic import BaseModel": [
        sys.executable,
        "-c",
        "import yaml, click, pydantic; from pydantic import BaseModel",
    ],
}


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


def against_floor(runs: int = 15) -> None:
    """The example as a whole process against its floors, CPU time, in alternation."""
    sched = "sched validate jobs.yaml"
    commands = {sched: [*SCHED, "validate", "jobs.yaml"], **FLOORS}
    if AGAINST is not None:
        commands[f"sched of {AGAINST}"] = [*sched_of(AGAINST), "validate", "jobs.yaml"]
    cpu = alternate(commands, runs, ROOT)
    print(f"CPU time, whole process, median of {runs} alternated runs:")
    for name, seconds in cpu.items():
        print(f"  {name:<46} {seconds * 1000:6.0f} ms")
    for name in FLOORS:
        print(f"  ratio to {name}: {cpu[sched] / cpu[name]:.2f}x")
        if AGAINST is not None:
            other = cpu[f"sched of {AGAINST}"] / cpu[name]
            print(f"  ratio of {AGAINST} to {name}: {other:.2f}x")


def per_job(runs: int = 5) -> None:
    """Generated catalogues, whole process, CPU time; per job at 10,000 beside 100 jobs."""
    print(f"\njobs   | CPU, whole process (median of {runs}) | per job | per job past 100")
    with tempfile.TemporaryDirectory() as tmp:
        cmds = {}
        for n in (100, 1_000, 10_000):
            path = write(Path(tmp) / f"c{n}" / "jobs.yaml", n)
            done = subprocess.run(
                [*SCHED, "validate", str(path)], capture_output=True, text=True, check=False
            )
            assert done.returncode == 0, done.stdout[-500:]
            cmds[str(n)] = [*SCHED, "validate", str(path)]
            if AGAINST is not None:
                cmds[f"{n} {AGAINST}"] = [*sched_of(AGAINST), "validate", str(path)]
        cpu = alternate(cmds, runs, ROOT)
    for name, seconds in cpu.items():
        n, _, tree = name.partition(" ")
        jobs, first = int(n), cpu[f"100 {tree}".strip()]
        extra = (seconds - first) / (jobs - 100) * 1e6 if jobs > 100 else float("nan")
        print(
            f"{jobs:>6} | {seconds * 1000:>8.0f} ms | {seconds / jobs * 1e6:6.0f} µs | "
            f"{extra:6.0f} µs  {tree or 'this tree'}"
        )


def counted() -> None:
    """Instructions of the example, its floors and 10,000 jobs (with `--against`, both trees)."""
    trees = {"": SCHED} | ({f" {AGAINST}": sched_of(AGAINST)} if AGAINST is not None else {})
    with tempfile.TemporaryDirectory() as tmp:
        big = write(Path(tmp) / "c10000" / "jobs.yaml", 10_000)
        commands = dict(FLOORS)
        for tree, sched in trees.items():
            commands[f"example{tree}"] = [*sched, "validate", str(ROOT / "jobs.yaml")]
            commands[f"10,000 jobs{tree}"] = [*sched, "validate", str(big)]
        counts = instructions(commands, ROOT)
    if counts is None:
        print("instructions: valgrind is not installed")
        return
    print("\ninstructions (callgrind), whole process:")
    for name, count in counts.items():
        print(f"  {name:<46} {count / 1e6:8,.0f} M")
    floor = counts["floor: import yaml, click, pydantic"]
    for tree in trees:
        example, big_count = counts[f"example{tree}"], counts[f"10,000 jobs{tree}"]
        print(
            f"  {tree.strip() or 'this tree'}: example / floor {example / floor:.2f}x; "
            f"10,000 jobs {big_count / 10_000 / 1e3:.0f} k per job, "
            f"{(big_count - example) / 10_000 / 1e3:.0f} k per job above the example"
        )


def main() -> None:
    if "--instructions" in sys.argv:
        counted()
        return
    against_floor()
    example = _median_wall([*SCHED, "validate", "jobs.yaml"], 21, ROOT)
    print(f"\nexample jobs.yaml, whole process, wall median of 21: {example * 1000:.0f} ms")
    print(f"boto3 imported on the validate path: {boto3_imported()}")
    per_job()


if __name__ == "__main__":
    main()
