"""`sched destroy` says which log groups it leaves and who created them; `--delete-logs`
deletes sched's (the groups apply made, and the default groups its deleted functions logged to
before they had their own), and only those."""

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
HOURLY, NIGHTLY = "/sched/acme-logs/hourly", "/sched/acme-logs/nightly"
LEGACY = "/aws/lambda/acme-logs-hourly"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env={"NO_COLOR": "1", "SCHED_LOCAL": ""})
    return result.exit_code, result.output


def _left_by_lambda(group: str) -> str:
    return (
        f"left: log group {group}, with its logs (created by Lambda on a first run, not by sched,"
        " which deletes those only with the function they belong to, in destroy --delete-logs;"
        " aws logs delete-log-group --log-group-name NAME does)"
    )


def _said(out: str) -> list[str]:
    """What destroy says of the log groups, a statement a line (unwrapped)."""
    said: list[str] = []
    for line in out.splitlines():
        if line.startswith(("left: ", "deleted: ")):
            said.append(line)
        elif said and line.startswith("  "):
            said[-1] += " " + line.strip()
    return said


def _logs(path: str) -> object:
    from scheduler.app.connect import Connection, connect

    return connect(Connection(local=True), Path(path))


def _applied_and_run(tmp_path: Path) -> str:
    """The catalogue applied (apply makes each function's group), `hourly` run once, and the
    default group Lambda made for `hourly` when it ran before it had a group of its own."""
    (tmp_path / "jobs.yaml").write_text(CATALOGUE)
    (tmp_path / "jobs" / "nightly").mkdir(parents=True)
    (tmp_path / "jobs" / "nightly" / "handler.py").write_text("def main(event, ctx):\n    pass\n")
    path = str(tmp_path / "jobs.yaml")
    assert run("apply", "--local", "--yes", path)[0] == 0
    assert run("run", "hourly", "--local", path)[0] == 0
    with _logs(path) as aws:  # type: ignore[attr-defined]
        aws.session.client("logs").create_log_group(logGroupName=LEGACY)
    return path


def _groups(path: str) -> list[str]:
    with _logs(path) as aws:  # type: ignore[attr-defined]
        found = aws.session.client("logs").describe_log_groups()
    return sorted(g["logGroupName"] for g in found["logGroups"])


def test_destroy_names_the_log_groups_it_leaves_and_who_created_them(tmp_path: Path) -> None:
    path = _applied_and_run(tmp_path)

    code, out = run("destroy", "--local", "--yes", path)

    assert code == 0, out
    assert _said(out) == [
        f"left: log groups {HOURLY}, {NIGHTLY}, with their logs (sched destroy --delete-logs"
        " deletes those)",
        _left_by_lambda(LEGACY),
    ]
    assert _groups(path) == [LEGACY, HOURLY, NIGHTLY]


def test_destroy_delete_logs_deletes_only_sched_s_groups(tmp_path: Path) -> None:
    path = _applied_and_run(tmp_path)
    with _logs(path) as aws:  # type: ignore[attr-defined]
        # nightly's default group, but tagged as another catalogue's: not sched's to delete.
        aws.session.client("logs").create_log_group(
            logGroupName="/aws/lambda/acme-logs-nightly",
            tags={"managed-by": "sched", "sched:catalogue": "other"},
        )

    code, out = run("destroy", "--local", "--yes", "--delete-logs", path)

    assert code == 0, out
    assert _said(out) == [
        f"deleted: log groups {HOURLY}, {LEGACY}, {NIGHTLY}, with their logs",
        _left_by_lambda("/aws/lambda/acme-logs-nightly"),
    ]
    assert _groups(path) == ["/aws/lambda/acme-logs-nightly"]
    # A second destroy finds nothing to delete and says what is still there.
    code, out = run("destroy", "--local", "--yes", "--delete-logs", path)
    assert (code, _said(out)) == (0, [_left_by_lambda("/aws/lambda/acme-logs-nightly")])
