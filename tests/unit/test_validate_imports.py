"""`sched validate` loads only what it runs: the deploy wing and the run wing stay out."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent.parent


def _validate_imports(cwd: Path, prefixes: tuple[str, ...]) -> tuple[int, list[str]]:
    """`sched validate jobs.yaml` in a fresh interpreter at `cwd`: its exit code and the
    modules it imported that start with one of `prefixes`."""
    probe = (
        "import json, runpy, sys\n"
        "sys.argv = ['sched', 'validate', 'jobs.yaml']\n"
        "code = 0\n"
        "try:\n"
        "    runpy.run_module('scheduler', run_name='__main__')\n"
        "except SystemExit as done:\n"
        "    code = done.code\n"
        f"print(code, json.dumps(sorted(m for m in sys.modules if m.startswith({prefixes!r}))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=cwd, capture_output=True, text=True, check=True
    )
    code, _, modules = done.stdout.strip().splitlines()[-1].partition(" ")
    return int(code), json.loads(modules)


def test_sched_validate_on_the_example_imports_neither_compile_nor_history_nor_http() -> None:
    """compile (and with it the history, the watcher's webhook client, http and ssl) is only
    needed by SCH208 for a job whose environment might be near Lambda's limit; the resource
    classes (`resources.py`, `resource_state.py`, `resource_dict.py`) only by compile, plan
    and apply; the Lambda wrapper only by Lambda (its package gives `handler` on first use)."""
    unused = (
        "scheduler.compile",
        "scheduler.history",
        "scheduler.watch",
        "http.client",
        "scheduler.resources",
        "scheduler.resource_state",
        "scheduler.resource_dict",
        "scheduler.runtime.wrapper",
    )
    assert _validate_imports(ROOT, unused) == (0, [])


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
    imported = _validate_imports(tmp_path, ("scheduler.local_data",))
    assert imported == (0, ["scheduler.local_data", "scheduler.local_data.place"])
