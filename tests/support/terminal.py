"""Run sched in a subprocess whose standard input is a terminal (a pty), answering a prompt."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path


def at_a_terminal(args: list[str], answer: str, cwd: Path | None = None) -> tuple[int, str]:
    """`sched ARGS` with a terminal as its standard input, `answer` typed: (exit code, stdout)."""
    controller, terminal = pty.openpty()
    os.write(controller, answer.encode() + b"\n")
    done = subprocess.run(
        [sys.executable, "-m", "scheduler", *args],
        check=False,
        cwd=cwd,
        stdin=terminal,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_COLOR": "1", "SCHED_LOCAL": ""},
        timeout=120,
    )
    os.close(controller)
    os.close(terminal)
    return done.returncode, done.stdout
