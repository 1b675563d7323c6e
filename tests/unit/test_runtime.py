"""The runtime wrapper: event shapes, the one line per run, re-raise in Lambda, run_job records."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
import textwrap
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from scheduler.history.parse import parse_message
from scheduler.history.records import WrapperLine, WrapperStart
from scheduler.runtime import contract as runtime
from scheduler.runtime.contract import Invocation, read_event
from scheduler.runtime.wrapper import JobContext, invoke, load_function, run_job

RUNTIME = Path(runtime.__file__).parent
START = 1795399200.5  # 2026-11-23T02:00:00.500Z
RULE_EVENT = {
    "sched": {"job": "log-backup", "scheduled_time": "2026-11-23T02:00:00Z", "event_id": "ev-1"},
    "input": {"source_bucket": "app-logs"},
}
SCHEDULER_EVENT = {
    "sched": {
        "job": "nightly-export",
        "scheduled_time": "2026-11-23T01:30:00Z",
        "execution_id": "exec-9",
        "attempt": "2",
    },
    "input": {"table": "orders"},
}


def clock(*seconds: float) -> Callable[[], float]:
    return iter(seconds).__next__


class FakeLambdaContext:
    aws_request_id = "req-1"

    def get_remaining_time_in_millis(self) -> int:
        return 599_000


def test_event_from_a_rule() -> None:
    assert read_event(RULE_EVENT) == (
        {"source_bucket": "app-logs"},
        Invocation(
            kind="rule",
            job="log-backup",
            scheduled_time=datetime(2026, 11, 23, 2, tzinfo=UTC),
            scheduled_time_text="2026-11-23T02:00:00Z",
            trigger_id="ev-1",
            attempt=None,
        ),
    )


def test_event_from_eventbridge_scheduler() -> None:
    assert read_event(SCHEDULER_EVENT) == (
        {"table": "orders"},
        Invocation(
            kind="scheduler",
            job="nightly-export",
            scheduled_time=datetime(2026, 11, 23, 1, 30, tzinfo=UTC),
            scheduled_time_text="2026-11-23T01:30:00Z",
            trigger_id="exec-9",
            attempt=2,
        ),
    )


@pytest.mark.parametrize(
    ("event", "trigger_id", "attempt"),
    [
        ({**RULE_EVENT, "sched": {**RULE_EVENT["sched"], "manual": True}}, "ev-1", None),
        (
            {**SCHEDULER_EVENT, "sched": {**SCHEDULER_EVENT["sched"], "manual": True}},
            "exec-9",
            2,
        ),
    ],
)
def test_an_envelope_marked_manual_is_a_manual_run_that_keeps_its_scheduled_time(
    event: dict[str, Any], trigger_id: str, attempt: int | None
) -> None:
    payload, invocation = read_event(event)
    assert payload == event["input"]
    assert invocation == Invocation(
        kind="manual",
        job=event["sched"]["job"],
        scheduled_time=runtime.parse_time(event["sched"]["scheduled_time"]),
        scheduled_time_text=event["sched"]["scheduled_time"],
        trigger_id=trigger_id,
        attempt=attempt,
    )


@pytest.mark.parametrize("flag", [False, "true", 1, None])
def test_only_manual_true_marks_a_manual_run(flag: object) -> None:
    event = {**RULE_EVENT, "sched": {**RULE_EVENT["sched"], "manual": flag}}
    assert read_event(event)[1].kind == "rule"


def test_a_manual_run_logs_trigger_manual_with_its_scheduled_time() -> None:
    lines: list[str] = []
    event = {**RULE_EVENT, "sched": {**RULE_EVENT["sched"], "manual": True}}
    record = run_job(
        lambda payload, ctx: ctx.trigger,
        event,
        job="log-backup",
        catalogue="acme-ops",
        expected_runtime_ms=None,
        request_id="req-1",
        clock=clock(START, START + 1),
        emit=lines.append,
    )
    assert (record["trigger"], record["trigger_id"], record["scheduled_time"]) == (
        "manual",
        "ev-1",
        "2026-11-23T02:00:00Z",
    )
    assert json.loads(lines[0]) == record


def test_time_helpers_are_utc_with_milliseconds() -> None:
    when = runtime.utc_from_ms(1795399200123)
    assert when == datetime(2026, 11, 23, 2, 0, 0, 123000, tzinfo=UTC)
    assert runtime.iso_ms(when) == "2026-11-23T02:00:00.123Z"
    paris = datetime.fromisoformat("2026-11-23T03:00:00.123999+01:00")
    assert runtime.iso_ms(paris) == "2026-11-23T02:00:00.123Z"  # truncated, not rounded


@pytest.mark.parametrize(
    "event",
    [
        {"source_bucket": "x"},
        {"sched": {"job": "j"}, "input": {}, "extra": 1},  # not our envelope: a user payload
        {"sched": "not a mapping"},
        [1, 2],
        None,
    ],
)
def test_anything_else_is_a_manual_invoke_whose_whole_event_is_the_input(event: Any) -> None:
    assert read_event(event) == (event, Invocation("manual", None, None, None, None, None))


def test_envelope_without_input_gives_an_empty_input_and_keeps_an_unparsable_time() -> None:
    payload, invocation = read_event({"sched": {"scheduled_time": "soon"}})
    assert (payload, invocation.scheduled_time, invocation.scheduled_time_text) == (
        {},
        None,
        "soon",
    )


def test_run_job_success_record_line_and_context() -> None:
    seen: list[tuple[Any, JobContext]] = []
    lines: list[str] = []

    def job(payload: Any, ctx: JobContext) -> str:
        seen.append((payload, ctx))
        return "done"

    record = run_job(
        job,
        RULE_EVENT,
        job="log-backup",
        catalogue="acme-ops",
        expected_runtime_ms=300_000,
        request_id="req-1",
        clock=clock(START, START + 102.25),
        emit=lines.append,
        lambda_context=FakeLambdaContext(),
    )
    assert record == {
        "sched": "run",
        "v": 1,
        "job": "log-backup",
        "catalogue": "acme-ops",
        "trigger": "rule",
        "trigger_id": "ev-1",
        "scheduled_time": "2026-11-23T02:00:00Z",
        "attempt": None,
        "request_id": "req-1",
        "deploy": None,
        "start": "2026-11-23T02:00:00.500Z",
        "end": "2026-11-23T02:01:42.750Z",
        "duration_ms": 102250.0,
        "status": "succeeded",
        "error_type": None,
        "error_message": None,
        "expected_runtime_ms": 300000,
        "overran": False,
    }
    assert [json.loads(line) for line in lines] == [record]
    assert lines[0].startswith('{"sched": "run", "v": 1, ')
    ((payload, ctx),) = seen
    assert payload == {"source_bucket": "app-logs"}
    assert (ctx.job, ctx.catalogue, ctx.scheduled_time, ctx.attempt, ctx.trigger) == (
        "log-backup",
        "acme-ops",
        datetime(2026, 11, 23, 2, tzinfo=UTC),
        None,
        "rule",
    )
    assert ctx.get_remaining_time_in_millis() == 599_000
    assert ctx.aws_request_id == "req-1"  # the Lambda context's own attributes still work
    with pytest.raises(AttributeError):
        _ = ctx.function_name


def test_run_job_failure_is_recorded_not_raised() -> None:
    lines: list[str] = []

    def job(payload: Any, ctx: JobContext) -> None:
        raise ValueError("bucket app-logs not found")

    record = run_job(
        job,
        SCHEDULER_EVENT,
        job="nightly-export",
        catalogue="acme-ops",
        expected_runtime_ms=None,
        request_id=None,
        clock=clock(START, START + 1),
        emit=lines.append,
    )
    assert {k: record[k] for k in ("status", "error_type", "error_message", "attempt")} == {
        "status": "failed",
        "error_type": "ValueError",
        "error_message": "bucket app-logs not found",
        "attempt": 2,
    }
    assert (record["trigger"], record["trigger_id"], record["overran"]) == (
        "scheduler",
        "exec-9",
        False,
    )
    assert len(lines) == 1


def test_manual_run_context_has_no_scheduled_time_or_remaining_time() -> None:
    seen: list[JobContext] = []
    record = run_job(
        lambda payload, ctx: seen.append(ctx),
        {"days": 1},
        job="log-backup",
        catalogue="acme-ops",
        expected_runtime_ms=None,
        request_id="local-1",
        clock=clock(START, START),
        emit=lambda line: None,
    )
    assert (record["trigger"], record["scheduled_time"], record["duration_ms"]) == (
        "manual",
        None,
        0.0,
    )
    assert (seen[0].scheduled_time, seen[0].get_remaining_time_in_millis()) == (None, None)
    assert getattr(seen[0], "aws_request_id", "absent") == "absent"


def test_overran_adds_a_warning_line() -> None:
    lines: list[str] = []
    run_job(
        lambda payload, ctx: None,
        RULE_EVENT,
        job="log-backup",
        catalogue="acme-ops",
        expected_runtime_ms=1000,
        request_id="req-2",
        clock=clock(START, START + 1.0015),
        emit=lines.append,
    )
    run, warning = (json.loads(line) for line in lines)
    assert (run["duration_ms"], run["overran"]) == (1001.5, True)
    assert warning == {
        "sched": "overran",
        "v": 1,
        "job": "log-backup",
        "request_id": "req-2",
        "duration_ms": 1001.5,
        "expected_runtime_ms": 1000,
    }


def test_exactly_at_the_expected_runtime_is_not_overran() -> None:
    lines: list[str] = []
    run_job(
        lambda payload, ctx: None,
        {},
        job="j",
        catalogue="c",
        expected_runtime_ms=1000,
        request_id="r",
        clock=clock(START, START + 1),
        emit=lines.append,
    )
    assert len(lines) == 1


def test_long_error_messages_are_cut() -> None:
    def job(payload: Any, ctx: JobContext) -> None:
        raise RuntimeError("x" * 5000)

    record = run_job(
        job,
        {},
        job="j",
        catalogue="c",
        expected_runtime_ms=None,
        request_id="r",
        clock=clock(START, START),
        emit=lambda line: None,
    )
    assert record["error_message"] == "x" * runtime.MAX_ERROR_MESSAGE_CHARS


def test_sys_exit_is_a_failure_and_ctrl_c_is_logged_then_raised() -> None:
    def exits(payload: Any, ctx: JobContext) -> None:
        sys.exit(3)

    def interrupted(payload: Any, ctx: JobContext) -> None:
        raise KeyboardInterrupt

    options: dict[str, Any] = {
        "job": "j",
        "catalogue": "c",
        "expected_runtime_ms": None,
        "request_id": "r",
    }
    record = run_job(exits, {}, clock=clock(START, START), emit=lambda line: None, **options)
    assert (record["status"], record["error_type"], record["error_message"]) == (
        "failed",
        "SystemExit",
        "3",
    )
    lines: list[str] = []
    with pytest.raises(KeyboardInterrupt):
        run_job(interrupted, {}, clock=clock(START, START), emit=lines.append, **options)
    assert json.loads(lines[0])["error_type"] == "KeyboardInterrupt"


def test_local_timeout_stops_waiting_and_records_timed_out() -> None:
    release = threading.Event()
    lines: list[str] = []
    record = run_job(
        lambda payload, ctx: release.wait(10),
        {},
        job="j",
        catalogue="c",
        expected_runtime_ms=None,
        request_id="r",
        clock=clock(START, START + 0.05),
        emit=lines.append,
        timeout_s=0.05,
    )
    release.set()
    assert (record["status"], record["error_type"], record["error_message"]) == (
        "timed_out",
        "TimeoutError",
        "Task timed out after 0.05 seconds",
    )
    assert len(lines) == 1


def test_local_timeout_not_reached_returns_normally() -> None:
    record = run_job(
        lambda payload, ctx: 1,
        {},
        job="j",
        catalogue="c",
        expected_runtime_ms=None,
        request_id="r",
        clock=clock(START, START),
        emit=lambda line: None,
        timeout_s=5,
    )
    assert record["status"] == "succeeded"


def _job_module(tmp_path: Path, name: str, body: str) -> None:
    (tmp_path / f"{name}.py").write_text(textwrap.dedent(body))


def test_invoke_returns_the_result_and_logs_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _job_module(tmp_path, "sched_job_ok", "def main(event, ctx):\n    return {'n': event['n']}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    lines: list[str] = []
    environ = {
        "SCHED_JOB": "log-backup",
        "SCHED_CATALOGUE": "acme-ops",
        "SCHED_HANDLER": "sched_job_ok.main",
        "SCHED_EXPECTED_RUNTIME_MS": "300000",
    }
    result = invoke(
        {"sched": RULE_EVENT["sched"], "input": {"n": 4}},
        FakeLambdaContext(),
        environ=environ,
        clock=clock(START, START + 2),
        emit=lines.append,
    )
    assert result == {"n": 4}
    (line,) = lines
    assert {k: json.loads(line)[k] for k in ("job", "catalogue", "request_id", "status")} == {
        "job": "log-backup",
        "catalogue": "acme-ops",
        "request_id": "req-1",
        "status": "succeeded",
    }


def test_invoke_logs_the_failure_then_reraises(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _job_module(tmp_path, "sched_job_bad", "def main(event, ctx):\n    raise KeyError('bucket')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    lines: list[str] = []
    with pytest.raises(KeyError, match="bucket"):
        invoke(
            RULE_EVENT,
            FakeLambdaContext(),
            environ={"SCHED_JOB": "log-backup", "SCHED_HANDLER": "sched_job_bad:main"},
            clock=clock(START, START),
            emit=lines.append,
        )
    assert [(r["status"], r["error_type"]) for r in map(json.loads, lines)] == [
        ("failed", "KeyError")
    ]


def test_invoke_with_a_handler_that_cannot_be_imported_logs_and_reraises() -> None:
    lines: list[str] = []
    with pytest.raises(ModuleNotFoundError):
        invoke(
            {},
            FakeLambdaContext(),
            environ={"SCHED_JOB": "j", "SCHED_HANDLER": "sched_no_such_module.main"},
            clock=clock(START, START),
            emit=lines.append,
        )
    assert json.loads(lines[0])["error_type"] == "ModuleNotFoundError"
    with pytest.raises(ImportError, match=r"is not module\.function"):
        load_function("main")


def test_the_wrapper_line_is_what_history_parses() -> None:
    lines: list[str] = []
    run_job(
        lambda payload, ctx: None,
        SCHEDULER_EVENT,
        job="nightly-export",
        catalogue="acme-ops",
        expected_runtime_ms=180_000,
        request_id="req-3",
        clock=clock(START, START + 30),
        emit=lines.append,
    )
    assert parse_message(lines[0] + "\n") == WrapperLine(
        request_id="req-3",
        job="nightly-export",
        trigger="scheduler",
        scheduled_time=datetime(2026, 11, 23, 1, 30, tzinfo=UTC),
        attempt=2,
        start=datetime(2026, 11, 23, 2, 0, 0, 500_000, tzinfo=UTC),
        end=datetime(2026, 11, 23, 2, 0, 30, 500_000, tzinfo=UTC),
        duration_ms=30000.0,
        status="succeeded",
        error_type=None,
        error_message=None,
    )


@pytest.mark.parametrize("module", sorted(RUNTIME.glob("*.py")), ids=lambda p: p.name)
def test_runtime_imports_only_the_standard_library_and_itself(module: Path) -> None:
    tree = ast.parse(module.read_text())
    imported = {
        (node.module or "").split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.level == 0
    } | {
        alias.name.split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    }
    assert imported - {"__future__"} <= sys.stdlib_module_names
    assert "scheduler" not in imported


DRIVER = """
import json, sched_runtime

class Context:
    aws_request_id = "req-sub"

    def get_remaining_time_in_millis(self):
        return 1000

event = json.load(open("event.json"))
print("RESULT", json.dumps(sched_runtime.handler(event, Context())))
"""


def _lambda_like(
    tmp_path: Path, handler_body: str, event: object
) -> subprocess.CompletedProcess[str]:
    """Run the copied sched_runtime.handler in a fresh interpreter, as Lambda would."""
    shutil.copytree(
        RUNTIME, tmp_path / "sched_runtime", ignore=shutil.ignore_patterns("__pycache__")
    )
    (tmp_path / "handler.py").write_text(textwrap.dedent(handler_body))
    (tmp_path / "event.json").write_text(json.dumps(event))
    env = {
        "PATH": os.environ.get("PATH", ""),
        "SCHED_JOB": "log-backup",
        "SCHED_CATALOGUE": "acme-ops",
        "SCHED_HANDLER": "handler.main",
        "SCHED_EXPECTED_RUNTIME_MS": "300000",
    }
    return subprocess.run(
        [sys.executable, "-c", DRIVER],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_copied_into_a_zip_root_it_runs_standalone(tmp_path: Path) -> None:
    done = _lambda_like(
        tmp_path,
        """
        def main(event, ctx):
            return {"bucket": event["source_bucket"], "left": ctx.get_remaining_time_in_millis()}
        """,
        RULE_EVENT,
    )
    assert done.returncode == 0, done.stderr
    line, result = done.stdout.splitlines()
    record = json.loads(line)
    assert (record["job"], record["request_id"], record["status"], record["scheduled_time"]) == (
        "log-backup",
        "req-sub",
        "succeeded",
        "2026-11-23T02:00:00Z",
    )
    assert result == 'RESULT {"bucket": "app-logs", "left": 1000}'


def test_copied_runtime_reraises_after_logging(tmp_path: Path) -> None:
    done = _lambda_like(
        tmp_path,
        """
        def main(event, ctx):
            raise ValueError("bucket app-logs not found")
        """,
        RULE_EVENT,
    )
    assert done.returncode == 1
    record = json.loads(done.stdout.splitlines()[0])
    assert (record["status"], record["error_type"]) == ("failed", "ValueError")
    assert done.stderr.rstrip().endswith("ValueError: bucket app-logs not found")


def test_the_start_line_is_logged_before_the_job_runs_with_the_run_lines_identity() -> None:
    lines: list[str] = []
    seen: list[int] = []
    record = run_job(
        lambda payload, ctx: seen.append(len(lines)),
        SCHEDULER_EVENT,
        job="nightly-export",
        catalogue="acme-ops",
        expected_runtime_ms=None,
        request_id="req-4",
        clock=clock(START, START + 1),
        emit=lines.append,
        emit_start=lines.append,
    )
    assert seen == [1]
    start_line = json.loads(lines[0])
    assert start_line == {
        "sched": "start",
        "v": 1,
        "job": "nightly-export",
        "catalogue": "acme-ops",
        "trigger": "scheduler",
        "trigger_id": "exec-9",
        "scheduled_time": "2026-11-23T01:30:00Z",
        "attempt": 2,
        "request_id": "req-4",
        "deploy": None,
    }
    assert list(start_line) == list(record)[:10]
    assert [json.loads(line)["sched"] for line in lines] == ["start", "run"]
    assert parse_message(lines[0]) == WrapperStart(
        request_id="req-4",
        job="nightly-export",
        trigger="scheduler",
        scheduled_time=datetime(2026, 11, 23, 1, 30, tzinfo=UTC),
        attempt=2,
    )


def test_both_lines_carry_the_functions_deployment_value() -> None:
    lines: list[str] = []
    invoke(
        RULE_EVENT,
        SimpleNamespace(aws_request_id="req-d"),
        environ={
            "SCHED_JOB": "log-backup",
            "SCHED_CATALOGUE": "acme-ops",
            "SCHED_HANDLER": "builtins.print",
            "SCHED_DEPLOY": "d3p10y",
        },
        clock=clock(START, START + 1),
        emit=lines.append,
        emit_start=lines.append,
    )
    start, run = (json.loads(line) for line in lines)
    assert (start["sched"], start["deploy"], run["sched"], run["deploy"]) == (
        "start",
        "d3p10y",
        "run",
        "d3p10y",
    )


def test_the_start_line_goes_to_stderr_unless_emit_start_is_none(
    capsys: pytest.CaptureFixture[str],
) -> None:
    options: dict[str, Any] = {
        "job": "log-backup",
        "catalogue": "acme-ops",
        "expected_runtime_ms": None,
        "request_id": "req-5",
        "emit": lambda line: None,
    }
    run_job(lambda payload, ctx: None, RULE_EVENT, clock=clock(START, START), **options)
    (err,) = capsys.readouterr().err.splitlines()
    assert (json.loads(err)["sched"], json.loads(err)["request_id"]) == ("start", "req-5")
    run_job(
        lambda payload, ctx: None,
        RULE_EVENT,
        clock=clock(START, START),
        emit_start=None,
        **options,
    )
    assert capsys.readouterr().err == ""


def test_copied_runtime_logs_its_start_line_on_stderr(tmp_path: Path) -> None:
    done = _lambda_like(tmp_path, "def main(event, ctx):\n    return 1\n", RULE_EVENT)
    assert done.returncode == 0, done.stderr
    (err,) = done.stderr.splitlines()
    assert {k: json.loads(err)[k] for k in ("sched", "job", "request_id", "scheduled_time")} == {
        "sched": "start",
        "job": "log-backup",
        "request_id": "req-sub",
        "scheduled_time": "2026-11-23T02:00:00Z",
    }


def test_both_lines_carry_the_executing_version_lambda_sets() -> None:
    lines: list[str] = []
    invoke(
        RULE_EVENT,
        SimpleNamespace(aws_request_id="req-v"),
        environ={
            "SCHED_JOB": "log-backup",
            "SCHED_CATALOGUE": "acme-ops",
            "SCHED_HANDLER": "builtins.print",
            "AWS_LAMBDA_FUNCTION_VERSION": "7",
        },
        clock=clock(START, START + 1),
        emit=lines.append,
        emit_start=lines.append,
    )
    start, run = (json.loads(line) for line in lines)
    assert (start["function_version"], run["function_version"]) == ("7", "7")
    assert list(run)[-1] == "function_version"  # appended: the first keys keep their order
    assert parse_message(lines[1]).function_version == "7"  # type: ignore[union-attr]
    assert parse_message(lines[0]).function_version == "7"  # type: ignore[union-attr]


def test_without_a_version_in_the_environment_the_lines_are_as_before() -> None:
    lines: list[str] = []
    invoke(
        RULE_EVENT,
        SimpleNamespace(aws_request_id="req-n"),
        environ={"SCHED_JOB": "j", "SCHED_CATALOGUE": "c", "SCHED_HANDLER": "builtins.print"},
        clock=clock(START, START + 1),
        emit=lines.append,
        emit_start=lines.append,
    )
    assert all("function_version" not in json.loads(line) for line in lines)
