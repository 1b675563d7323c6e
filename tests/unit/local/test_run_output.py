"""A local run's handler output: what it prints and logs (at import and while it runs, and when
it fails) lands in its log stream between the wrapper's start and run lines, each line at its
time, as Lambda writes it, and none of it on sched's own stdout or stderr."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from run_fakes import FakeLogs
from run_support import at, catalogue, job, ms

from scheduler.catalogue.model import Job
from scheduler.history.logs import attribute
from scheduler.local.invoke import run_locally
from scheduler.local.lambda_logs import Invocation, invocation_events
from scheduler.ports import LogEvent

NOW = at("2026-11-25T02:00:00")

CHATTY = """
import logging
import sys

print("importing")
log = logging.getLogger(__name__)


def main(event, context):
    print("working on", event["bucket"])
    print("careful", file=sys.stderr)
    log.info("not at the default level")
    log.warning("bucket %s is empty", event["bucket"])
    raise ValueError("nothing to back up")
"""


def readings(*values: float) -> Callable[[], float]:
    return iter(values).__next__


def label(message: str) -> str:
    """A JSON line's type (platform), kind (wrapper) or level (logging, runtime error); the
    text of a printed line."""
    if not message.startswith("{"):
        return message
    body: dict[str, Any] = json.loads(message)
    return str(body.get("type") or body.get("sched") or body["level"])


def labels(events: tuple[LogEvent, ...]) -> list[tuple[int, str]]:
    return [(e.timestamp_ms - ms(NOW), label(e.message)) for e in events]


def chatty_job(**changes: Any) -> Job:
    return job("chatty", "cron(0 2 * * ? *)", input={"bucket": "app-logs"}, **changes)


@pytest.fixture
def chatty(tmp_path: Path) -> Path:
    path = tmp_path / "jobs/chatty/handler.py"
    path.parent.mkdir(parents=True)
    path.write_text(textwrap.dedent(CHATTY))
    return tmp_path


def test_a_failing_runs_output_sits_between_its_start_and_run_lines(
    chatty: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    the_job = chatty_job()
    sink = FakeLogs()
    outcome = run_locally(
        catalogue(the_job, base=chatty),
        the_job,
        now=NOW,
        request_id="req-1",
        sink=sink,
        clock=readings(50.0, 50.0, 51.5),
        output_clock=readings(50.1, 50.2, 50.3, 50.4),
    )
    assert capsys.readouterr() == ("", "")
    assert labels(outcome.events) == [
        (0, "platform.start"),
        (0, "start"),
        (100, "importing"),
        (200, "working on app-logs"),
        (300, "careful"),
        (400, "WARNING"),
        (1500, "run"),
        (1501, "ERROR"),
        (1502, "platform.runtimeDone"),
        (1503, "platform.report"),
    ]
    assert json.loads(outcome.events[5].message) == {
        "timestamp": "2026-11-25T02:00:00.400Z",
        "level": "WARNING",
        "message": "bucket app-logs is empty",
        "logger": "handler",
        "requestId": "req-1",
    }
    # The traceback, as Lambda's runtime logs an unhandled error.
    error = json.loads(outcome.events[7].message)
    assert (error["level"], error["message"]["errorType"]) == ("ERROR", "ValueError")
    assert any("raise ValueError" in frame for frame in error["message"]["stackTrace"])
    # Every line is the run's: `sched logs` shows them under its request id.
    assert {line.request_id for line in attribute(sink.groups[outcome.log_group])} == {"req-1"}


def test_the_jobs_aws_lambda_log_level_lets_its_info_records_in(chatty: Path) -> None:
    the_job = chatty_job(environment=(("AWS_LAMBDA_LOG_LEVEL", "INFO"),))
    outcome = run_locally(
        catalogue(the_job, base=chatty),
        the_job,
        now=NOW,
        request_id="req-1",
        clock=readings(50.0, 50.0, 51.5),
        output_clock=readings(50.1, 50.2, 50.3, 50.35, 50.4),
    )
    assert [label(e.message) for e in outcome.events[2:7]] == [
        "importing",
        "working on app-logs",
        "careful",
        "INFO",
        "WARNING",
    ]


SLOW = """
import time


def main(event, context):
    print("started the copy")
    time.sleep(5)
"""


def test_a_timed_out_run_keeps_what_it_printed_before_lambda_stopped_it(tmp_path: Path) -> None:
    path = tmp_path / "jobs/slow/handler.py"
    path.parent.mkdir(parents=True)
    path.write_text(textwrap.dedent(SLOW))
    slow = job("slow", "cron(0 2 * * ? *)", timeout=timedelta(milliseconds=100))
    outcome = run_locally(
        catalogue(slow, base=tmp_path),
        slow,
        now=NOW,
        request_id="req-1",
        clock=readings(0.0, 0.0, 0.1),
        output_clock=readings(0.05),
    )
    assert labels(outcome.events) == [
        (0, "platform.start"),
        (0, "start"),
        (50, "started the copy"),
        (102, "platform.runtimeDone"),
        (103, "platform.report"),
    ]


def test_printed_lines_stay_within_the_invocation_and_in_the_order_written() -> None:
    call = Invocation(
        request_id="req-1",
        start_ms=1_000,
        end_ms=2_000,
        status="success",
        duration_ms=1000.0,
        memory_size_mb=128,
        max_memory_used_mb=None,
    )
    printed = [
        (900, "before start"),
        (1_500, "middle"),
        (1_400, "read its clock late"),
        (2_500, "after"),
    ]
    events = invocation_events(call, ["run line"], "stream", printed=printed)
    assert [(e.timestamp_ms, e.message) for e in events[1:6]] == [
        (1_000, "before start"),
        (1_500, "middle"),
        (1_500, "read its clock late"),
        (2_000, "after"),
        (2_000, "run line"),
    ]
