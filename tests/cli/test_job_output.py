"""What a job's handler prints and logs in a local run (`sched run`, `trigger`, `local tick`)
goes to the run's log stream, as in Lambda: `sched logs` shows it between the run's start and
end, in the order written, and sched's own output never carries it."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from example import copy_example

from scheduler.cli import cli

CHATTY = '''
"""role-canary, talkative: it prints, writes to stderr and logs before it checks the role."""

import logging
import sys

import boto3

log = logging.getLogger(__name__)


def main(event, context):
    print("checking the role")
    print("to stderr", file=sys.stderr)
    log.info("left out at the default level")
    log.warning("the role is %s", "checked")
    return boto3.client("sts").get_caller_identity()["Account"]
'''

FAILING = '''
"""tmp-cleanup, talkative: it prints, then fails."""


def main(event, context):
    print("cleaning", event["bucket"])
    raise ValueError("no such bucket")
'''


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env={"NO_COLOR": "1", "SCHED_LOCAL": ""})
    return result.exit_code, result.output


def logged(catalogue: Path, job: str) -> list[str]:
    """The text of each line `sched logs JOB --local --raw` shows, a JSON line by its kind."""
    code, out = run("logs", job, "--local", "--raw", str(catalogue))
    assert code == 0, out
    texts = [line[35:] for line in out.splitlines()]
    return [_kind(text) for text in texts]


def _kind(text: str) -> str:
    if not text.startswith("{"):
        return text.strip()
    body = json.loads(text)
    if "type" in body:
        return str(body["type"])
    if "sched" in body:
        return f"sched {body['sched']}"
    return f"{body['level']} {body['logger']}: {body['message']}"


def test_logs_shows_what_the_handler_printed_and_logged_between_its_start_and_end(
    tmp_path: Path,
) -> None:
    catalogue = copy_example(tmp_path)
    (tmp_path / "jobs/role_canary/handler.py").write_text(CHATTY)
    code, out = run("run", "role-canary", "--local", str(catalogue))
    assert code == 0, out
    # sched's output is its own: one line on the run (and a note on this Python, maybe).
    [line] = [line for line in out.splitlines() if not line.startswith("note: ")]
    assert line.startswith("role-canary: succeeded in ")
    assert logged(catalogue, "role-canary") == [
        "platform.start",
        "sched start",
        "checking the role",
        "to stderr",
        "WARNING handler: the role is checked",
        "sched run",
        "platform.runtimeDone",
        "platform.report",
    ]
    # Without --raw, the logger's record in words.
    code, out = run("logs", "role-canary", "--local", str(catalogue))
    assert "[WARNING] the role is checked" in [line[35:] for line in out.splitlines()]


def test_a_triggered_run_that_fails_logs_its_output_then_its_traceback(
    applied_example: Path,
) -> None:
    catalogue = applied_example
    (catalogue.parent / "jobs/tmp_cleanup/handler.py").write_text(FAILING)
    code, out = run("trigger", "tmp-cleanup", "--local", str(catalogue))
    assert code == 1, out
    assert "cleaning" not in out
    lines = logged(catalogue, "tmp-cleanup")
    error = lines.index("[ERROR] ValueError: no such bucket")
    assert lines[:4] == ["platform.start", "sched start", "cleaning acme-scratch", "sched run"]
    assert lines[error + 1] == "Traceback (most recent call last):"
    assert 'raise ValueError("no such bucket")' in lines[error + 1 :]
    assert lines[-2:] == ["platform.runtimeDone", "platform.report"]
