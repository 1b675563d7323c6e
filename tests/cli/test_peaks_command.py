"""`sched peaks`: the busiest minutes of the catalogue, how many jobs run in each and which,
with the threshold of SCH225; offline."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from scheduler.cli import cli

CATALOGUE = """\
catalogue: acme-peaks
policy: {max_concurrent_jobs: 2}
jobs:
  report: {schedule: "cron(0 0 * * ? *)", expected_runtime: 14m, handler: jobs/ok/handler.py:main}
  export: {schedule: "0 0 * * *", expected_runtime: 1m, handler: jobs/ok/handler.py:main}
  sweep: {schedule: rate(15 minutes), expected_runtime: 1m, handler: jobs/ok/handler.py:main}
  spread:
    schedule: "0 0 * * *"
    expected_runtime: 1m
    handler: jobs/ok/handler.py:main
    backend: scheduler
    flexible_window: 30m
"""


def run(root: Path, *args: str) -> tuple[int, str]:
    (root / "jobs" / "ok").mkdir(parents=True, exist_ok=True)
    (root / "jobs" / "ok" / "handler.py").write_text("def main(event, ctx):\n    pass\n")
    (root / "jobs.yaml").write_text(CATALOGUE)
    argv = ["peaks", str(root / "jobs.yaml"), "--from", "2026-12-01T00:00:00Z", *args]
    result = CliRunner().invoke(cli, argv, env={"NO_COLOR": "1"})
    return result.exit_code, result.stdout


def test_it_lists_the_busiest_minutes_with_their_jobs(tmp_path: Path) -> None:
    assert run(tmp_path, "--days", "2", "-n", "3") == (
        0,
        "Busiest minutes of the 2 days from 2026-12-01 00:00 UTC (threshold 2: policy "
        "max_concurrent_jobs):\n"
        "  2026-12-01 00:00 UTC      3 running  over  report, export, sweep\n"
        "  2026-12-02 00:00 UTC      3 running  over  report, export, sweep\n"
        "  2026-12-01 00:15 UTC      1 running  sweep\n"
        "hint: give some a flexible_window on backend: scheduler, or stagger their minutes\n",
    )


def test_json_gives_every_job_of_each_minute(tmp_path: Path) -> None:
    code, out = run(tmp_path, "--days", "1", "-n", "1", "--format", "json")
    assert code == 0
    assert json.loads(out) == {
        "start": "2026-12-01T00:00:00+00:00",
        "days": 1,
        "threshold": 2,
        "minutes": [
            {
                "minute": "2026-12-01T00:00:00+00:00",
                "running": 3,
                "jobs": ["report", "export", "sweep"],
            }
        ],
    }
