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
import resource
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
