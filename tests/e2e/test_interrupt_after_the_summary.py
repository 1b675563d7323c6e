"""End to end: once the real `sched` process has printed "Apply complete", a Ctrl-C (SIGINT)
no longer decides its exit status: it ends with the apply's, not by the signal or a traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from scheduler.local import state_file

CATALOGUE = """\
catalogue: demo
jobs:
  hello:
    schedule: rate(1 day)
    expected_runtime: 1m
    handler: jobs/hello/handler.py:main
"""


def test_a_sigint_after_apply_complete_keeps_the_apply_s_exit_status(tmp_path: Path) -> None:
    (tmp_path / "jobs" / "hello").mkdir(parents=True)
    (tmp_path / "jobs" / "hello" / "handler.py").write_text("def main(e, c):\n    return 1\n")
    (tmp_path / "jobs.yaml").write_text(CATALOGUE)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "SCHED_"))}
    env[state_file.KEY_FILE_ENV] = os.environ[state_file.KEY_FILE_ENV]
    process = subprocess.Popen(
        [sys.executable, "-m", "scheduler", "apply", "--local", "jobs.yaml"],
        cwd=tmp_path,
        env={**env, "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    seen = []
    for line in process.stdout:
        seen.append(line)
        if line.startswith("Apply complete"):
            # While the local AWS's state is still being saved, as a person's Ctrl-C would be.
            process.send_signal(signal.SIGINT)
            break
    rest, err = process.communicate(timeout=120)

    assert any(line.startswith("Apply complete") for line in seen), "".join(seen) + err
    assert process.returncode == 0, "".join(seen) + rest + err
    assert "Traceback" not in err and "interrupted" not in err
