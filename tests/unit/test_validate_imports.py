"""`sched validate` loads only what it runs: the deploy wing and the run wing stay out."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent.parent


def test_sched_validate_on_the_example_imports_neither_compile_nor_history_nor_http() -> None:
    """compile (and with it the history, the watcher's webhook client, http and ssl) is only
    needed by SCH208 for a job whose environment might be near Lambda's limit; the resource
    classes (`resources.py`) only by compile, plan and apply."""
    probe = (
        "import runpy, sys\n"
        "sys.argv = ['sched', 'validate', 'jobs.yaml']\n"
        "try:\n"
        "    runpy.run_module('scheduler', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "unused = ('scheduler.compile', 'scheduler.history', 'scheduler.watch', 'http.client',"
        " 'scheduler.resources')\n"
        "print(sorted(m for m in sys.modules if m.startswith(unused)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"
