"""After the upgrade that gave each function a log group of its own, `sched history` still
shows the runs logged before it, in Lambda's default group, beside the runs since."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from click.testing import CliRunner
from example import copy_example
from run_support import run_events

from scheduler.cli import cli


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env={"NO_COLOR": "1", "SCHED_LOCAL": ""})
    return result.exit_code, result.output


def test_history_shows_the_runs_of_the_default_group_and_of_the_function_s_own(
    tmp_path: Path,
) -> None:
    from scheduler.app.connect import Connection, connect

    catalogue = copy_example(tmp_path, local_data=True)
    assert run("apply", "--local", str(catalogue))[0] == 0
    assert run("run", "log-backup", "--local", str(catalogue))[0] == 0
    before = (datetime.now(UTC) - timedelta(days=2)).replace(microsecond=0)
    with connect(Connection(local=True), catalogue) as aws:
        events = run_events("log-backup", None, request_id="before", trigger="manual", start=before)
        aws.sink.write("/aws/lambda/acme-ops-log-backup", events[0].log_stream, events)

    code, out = run("history", "log-backup", "--local", "--format", "json", str(catalogue))

    assert code == 0, out
    runs = [r for r in json.loads(out)["runs"] if r["status"] != "missed"]
    assert [r["request_id"] == "before" for r in runs] == [True, False]
    assert len({r["request_id"] for r in runs}) == 2


def test_logs_shows_the_lines_of_the_default_group_too(tmp_path: Path) -> None:
    from scheduler.app.connect import Connection, connect

    catalogue = copy_example(tmp_path, local_data=True)
    assert run("apply", "--local", str(catalogue))[0] == 0
    before = (datetime.now(UTC) - timedelta(hours=2)).replace(microsecond=0)
    with connect(Connection(local=True), catalogue) as aws:
        events = run_events(
            "log-backup", None, request_id="before", trigger="manual", start=before,
            status="failed", error=("ValueError", "logged before the move"),
        )  # fmt: skip
        aws.sink.write("/aws/lambda/acme-ops-log-backup", events[0].log_stream, events)

    code, out = run("logs", "log-backup", "--local", "--since", "1d", str(catalogue))

    assert code == 0, out
    assert "logged before the move" in out
