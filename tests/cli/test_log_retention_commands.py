"""`sched destroy` says which log groups it leaves: those whose retention sched set."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from scheduler.cli import cli

CATALOGUE = """\
catalogue: acme-logs
jobs:
  nightly:
    schedule: cron(0 2 * * ? *)
    expected_runtime: 1m
    handler: jobs/nightly/handler.py:main
    log_retention: 14
  hourly:
    schedule: rate(1 hour)
    expected_runtime: 1m
    handler: jobs/nightly/handler.py:main
"""


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env={"NO_COLOR": "1", "SCHED_LOCAL": ""})
    return result.exit_code, result.output


def test_destroy_names_the_log_groups_it_leaves(tmp_path: Path) -> None:
    (tmp_path / "jobs.yaml").write_text(CATALOGUE)
    (tmp_path / "jobs" / "nightly").mkdir(parents=True)
    (tmp_path / "jobs" / "nightly" / "handler.py").write_text("def main(event, ctx):\n    pass\n")
    path = str(tmp_path / "jobs.yaml")
    assert run("apply", "--local", "--yes", path)[0] == 0

    code, out = run("destroy", "--local", "--yes", path)

    assert code == 0, out
    assert out.splitlines()[-2:] == [
        "left: log group /aws/lambda/acme-logs-nightly, with its logs (log_retention: sched sets"
        " their",
        "  retention and never deletes them; aws logs delete-log-group removes one)",
    ]
