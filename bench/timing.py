"""Timing whole processes by the CPU time they use, for benchmarks on a shared machine.

Wall time on a machine shared with other work swings with their load; the CPU time a child
process uses (`RUSAGE_CHILDREN`, user + system) swings much less (up to 25% here, not 2-3x).
Commands are run in alternation (a, b, a, b, ...) so that a change of load between them hits
both alike, and medians are kept.
Bytecode is cached the way an installed package has it: PYTHONDONTWRITEBYTECODE is dropped and
.pyc files go to a scratch PYTHONPYCACHEPREFIX, filled by one untimed warm-up run of each command.
"""

from __future__ import annotations

import os
import re
import resource
import shutil
import statistics
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

_PYCACHE = Path(tempfile.gettempdir()) / "sched-bench-pycache"


def bench_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(_PYCACHE)
    return env


def child_cpu(cmd: Sequence[str], cwd: Path, env: Mapping[str, str]) -> float:
    """CPU seconds (user + system) that running `cmd` to its end took."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(list(cmd), cwd=cwd, env=dict(env), capture_output=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def alternate(commands: Mapping[str, Sequence[str]], runs: int, cwd: Path) -> dict[str, float]:
    """Median CPU seconds of each command, run `runs` times in alternation after a warm-up."""
    env = bench_env()
    for cmd in commands.values():
        child_cpu(cmd, cwd, env)
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, cmd in commands.items():
            samples[name].append(child_cpu(cmd, cwd, env))
    return {name: statistics.median(values) for name, values in samples.items()}


def instructions(commands: Mapping[str, Sequence[str]], cwd: Path) -> dict[str, int] | None:
    """Instructions each command executes to its end (valgrind's callgrind, ~50x slower than a
    plain run), or None without valgrind. Load does not move them, and with string hashing
    fixed (PYTHONHASHSEED=0) a run repeats to within 0.01%: for changes smaller than the noise
    of CPU time. Each command is run once untimed first, to cache its bytecode."""
    if shutil.which("valgrind") is None:
        return None
    env = {**bench_env(), "PYTHONHASHSEED": "0"}
    counts = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, cmd in commands.items():
            child_cpu(cmd, cwd, env)
            out = Path(tmp) / "callgrind.out"
            done = subprocess.run(
                ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *cmd],
                cwd=cwd, env=env, capture_output=True, text=True, check=False,
            )  # fmt: skip
            found = re.search(r"Collected : (\d+)", done.stderr)
            if found is None:
                raise RuntimeError(f"callgrind gave no count for {name}: {done.stderr[-500:]}")
            counts[name] = int(found.group(1))
    return counts
