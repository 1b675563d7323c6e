"""Run sched in a subprocess whose standard input is a terminal (a pty): answering a prompt, or
pressing Ctrl-C at it."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

_ENV = {"NO_COLOR": "1", "SCHED_LOCAL": "", "PYTHONUNBUFFERED": "1"}

# `python -m scheduler` with Ctrl-C raising KeyboardInterrupt as when started from a shell prompt,
# even under a shell's background job, which starts with SIGINT ignored (Python keeps it so).
AS_AT_A_SHELL_PROMPT = (
    "import runpy, signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
    "runpy.run_module('scheduler', run_name='__main__', alter_sys=True)"
)


def typing_at_a_terminal(
    args: list[str], typed: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """`sched ARGS` with a terminal as its standard input and `typed` typed at it."""
    controller, terminal = pty.openpty()
    os.write(controller, typed.encode())
    try:
        return subprocess.run(
            [sys.executable, "-m", "scheduler", *args],
            check=False,
            cwd=cwd,
            stdin=terminal,
            capture_output=True,
            text=True,
            env={**os.environ, **_ENV},
            timeout=120,
        )
    finally:
        os.close(controller)
        os.close(terminal)


def at_a_terminal(args: list[str], answer: str, cwd: Path | None = None) -> tuple[int, str]:
    """`sched ARGS` with a terminal as its standard input, `answer` typed: (exit code, stdout)."""
    done = typing_at_a_terminal(args, answer + "\n", cwd)
    return done.returncode, done.stdout


def ctrl_c_at_the_question(
    args: list[str], question_ends: str, cwd: Path | None = None
) -> tuple[int, str, str]:
    """`sched ARGS` at a terminal, sent SIGINT once its output ends with `question_ends` and it
    waits for the answer: (exit code, stdout, stderr)."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-c", AS_AT_A_SHELL_PROMPT, *args],
        cwd=cwd,
        stdin=terminal,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, **_ENV},
    )
    assert process.stdout is not None and process.stderr is not None
    shown = b""
    deadline = time.monotonic() + 120
    try:
        while not shown.decode(errors="replace").endswith(question_ends):
            assert time.monotonic() < deadline, shown
            ready, _, _ = select.select([process.stdout], [], [], 1)
            if ready:
                chunk = os.read(process.stdout.fileno(), 4096)
                assert chunk, f"sched ended before asking: {shown!r}"
                shown += chunk
        _wait_until_reading(process.pid, deadline)
        process.send_signal(signal.SIGINT)
        rest, err = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
        os.close(controller)
        os.close(terminal)
    return process.returncode, (shown + rest).decode(), err.decode()


def _wait_until_reading(pid: int, deadline: float) -> None:
    """Until process `pid` sleeps (in its read of the answer). A signal that arrives between
    the question and that read is only noted before the read starts, and the read then waits for
    input as if nothing had happened: a user's Ctrl-C comes while sched waits."""
    asleep = 0
    while asleep < 3:
        assert time.monotonic() < deadline
        with open(f"/proc/{pid}/stat") as stat:
            state = stat.read().rpartition(")")[2].split()[0]
        asleep = asleep + 1 if state == "S" else 0
        time.sleep(0.02)
