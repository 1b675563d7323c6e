"""run_locally: a handler run in-process through the runtime wrapper, logging what a Lambda with
the JSON log format would, which history reads back as the same run."""

from __future__ import annotations

import hashlib
import json
import os
import sys
import textwrap
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from run_fakes import FakeLogs
from run_support import at, catalogue, fargate_job, job, ms, scheduler_job

from scheduler.catalogue.model import Catalogue, Job, SharedFolder
from scheduler.errors import CannotRun
from scheduler.history import (
    Run,
    RunStatus,
    Trigger,
    expected_vs_observed,
    reconstruct_runs,
)
from scheduler.history.model import RunOutcome
from scheduler.local.invoke import run_locally
from scheduler.ports import LogEvent

NOW = at("2026-11-25T02:00:00")
# As Lambda names them for a function with a log group of its own (LoggingConfig.LogGroup).
STREAM = f"2026/11/25/acme-ops-ok[$LATEST]{hashlib.sha256(b'req-1').hexdigest()[:32]}"
GROUP = "/sched/acme-ops/ok"

OK_HANDLER = """
import os
from helper import greeting

def main(event, context):
    return {
        "input": event,
        "job": context.job,
        "scheduled": context.scheduled_time.isoformat(),
        "remaining_ms": context.get_remaining_time_in_millis(),
        "request_id": context.aws_request_id,
        "function": context.function_name,
        "memory": context.memory_limit_in_mb,
        "bucket": os.environ.get("BUCKET"),
        "sched_job": os.environ.get("SCHED_JOB"),
        "greeting": greeting(),
    }
"""


# The wrapper's start line of a manual run of "ok" as request "req-1".
START_LINE = {
    "sched": "start",
    "v": 1,
    "job": "ok",
    "catalogue": "acme-ops",
    "trigger": "manual",
    "trigger_id": "local-req-1",
    "scheduled_time": "2026-11-25T02:00:00Z",
    "attempt": None,
    "request_id": "req-1",
    "deploy": None,
}


def write(base: Path, relative: str, source: str) -> None:
    path = base / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(source))


def clock(*readings: float) -> Callable[[], float]:
    """Monotonic readings in the order run_locally takes them: origin, start, [handler], end."""
    return iter(readings).__next__


@pytest.fixture
def jobs_dir(tmp_path: Path) -> Path:
    write(tmp_path, "jobs/ok/handler.py", OK_HANDLER)
    write(tmp_path, "jobs/ok/helper.py", "def greeting():\n    return 'hello from ok'\n")
    write(tmp_path, "jobs/second/handler.py", "def main(event, context):\n    return 'second'\n")
    write(
        tmp_path,
        "jobs/boom/handler.py",
        "def main(event, context):\n    raise ValueError('bucket app-logs not found')\n",
    )
    write(tmp_path, "jobs/broken/handler.py", "def main(event, context)\n    return 1\n")
    write(
        tmp_path,
        "jobs/slow/handler.py",
        "import time\n\ndef main(event, context):\n    time.sleep(0.5)\n    return 'late'\n",
    )
    return tmp_path


def ok_job(**changes: object) -> Job:
    fields: dict[str, object] = {
        "input": {"bucket": "app-logs"},
        "environment": (("BUCKET", "acme-app-logs"),),
        "memory": 512,
    }
    fields.update(changes)
    return job("ok", "cron(0 2 * * ? *)", **fields)


def run(cat: Catalogue, the_job: Job, *readings: float, **options: object) -> RunOutcome:
    return run_locally(
        cat,
        the_job,
        now=NOW,
        request_id="req-1",
        clock=clock(*readings),
        memory_probe=lambda: 71,
        **options,  # type: ignore[arg-type]
    )


def messages(events: tuple[LogEvent, ...]) -> list[tuple[int, dict[str, Any]]]:
    return [(e.timestamp_ms - ms(NOW), json.loads(e.message)) for e in events]


def test_a_successful_run_returns_the_handlers_result_and_the_wrappers_record(
    jobs_dir: Path,
) -> None:
    outcome = run(catalogue(ok_job(), base=jobs_dir), ok_job(), 50.0, 50.0, 50.25, 51.5)
    assert outcome.result == {
        "input": {"bucket": "app-logs"},
        "job": "ok",
        "scheduled": "2026-11-25T02:00:00+00:00",
        "remaining_ms": 599750,
        "request_id": "req-1",
        "function": "acme-ops-ok",
        "memory": "512",
        "bucket": "acme-app-logs",
        "sched_job": "ok",
        "greeting": "hello from ok",
    }
    assert (outcome.status, outcome.ok, outcome.request_id) == (RunStatus.SUCCEEDED, True, "req-1")
    assert (outcome.start, outcome.end, outcome.duration) == (
        NOW,
        NOW + timedelta(seconds=1.5),
        timedelta(seconds=1.5),
    )
    assert (outcome.log_group, outcome.log_stream) == (GROUP, STREAM)
    assert outcome.record == {
        "sched": "run",
        "v": 1,
        "job": "ok",
        "catalogue": "acme-ops",
        "trigger": "manual",
        "trigger_id": "local-req-1",
        "scheduled_time": "2026-11-25T02:00:00Z",
        "attempt": None,
        "request_id": "req-1",
        "deploy": None,
        "start": "2026-11-25T02:00:00.000Z",
        "end": "2026-11-25T02:00:01.500Z",
        "duration_ms": 1500.0,
        "status": "succeeded",
        "error_type": None,
        "error_message": None,
        "expected_runtime_ms": 300000,
        "overran": False,
    }


def test_a_run_writes_the_lines_of_a_lambda_with_the_json_log_format(jobs_dir: Path) -> None:
    sink = FakeLogs()
    outcome = run(catalogue(ok_job(), base=jobs_dir), ok_job(), 50.0, 50.0, 50.25, 51.5, sink=sink)
    assert sink.writes == [(GROUP, STREAM, outcome.events)]
    assert {e.log_stream for e in outcome.events} == {STREAM}
    assert messages(outcome.events) == [
        (
            0,
            {
                "time": "2026-11-25T02:00:00.000Z",
                "type": "platform.start",
                "record": {"requestId": "req-1", "version": "$LATEST"},
            },
        ),
        (0, START_LINE),
        (1500, outcome.record),
        (
            1502,
            {
                "time": "2026-11-25T02:00:01.502Z",
                "type": "platform.runtimeDone",
                "record": {
                    "requestId": "req-1",
                    "status": "success",
                    "metrics": {"durationMs": 1500.0, "producedBytes": 0},
                },
            },
        ),
        (
            1503,
            {
                "time": "2026-11-25T02:00:01.503Z",
                "type": "platform.report",
                "record": {
                    "requestId": "req-1",
                    "metrics": {
                        "durationMs": 1500.0,
                        "billedDurationMs": 1500,
                        "memorySizeMB": 512,
                        "maxMemoryUsedMB": 71,
                    },
                    "status": "success",
                },
            },
        ),
    ]
    # The wrapper's lines are printed as is (print output stays plain text in the JSON format).
    assert outcome.events[1].message == json.dumps(START_LINE)
    assert outcome.events[2].message == json.dumps(outcome.record)


def test_a_local_run_reports_no_memory_reading_of_its_own(jobs_dir: Path) -> None:
    """The process a local run shares with sched, moto and boto3 says nothing of the handler's
    memory: its REPORT leaves Max Memory Used out rather than report the process's peak."""
    outcome = run_locally(
        catalogue(ok_job(), base=jobs_dir),
        ok_job(),
        now=NOW,
        request_id="req-1",
        clock=clock(50.0, 50.0, 50.25, 51.5),
    )
    [report] = [m for _, m in messages(outcome.events) if m.get("type") == "platform.report"]
    assert report["record"]["metrics"] == {
        "durationMs": 1500.0,
        "billedDurationMs": 1500,
        "memorySizeMB": 512,
    }
    [read] = reconstruct_runs(outcome.events, "ok", now=NOW + timedelta(hours=1))
    assert (read.memory_size_mb, read.max_memory_used_mb) == (512, None)


def test_history_reads_a_successful_local_run_back_as_the_same_run(jobs_dir: Path) -> None:
    outcome = run(catalogue(ok_job(), base=jobs_dir), ok_job(), 50.0, 50.0, 50.25, 51.5)
    assert reconstruct_runs(outcome.events, "ok", now=NOW + timedelta(hours=1)) == [
        Run(
            job="ok",
            request_id="req-1",
            status=RunStatus.SUCCEEDED,
            scheduled_time=NOW,
            start=NOW,
            end=NOW + timedelta(milliseconds=1503),
            duration=timedelta(milliseconds=1500),
            billed_duration=timedelta(milliseconds=1500),
            memory_size_mb=512,
            max_memory_used_mb=71,
            attempt=1,
            trigger=Trigger.MANUAL,
            delay=timedelta(0),
            log_stream=STREAM,
        )
    ]


def test_a_failed_run_logs_the_runtimes_error_line_and_reads_back_failed(jobs_dir: Path) -> None:
    boom = job("boom", "cron(0 2 * * ? *)")
    outcome = run(catalogue(boom, base=jobs_dir), boom, 10.0, 10.0, 10.125)
    assert (outcome.status, outcome.error_type, outcome.error_message) == (
        RunStatus.FAILED,
        "ValueError",
        "bucket app-logs not found",
    )
    kinds = [(offset, m.get("type") or m.get("level")) for offset, m in messages(outcome.events)]
    assert kinds == [
        (0, "platform.start"),
        (0, None),  # the wrapper's start line
        (125, None),  # the wrapper's run line
        (126, "ERROR"),
        (127, "platform.runtimeDone"),
        (128, "platform.report"),
    ]
    error = json.loads(outcome.events[3].message)
    assert error["message"]["errorType"] == "ValueError"
    assert error["message"]["errorMessage"] == "bucket app-logs not found"
    assert error["message"]["stackTrace"][-1].endswith(
        "raise ValueError('bucket app-logs not found')\n"
    )
    assert json.loads(outcome.events[4].message)["record"]["status"] == "failure"
    (back,) = reconstruct_runs(outcome.events, "boom", now=NOW + timedelta(hours=1))
    assert (back.status, back.error_type, back.error_message, back.duration) == (
        RunStatus.FAILED,
        "ValueError",
        "bucket app-logs not found",
        timedelta(milliseconds=125),
    )


def test_a_handler_that_does_not_import_is_a_failed_run(jobs_dir: Path) -> None:
    broken = job("broken", "cron(0 2 * * ? *)")
    outcome = run(catalogue(broken, base=jobs_dir), broken, 0.0, 0.0, 0.5)
    assert (outcome.status, outcome.error_type) == (RunStatus.FAILED, "SyntaxError")


def test_a_run_past_its_timeout_is_timed_out_and_logged_as_lambda_kills_it(
    jobs_dir: Path,
) -> None:
    slow = job("slow", "cron(0 2 * * ? *)", timeout=timedelta(milliseconds=100))
    outcome = run(catalogue(slow, base=jobs_dir), slow, 0.0, 0.0, 0.1)
    assert (outcome.status, outcome.result, outcome.duration) == (
        RunStatus.TIMED_OUT,
        None,
        timedelta(milliseconds=100),
    )
    assert outcome.record["error_message"] == "Task timed out after 0.10 seconds"
    # Lambda stops the function at its timeout: the wrapper logs its start line, never its run line.
    assert [
        (offset, m.get("type") or m["sched"], m.get("record", {}).get("status"))
        for offset, m in messages(outcome.events)
    ] == [
        (0, "platform.start", None),
        (0, "start", None),
        (102, "platform.runtimeDone", "timeout"),
        (103, "platform.report", "timeout"),
    ]
    (back,) = reconstruct_runs(outcome.events, "slow", now=NOW + timedelta(hours=1))
    assert (back.status, back.start, back.duration, back.scheduled_time, back.trigger) == (
        RunStatus.TIMED_OUT,
        NOW,
        timedelta(milliseconds=100),
        NOW,
        Trigger.MANUAL,
    )


def test_without_enforce_timeout_a_slow_run_finishes(jobs_dir: Path) -> None:
    slow = job("slow", "cron(0 2 * * ? *)", timeout=timedelta(milliseconds=100))
    outcome = run(catalogue(slow, base=jobs_dir), slow, 0.0, 0.0, 0.5, enforce_timeout=False)
    assert (outcome.status, outcome.result) == (RunStatus.SUCCEEDED, "late")


def test_each_run_imports_its_own_handler_and_leaves_nothing_behind(jobs_dir: Path) -> None:
    second = job("second", "cron(0 2 * * ? *)")
    cat = catalogue(ok_job(), second, base=jobs_dir)
    path_before, environ_before = list(sys.path), dict(os.environ)
    first = run(cat, ok_job(), 0.0, 0.0, 0.0, 1.0)
    other = run(cat, second, 0.0, 0.0, 1.0)
    assert (first.result["greeting"], other.result) == ("hello from ok", "second")
    assert sys.path == path_before
    assert dict(os.environ) == environ_before
    assert "handler" not in sys.modules
    assert "helper" not in sys.modules
    assert not list(jobs_dir.rglob("__pycache__"))


def test_the_event_of_a_scheduler_job_carries_its_execution_id_and_attempt(
    jobs_dir: Path,
) -> None:
    paris = scheduler_job("second", "30 1 * * *", "Europe/Paris")
    outcome = run(
        catalogue(paris, base=jobs_dir),
        paris,
        0.0,
        0.0,
        1.0,
        scheduled_time=at("2026-11-25T00:30:00"),
        manual=False,
    )
    record = outcome.record
    assert (record["trigger"], record["trigger_id"], record["attempt"]) == (
        "scheduler",
        "local-req-1",
        1,
    )
    assert record["scheduled_time"] == "2026-11-25T00:30:00Z"


@pytest.mark.parametrize(
    ("the_job", "message"),
    [
        (
            fargate_job("reindex", "0 3 * * 0"),
            'job "reindex" runs on Fargate: sched runs Lambda handlers only',
        ),
        (
            job("legacy", "rate(1 day)", handler=None, function="arn:aws:lambda:x:1:function:f"),
            'job "legacy" uses the existing function arn:aws:lambda:x:1:function:f:'
            " its code is not here",
        ),
        (
            job("ghost", "rate(1 day)"),
            'job "ghost": handler file jobs/ghost/handler.py does not exist',
        ),
    ],
)
def test_jobs_without_local_code_cannot_run(jobs_dir: Path, the_job: Job, message: str) -> None:
    with pytest.raises(CannotRun) as caught:
        run_locally(catalogue(the_job, base=jobs_dir), the_job, now=NOW)
    assert caught.value.message == message


def test_a_run_for_a_fire_is_logged_as_the_schedules_and_a_direct_run_as_manual(
    jobs_dir: Path,
) -> None:
    second = job("second", "cron(0 2 * * ? *)")
    cat = catalogue(second, base=jobs_dir)
    fired = run(cat, second, 0.0, 0.0, 1.0, manual=False)
    by_hand = run(cat, second, 0.0, 0.0, 1.0)
    assert [(o.record["trigger"], o.record["scheduled_time"]) for o in (fired, by_hand)] == [
        ("rule", "2026-11-25T02:00:00Z"),
        ("manual", "2026-11-25T02:00:00Z"),
    ]
    later = NOW + timedelta(hours=1)
    assert [r.trigger for r in reconstruct_runs(fired.events, "second", now=later)] == [
        Trigger.RULE
    ]
    assert [r.trigger for r in reconstruct_runs(by_hand.events, "second", now=later)] == [
        Trigger.MANUAL
    ]


TIMED_OUT, MISSED = RunStatus.TIMED_OUT, RunStatus.MISSED


@pytest.mark.parametrize(
    ("manual", "trigger", "timeline"),
    [
        (False, Trigger.RULE, [(TIMED_OUT, "req-1", 0), (MISSED, "", 1)]),
        (True, Trigger.MANUAL, [(MISSED, "", 0), (TIMED_OUT, "req-1", 0), (MISSED, "", 1)]),
    ],
)
def test_a_timed_out_local_run_reads_back_by_its_start_line(
    jobs_dir: Path, manual: bool, trigger: Trigger, timeline: list[tuple[RunStatus, str, int]]
) -> None:
    # A run for the 02:00 fire (or one by hand claiming that time) starts at 02:05, 30 seconds
    # before another fire, and is killed at its timeout: its start line, not its start time,
    # says which fire (if any) it stands for.
    slow = job("slow", "cron(0 2 * * ? *)", timeout=timedelta(milliseconds=100))
    fires = [NOW, NOW + timedelta(minutes=5, seconds=30)]
    outcome = run_locally(
        catalogue(slow, base=jobs_dir),
        slow,
        now=NOW + timedelta(minutes=5),
        scheduled_time=NOW,
        request_id="req-1",
        clock=clock(0.0, 0.0, 0.1),
        memory_probe=lambda: 71,
        manual=manual,
    )
    sched_lines = [m for _, m in messages(outcome.events) if "sched" in m]
    assert [(m["sched"], m["trigger"], m["scheduled_time"]) for m in sched_lines] == [
        ("start", trigger.value, "2026-11-25T02:00:00Z")
    ]
    later = NOW + timedelta(hours=2)
    (back,) = reconstruct_runs(outcome.events, "slow", now=later)
    assert (back.status, back.trigger, back.scheduled_time, back.start) == (
        RunStatus.TIMED_OUT,
        trigger,
        NOW,
        NOW + timedelta(minutes=5),
    )
    matched = expected_vs_observed(
        [back],
        fires,
        job="slow",
        now=later,
        grace=timedelta(minutes=30),
        late_after=timedelta(minutes=10),
    )
    assert [(r.status, r.request_id, r.scheduled_time) for r in matched] == [
        (status, request_id, fires[fire]) for status, request_id, fire in timeline
    ]


def _shared_jobs(base: Path) -> tuple[Job, Job]:
    write(base, "jobs/lib/__init__.py", "")
    write(base, "jobs/lib/words.py", "def word():\n    return 'from lib'\n")
    write(base, "jobs/lib/fail.py", "def fail():\n    raise KeyError('bucket')\n")
    write(
        base,
        "jobs/uses/handler.py",
        "from lib.words import word\n\ndef main(e, c):\n    return word()\n",
    )
    write(
        base, "jobs/fails/handler.py", "from lib import fail\n\ndef main(e, c):\n    fail.fail()\n"
    )
    write(base, "jobs/sibling/handler.py", "import uses\n\ndef main(e, c):\n    return 1\n")
    shared = (SharedFolder("jobs/lib"),)
    return (
        job("uses", "cron(0 2 * * ? *)", shared_code=shared),
        job("fails", "cron(0 2 * * ? *)", shared_code=shared),
    )


def test_a_shared_code_folder_imports_under_its_name_as_in_the_zip(jobs_dir: Path) -> None:
    uses, fails = _shared_jobs(jobs_dir)
    sibling = job("sibling", "cron(0 2 * * ? *)", shared_code=uses.shared_code)
    cat = catalogue(uses, fails, sibling, base=jobs_dir)
    path_before = list(sys.path)

    assert run(cat, uses, 0.0, 0.0, 1.0).result == "from lib"
    failed = run(cat, fails, 0.0, 0.0, 1.0)
    # Only the shared folder is importable, not its parent with the other jobs' folders.
    other = run(cat, sibling, 0.0, 0.0, 1.0)

    assert failed.traceback == (
        "Traceback (most recent call last):\n"
        '  File "jobs/fails/handler.py", line 4, in main\n'
        "    fail.fail()\n"
        '  File "jobs/lib/fail.py", line 2, in fail\n'
        "    raise KeyError('bucket')\n"
    )
    assert (other.status, other.error_type) == (RunStatus.FAILED, "ModuleNotFoundError")
    assert sys.path == path_before
    assert not {"lib", "lib.words", "lib.fail", "uses"} & set(sys.modules)
    assert run(catalogue(ok_job(), base=jobs_dir), ok_job(), 0.0, 0.0, 0.0, 1.0).result
