"""`sched destroy` says which log groups it leaves and who created them; `--delete-logs`
deletes the ones sched created (for `log_retention:`), and only those."""

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


LEFT_BY_LAMBDA = [
    "left: log group /aws/lambda/acme-logs-hourly, with its logs (created by Lambda on a first"
    " run, not",
    "  by sched, which never deletes those; aws logs delete-log-group --log-group-name NAME does)",
]


def _applied_and_run(tmp_path: Path) -> str:
    """The catalogue applied, and `hourly` run once (Lambda, here the local run, creates its
    log group; apply created nightly's, for its log_retention)."""
    (tmp_path / "jobs.yaml").write_text(CATALOGUE)
    (tmp_path / "jobs" / "nightly").mkdir(parents=True)
    (tmp_path / "jobs" / "nightly" / "handler.py").write_text("def main(event, ctx):\n    pass\n")
    path = str(tmp_path / "jobs.yaml")
    assert run("apply", "--local", "--yes", path)[0] == 0
    assert run("run", "hourly", "--local", path)[0] == 0
    return path


def _groups(path: str) -> list[str]:
    from scheduler.app.connect import Connection, connect

    with connect(Connection(local=True), Path(path)) as aws:
        found = aws.session.client("logs").describe_log_groups(logGroupNamePrefix="/aws/lambda/")
    return [g["logGroupName"] for g in found["logGroups"]]


def test_destroy_names_the_log_groups_it_leaves_and_who_created_them(tmp_path: Path) -> None:
    path = _applied_and_run(tmp_path)

    code, out = run("destroy", "--local", "--yes", path)

    assert code == 0, out
    assert out.splitlines()[-4:] == [
        "left: log group /aws/lambda/acme-logs-nightly, with its logs (created by sched for"
        " log_retention:;",
        "  sched destroy --delete-logs deletes those)",
        *LEFT_BY_LAMBDA,
    ]
    assert _groups(path) == ["/aws/lambda/acme-logs-hourly", "/aws/lambda/acme-logs-nightly"]


def test_destroy_delete_logs_deletes_only_the_groups_sched_created(tmp_path: Path) -> None:
    from scheduler.app.connect import Connection, connect

    path = _applied_and_run(tmp_path)
    with connect(Connection(local=True), Path(path)) as aws:  # tagged as another catalogue's
        aws.session.client("logs").tag_log_group(
            logGroupName="/aws/lambda/acme-logs-hourly",
            tags={"managed-by": "sched", "sched:catalogue": "other"},
        )

    code, out = run("destroy", "--local", "--yes", "--delete-logs", path)

    assert code == 0, out
    assert out.splitlines()[-4:] == [
        "deleted: log group /aws/lambda/acme-logs-nightly, with its logs (created by sched for",
        "  log_retention:)",
        *LEFT_BY_LAMBDA,
    ]
    assert _groups(path) == ["/aws/lambda/acme-logs-hourly"]
    # A second destroy finds nothing to delete and says what is still there.
    code, out = run("destroy", "--local", "--yes", "--delete-logs", path)
    assert (code, out.splitlines()[-2:]) == (0, LEFT_BY_LAMBDA)
