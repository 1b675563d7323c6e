"""Every documented line shape parses to exactly the record it carries; other lines to None."""

from __future__ import annotations

import json

import pytest
from history_support import at, load_log_fixture

from scheduler.history.parse import parse_message
from scheduler.history.records import (
    AppError,
    Malformed,
    PlatformEnd,
    PlatformReport,
    PlatformStart,
    Record,
    RuntimeDone,
    TimedOut,
    WrapperLine,
)

RID = "8f507cfc-xmpl-4697-b07a-ac58fc914c95"
WRAPPER = {
    "sched": "run",
    "v": 1,
    "job": "log-backup",
    "catalogue": "acme-ops",
    "trigger": "rule",
    "trigger_id": "d2e8xmpl",
    "scheduled_time": "2026-11-23T02:00:00Z",
    "attempt": None,
    "request_id": RID,
    "start": "2026-11-23T02:00:00.415Z",
    "end": "2026-11-23T02:01:42.665Z",
    "duration_ms": 102250.0,
    "status": "succeeded",
    "error_type": None,
    "error_message": None,
    "expected_runtime_ms": 300000,
    "overran": False,
}
WRAPPER_RECORD = WrapperLine(
    request_id=RID,
    job="log-backup",
    trigger="rule",
    scheduled_time=at("2026-11-23T02:00:00"),
    attempt=None,
    start=at("2026-11-23T02:00:00.415"),
    end=at("2026-11-23T02:01:42.665"),
    duration_ms=102250.0,
    status="succeeded",
    error_type=None,
    error_message=None,
)


def _report(**fields: object) -> PlatformReport:
    base: dict[str, object] = {
        "request_id": RID,
        "duration_ms": None,
        "billed_duration_ms": None,
        "memory_size_mb": None,
        "max_memory_used_mb": None,
        "init_duration_ms": None,
        "status": None,
        "error_type": None,
    }
    return PlatformReport(**(base | fields))  # type: ignore[arg-type]


TEXT_LINES: list[tuple[str, Record | None]] = [
    (f"START RequestId: {RID} Version: $LATEST\n", PlatformStart(RID)),
    (f"END RequestId: {RID}\n", PlatformEnd(RID)),
    (
        f"REPORT RequestId: {RID}\tDuration: 102.25 ms\tBilled Duration: 103 ms\t"
        "Memory Size: 128 MB\tMax Memory Used: 70 MB\t\n",
        _report(
            duration_ms=102.25, billed_duration_ms=103.0, memory_size_mb=128, max_memory_used_mb=70
        ),
    ),
    (
        f"REPORT RequestId: {RID}\tDuration: 15.74 ms\tBilled Duration: 147 ms\t"
        "Memory Size: 128 MB\tMax Memory Used: 56 MB\tInit Duration: 130.49 ms\t\n"
        "XRAY TraceId: 1-5e34a614-10bdxmplf1fb44f07bc535a1\tSegmentId: 07f5xmpl2d\tSampled: true\n",
        _report(
            duration_ms=15.74,
            billed_duration_ms=147.0,
            memory_size_mb=128,
            max_memory_used_mb=56,
            init_duration_ms=130.49,
        ),
    ),
    (  # documentation pages render the tabs as spaces
        f"REPORT RequestId: {RID}  Duration: 15.74 ms  Billed Duration: 147 ms Memory Size: 128 MB"
        " Max Memory Used: 56 MB  Init Duration: 130.49 ms",
        _report(
            duration_ms=15.74,
            billed_duration_ms=147.0,
            memory_size_mb=128,
            max_memory_used_mb=56,
            init_duration_ms=130.49,
        ),
    ),
    (
        f"REPORT RequestId: {RID}\tDuration: 3000.00 ms\tBilled Duration: 3000 ms\t"
        "Memory Size: 128 MB\tMax Memory Used: 48 MB\tStatus: timeout\n",
        _report(
            duration_ms=3000.0,
            billed_duration_ms=3000.0,
            memory_size_mb=128,
            max_memory_used_mb=48,
            status="timeout",
        ),
    ),
    (
        f"REPORT RequestId: {RID}\tDuration: 1523.84 ms\tBilled Duration: 1524 ms\t"
        "Memory Size: 128 MB\tMax Memory Used: 128 MB\tStatus: error\t"
        "Error Type: Runtime.OutOfMemory\n",
        _report(
            duration_ms=1523.84,
            billed_duration_ms=1524.0,
            memory_size_mb=128,
            max_memory_used_mb=128,
            status="error",
            error_type="Runtime.OutOfMemory",
        ),
    ),
    (
        f"2026-11-23T02:00:03.415Z {RID} Task timed out after 3.00 seconds\n",
        TimedOut(RID, "Task timed out after 3.00 seconds"),
    ),
    (
        "[ERROR] ValueError: bucket app-logs not found\rTraceback (most recent call last):\r  File",
        AppError(None, "ValueError", "bucket app-logs not found"),
    ),
    (
        f"RequestId: {RID} Error: Runtime exited with error: signal: killed\nRuntime.ExitError\n",
        AppError(RID, "Runtime.ExitError", "Runtime exited with error: signal: killed"),
    ),
    (json.dumps(WRAPPER) + "\n", WRAPPER_RECORD),
    (json.dumps(WRAPPER, separators=(",", ":")), WRAPPER_RECORD),
    (f"[INFO]\t2026-11-23T02:01:42.665Z\t{RID}\t{json.dumps(WRAPPER)}\n", WRAPPER_RECORD),
    # lines that carry nothing for history
    ("copied 120 objects so far\n", None),
    ("", None),
    ("\n", None),
    (f"[ERROR]\t2026-11-23T02:00:01.000Z\t{RID}\tcould not list bucket\n", None),
    ("INIT_START Runtime Version: python:3.12.v40\tRuntime Version ARN: arn:aws:lambda\n", None),
    ('{"report": "usage", "bucket": "b", "objects": {}}', None),
    ('{"sched": "overran", "v": 1, "job": "j", "duration_ms": 2, "expected_runtime_ms": 1}', None),
    ("{not json but starts like it", None),
    ("Resource usage: 2026 entries; Task timed out after nothing", None),
]


def test_a_wrapper_line_that_is_not_json_is_malformed_not_silently_ignored() -> None:
    assert isinstance(parse_message('{"sched": "run", broken'), Malformed)


@pytest.mark.parametrize(("message", "expected"), TEXT_LINES)
def test_text_and_raw_lines(message: str, expected: Record | None) -> None:
    assert parse_message(message) == expected


def _platform(type_: str, record: dict[str, object]) -> str:
    return json.dumps({"time": "2026-11-23T02:00:00.412Z", "type": type_, "record": record})


JSON_LINES: list[tuple[str, Record | None]] = [
    (_platform("platform.start", {"requestId": RID, "version": "$LATEST"}), PlatformStart(RID)),
    (
        _platform(
            "platform.runtimeDone",
            {"requestId": RID, "status": "success", "metrics": {"durationMs": 12.5}},
        ),
        RuntimeDone(RID, "success", None, 12.5),
    ),
    (
        _platform(
            "platform.runtimeDone",
            {"requestId": RID, "status": "error", "errorType": "Runtime.OutOfMemory"},
        ),
        RuntimeDone(RID, "error", "Runtime.OutOfMemory", None),
    ),
    (
        _platform("platform.runtimeDone", {"requestId": RID, "status": "timeout"}),
        RuntimeDone(RID, "timeout", None, None),
    ),
    (
        _platform("platform.runtimeDone", {"requestId": RID, "status": "failure"}),
        RuntimeDone(RID, "failure", None, None),
    ),
    (
        _platform(
            "platform.report",
            {
                "requestId": RID,
                "metrics": {
                    "durationMs": 2.35,
                    "billedDurationMs": 3,
                    "memorySizeMB": 128,
                    "maxMemoryUsedMB": 68,
                    "initDurationMs": 130.49,
                },
                "status": "success",
            },
        ),
        _report(
            duration_ms=2.35,
            billed_duration_ms=3.0,
            memory_size_mb=128,
            max_memory_used_mb=68,
            init_duration_ms=130.49,
            status="success",
        ),
    ),
    (
        _platform(
            "platform.report",
            {
                "requestId": RID,
                "metrics": {
                    "durationMs": 1700.01,
                    "billedDurationMs": 1701,
                    "memorySizeMB": 128,
                    "maxMemoryUsedMB": 128,
                },
                "status": "error",
                "errorType": "Runtime.OutOfMemory",
            },
        ),
        _report(
            duration_ms=1700.01,
            billed_duration_ms=1701.0,
            memory_size_mb=128,
            max_memory_used_mb=128,
            status="error",
            error_type="Runtime.OutOfMemory",
        ),
    ),
    (
        json.dumps(
            {
                "timestamp": "2026-11-23T02:01:42.665Z",
                "level": "INFO",
                "message": json.dumps(WRAPPER),
                "logger": "root",
                "requestId": RID,
            }
        ),
        WRAPPER_RECORD,
    ),
    (  # already an object, and the wrapper's own request id missing: the envelope's is used
        json.dumps(
            {
                "timestamp": "2026-11-23T02:01:42.665Z",
                "level": "INFO",
                "message": WRAPPER | {"request_id": None},
                "requestId": RID,
            }
        ),
        WRAPPER_RECORD,
    ),
    (
        json.dumps(
            {
                "timestamp": "2026-11-23T02:00:01.801Z",
                "level": "ERROR",
                "message": {
                    "errorMessage": "'bucket'",
                    "errorType": "KeyError",
                    "requestId": RID,
                    "stackTrace": [],
                },
                "requestId": RID,
            }
        ),
        AppError(RID, "KeyError", "'bucket'"),
    ),
    # platform records without a request id (init phase) and other JSON app lines
    (_platform("platform.initStart", {"initializationType": "on-demand", "phase": "init"}), None),
    (_platform("platform.initReport", {"phase": "init", "metrics": {"durationMs": 1.0}}), None),
    (_platform("platform.extension", {"requestId": RID, "name": "x"}), None),
    (
        json.dumps(
            {"timestamp": "t", "level": "INFO", "message": "sched says hello", "requestId": RID}
        ),
        None,
    ),
    (
        json.dumps(
            {"timestamp": "t", "level": "INFO", "message": {"errorType": "X"}, "requestId": RID}
        ),
        None,
    ),
]


@pytest.mark.parametrize(("message", "expected"), JSON_LINES)
def test_json_lines(message: str, expected: Record | None) -> None:
    assert parse_message(message) == expected


def test_every_fixture_line_is_understood_or_deliberately_skipped() -> None:
    skipped = [
        e.message
        for name in ("text_success", "json_success")
        for e in load_log_fixture(name)
        if parse_message(e.message) is None
    ]
    assert skipped == [
        "copied 120 objects so far\n",
        *[e.message for e in load_log_fixture("json_success") if '"platform.init' in e.message],
    ]


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        ('{"sched": "run", "v": 1} x', "JSONDecodeError: Extra data: line 1 column 26 (char 25)"),
        ('{"type": "platform.start", "record": ', "JSONDecodeError: Expecting value: line 1 "
         "column 37 (char 36)"),
        ('{"sched": "run", "v": 1}{}', "JSONDecodeError: Extra data: line 1 column 25 (char 24)"),
    ],
)  # fmt: skip
def test_json_that_is_not_one_whole_value_is_malformed_with_json_s_own_reason(
    message: str, reason: str
) -> None:
    assert parse_message(message) == Malformed(reason)


def test_a_wrapped_run_line_with_whitespace_after_it_reads_as_without() -> None:
    inner = '{"sched": "run", "v": 1, "job": "j", "status": "succeeded"}'
    wrapped = {"level": "INFO", "requestId": "r-1", "message": inner}
    assert parse_message(json.dumps({**wrapped, "message": inner + "\n"})) == parse_message(
        json.dumps(wrapped)
    )
    assert isinstance(parse_message(json.dumps(wrapped)), WrapperLine)
