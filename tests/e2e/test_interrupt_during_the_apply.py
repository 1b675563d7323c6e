"""End to end: Ctrl-C (SIGINT) sent to the real `sched apply --local` process while it applies,
or before it writes anything. What it reports must be exact: each change once, counts that add
up to the plan, the summary printed even when Ctrl-C is pressed twice, and the next plan holding
exactly what was skipped."""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

from terminal import AS_AT_A_SHELL_PROMPT

from scheduler.app.connect import local_dir
from scheduler.local import state_file
from scheduler.local.embedded import LOCK_FILE

JOBS = 8
CATALOGUE = "catalogue: demo\njobs:\n" + "".join(
    f"  job-{n}:\n    schedule: rate({n + 2} hours)\n    expected_runtime: 1m\n"
    "    handler: jobs/hello/handler.py:main\n"
    for n in range(JOBS)
)
SUMMARY = re.compile(r"Apply interrupted: (\d+) done, (\d+) failed, (\d+) skipped")


def _folder(tmp_path: Path) -> Path:
    (tmp_path / "jobs" / "hello").mkdir(parents=True)
    (tmp_path / "jobs" / "hello" / "handler.py").write_text("def main(e, c):\n    return 1\n")
    (tmp_path / "jobs.yaml").write_text(CATALOGUE)
    return tmp_path


def _sched(folder: Path, *args: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "SCHED_"))}
    env[state_file.KEY_FILE_ENV] = os.environ[state_file.KEY_FILE_ENV]
    return subprocess.Popen(
        [sys.executable, "-c", AS_AT_A_SHELL_PROMPT, *args, "--local", "jobs.yaml"],
        cwd=folder,
        env={**env, "NO_COLOR": "1", "PYTHONUNBUFFERED": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _planned(folder: Path) -> int:
    """How many changes `sched plan --local` holds now."""
    out, err = _sched(folder, "plan").communicate(timeout=120)
    found = re.search(r"Plan: (\d+) to create", out)
    assert found, out + err
    return int(found.group(1))


def test_ctrl_c_twice_mid_apply_still_prints_one_exact_summary(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    total = _planned(folder)
    process = _sched(folder, "apply")
    assert process.stdout is not None
    seen = []
    for line in process.stdout:
        seen.append(line)
        if line.startswith("    done"):
            # The second while the first makes apply wait for the changes still running.
            process.send_signal(signal.SIGINT)
            process.send_signal(signal.SIGINT)
            break
    # Read on from the same buffered stream: communicate() would skip what it already holds.
    rest = process.stdout.read()
    assert process.stderr is not None
    err = process.stderr.read()
    process.wait(timeout=120)
    out = "".join(seen) + rest
    said = out + err

    assert process.returncode == 130, said
    assert "Traceback" not in said
    summary = SUMMARY.search(err)
    assert summary, said
    done, failed, skipped = map(int, summary.groups())
    assert failed == 0 and skipped > 0, said
    assert done + failed + skipped == total, said
    changes = [line.split(maxsplit=1)[1] for line in said.splitlines() if _is_change(line)]
    assert len(changes) == len(set(changes)) == total, said  # each one once: done or skipped
    assert sum(line.startswith("    done") for line in out.splitlines()) == done, said
    assert _planned(folder) == skipped


def _is_change(line: str) -> bool:
    return re.match(r"\s*(done|failed|skipped)  (create|update|replace|delete) ", line) is not None


def _wait_until_it_opens(process: subprocess.Popen[str], path: Path) -> None:
    """Until `process` holds `path` open (it waits for the lock on it), read from /proc: its
    output says nothing of the wait, and a fixed sleep would race a loaded machine."""
    deadline = time.monotonic() + 60
    fds = Path(f"/proc/{process.pid}/fd")
    while time.monotonic() < deadline:
        assert process.poll() is None, process.communicate()
        with contextlib.suppress(OSError):
            if any(os.path.realpath(fd) == str(path.resolve()) for fd in fds.iterdir()):
                return
        time.sleep(0.02)
    raise AssertionError(f"sched never opened {path}")


def test_ctrl_c_before_any_change_says_nothing_was_changed(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    total = _planned(folder)
    directory = local_dir(folder / "jobs.yaml")
    # Another sched holds the local AWS: this one waits for it, having written nothing.
    with open(directory / LOCK_FILE, "a+b") as held:
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        process = _sched(folder, "apply")
        _wait_until_it_opens(process, directory / LOCK_FILE)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=120)

    assert process.returncode == 130, out + err
    assert err.splitlines() == [
        "Apply interrupted before any change was made: nothing was changed."
    ]
    assert _planned(folder) == total
