"""A reader that stops early (`sched rules | head -1`) is no error of sched: it exits quietly,
with 141 as a program stopped by SIGPIPE does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_stdout_closed_before_sched_writes_exits_141_saying_nothing(tmp_path: Path) -> None:
    child = subprocess.Popen(
        [sys.executable, "-m", "scheduler", "rules"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # before the interpreter has even started: every write finds it closed
    stderr = child.stderr.read().decode()
    child.stderr.close()
    assert (child.wait(timeout=60), stderr) == (141, "")


def test_sched_rules_into_head_prints_one_line_and_no_error(tmp_path: Path) -> None:
    done = subprocess.run(
        ["sh", "-c", f"'{sys.executable}' -m scheduler rules | head -1"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout == "SCH001  error    catalogue file cannot be read\n"
    assert done.stderr == ""
