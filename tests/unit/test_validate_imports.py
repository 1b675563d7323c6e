"""`sched validate` loads only what it runs: the deploy wing and the run wing stay out."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent.parent


def test_sched_validate_on_the_example_imports_neither_compile_nor_history_nor_http() -> None:
    """compile (and with it the history, the watcher's webhook client, http and ssl) is only
    needed by SCH208 for a job whose environment might be near Lambda's limit; the resource
    classes (`resources.py`) only by compile, plan and apply; the Lambda wrapper only by Lambda
    (its package gives `handler` on first use)."""
    probe = (
        "import runpy, sys\n"
        "sys.argv = ['sched', 'validate', 'jobs.yaml']\n"
        "try:\n"
        "    runpy.run_module('scheduler', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "unused = ('scheduler.compile', 'scheduler.history', 'scheduler.watch', 'http.client',"
        " 'scheduler.resources', 'scheduler.runtime.wrapper')\n"
        "print(sorted(m for m in sys.modules if m.startswith(unused)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_sched_validate_of_a_catalogue_without_local_data_imports_none_of_its_reader(
    tmp_path: Path,
) -> None:
    """Most catalogues (every one on real AWS only) have no local-data.yaml beside them."""
    handler = tmp_path / "jobs" / "a" / "handler.py"
    handler.parent.mkdir(parents=True)
    handler.write_text("def main(event, context):\n    return None\n")
    (tmp_path / "jobs.yaml").write_text(
        "catalogue: bare\njobs:\n  a:\n    schedule: rate(1 hour)\n    expected_runtime: 1m\n"
        "    handler: jobs/a/handler.py:main\n"
    )
    probe = (
        "import runpy, sys\n"
        "sys.argv = ['sched', 'validate', 'jobs.yaml']\n"
        "try:\n"
        "    runpy.run_module('scheduler', run_name='__main__')\n"
        "except SystemExit as done:\n"
        "    print('exit', done.code)\n"
        "print(sorted(m for m in sys.modules if m.startswith('scheduler.local_data')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip().splitlines()[-2:] == [
        "exit 0",
        "['scheduler.local_data', 'scheduler.local_data.place']",
    ]
