"""End to end on the embedded local AWS: in a fresh copy of the repository (catalogue, jobs and
local data, no saved state), the real `sched` process applies the example's dev environment and
runs the Monday log backup (the README's first command), which finds the logs local-data.yaml
declares and copies them to the backup bucket; prod then deploys beside it."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from scheduler.local import embedded, state_file

ROOT = Path(__file__).parent.parent.parent


def _fresh_copy(folder: Path) -> Path:
    folder.mkdir()
    for name in ("jobs.yaml", "local-data.yaml"):
        shutil.copy(ROOT / name, folder / name)
    for name in ("jobs", "local-data"):
        shutil.copytree(ROOT / name, folder / name)
    return folder


def sched(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "SCHED_"))}
    # The test run's key (tests/conftest.py), which the test's own `embedded.running` uses too.
    env[state_file.KEY_FILE_ENV] = os.environ[state_file.KEY_FILE_ENV]
    return subprocess.run(
        [sys.executable, "-m", "scheduler", *args],
        cwd=project,
        env={**env, "NO_COLOR": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_apply_then_the_log_backup_copies_the_declared_logs(tmp_path: Path) -> None:
    project = _fresh_copy(tmp_path / "project")

    applied = sched(project, "apply", "--local", "--env", "dev", "jobs.yaml")
    assert applied.returncode == 0, applied.stdout + applied.stderr
    assert "Apply complete: 29 change(s)" in applied.stdout  # monthly-report is prod's only

    ran = sched(project, "run", "log-backup", "--local", "--env", "dev")
    assert ran.returncode == 0, ran.stdout + ran.stderr
    assert ran.stdout.startswith("log-backup: succeeded in ")

    prod = sched(project, "apply", "--local", "--env", "prod", "jobs.yaml")
    assert prod.returncode == 0, prod.stdout + prod.stderr
    assert "Apply complete: 32 change(s)" in prod.stdout
    dev = sched(project, "plan", "--local", "--env", "dev", "jobs.yaml")
    assert dev.stdout.splitlines()[-1] == "No changes: 29 resources up to date."

    with embedded.running(project / ".sched" / "local-dev") as env:
        s3 = env.session.client("s3")
        copied = {
            o["Key"]: s3.get_object(Bucket="acme-app-logs-backup", Key=o["Key"])["Body"].read()
            for o in s3.list_objects_v2(Bucket="acme-app-logs-backup")["Contents"]
        }
    folders = {key.split("/", 1)[0] for key in copied}
    [day] = folders  # the run's scheduled day, YYYY-MM-DD
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", day)
    assert {key.split("/", 1)[1]: body for key, body in copied.items()} == {
        "app/web-1.log": (
            b"2026-11-22T23:59:58Z INFO GET /health 200 2ms\n"
            b"2026-11-22T23:59:59Z INFO GET /orders/1001 200 41ms\n"
        ),
        "app/worker-1.log": (ROOT / "local-data/acme-app-logs/app/worker-1.log").read_bytes(),
    }
