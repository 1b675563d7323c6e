"""reconstruct_runs: each log fixture gives exactly the runs it records."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from history_support import at, load_log_fixture

from scheduler.history import Run, RunStatus, Trigger, reconstruct_runs
from scheduler.history.model import Skipped
from scheduler.history.reconstruct import reconstruct
from scheduler.ports import LogEvent

NOW = at("2026-11-24T02:05:00")
STREAM = "2026/11/23/[$LATEST]3893xmpl7fac4485b47bb75b671a283c"
STREAM2 = "2026/11/23/[$LATEST]a41cxmpl9be04d0f8e2d67a5c0f1b2d3"
SCHEDULED = at("2026-11-23T02:00:00")


def ms(value: float) -> timedelta:
    return timedelta(milliseconds=value)


EXPECTED: dict[str, list[Run]] = {
    "text_success": [
        Run(
            job="log-backup",
            request_id="8f507cfc-xmpl-4697-b07a-ac58fc914c95",
            status=RunStatus.SUCCEEDED,
            scheduled_time=SCHEDULED,
            start=at("2026-11-23T02:00:00.412"),
            end=at("2026-11-23T02:01:42.693"),
            duration=ms(102280.25),
            billed_duration=ms(102281),
            init_duration=ms(130.49),
            memory_size_mb=256,
            max_memory_used_mb=70,
            attempt=1,
            trigger=Trigger.RULE,
            delay=ms(412),
            log_stream=STREAM,
        )
    ],
    "text_timeout": [
        Run(
            job="log-backup",
            request_id="5f3cxmpl-1a9e-4c2b-8d7e-3b6f0a9c2e41",
            status=RunStatus.TIMED_OUT,
            start=at("2026-11-23T02:00:00.410"),
            end=at("2026-11-23T02:00:03.416"),
            duration=ms(3000),
            billed_duration=ms(3000),
            memory_size_mb=128,
            max_memory_used_mb=48,
            error_message="Task timed out after 3.00 seconds",
            attempt=1,
            log_stream=STREAM,
        )
    ],
    "text_oom": [
        Run(
            job="log-backup",
            request_id="b9d1xmpl-77c0-4f0e-a3b2-61e8c4d5f0a7",
            status=RunStatus.FAILED,
            start=at("2026-11-23T02:00:00.402"),
            end=at("2026-11-23T02:00:01.926"),
            duration=ms(1523.84),
            billed_duration=ms(1524),
            memory_size_mb=128,
            max_memory_used_mb=128,
            error_type="Runtime.OutOfMemory",
            error_message="out of memory (used 128 of 128 MB)",
            attempt=1,
            log_stream=STREAM,
        )
    ],
    "text_failure": [
        Run(
            job="log-backup",
            request_id="c47axmpl-2e5d-4a8b-9f1c-0d3e6b7a8c52",
            status=RunStatus.FAILED,
            scheduled_time=SCHEDULED,
            start=at("2026-11-23T02:00:00.405"),
            end=at("2026-11-23T02:00:02.120"),
            duration=ms(1714.61),
            billed_duration=ms(1715),
            memory_size_mb=256,
            max_memory_used_mb=81,
            error_type="ValueError",
            error_message="bucket app-logs not found",
            attempt=1,
            trigger=Trigger.RULE,
            delay=ms(405),
            log_stream=STREAM,
        )
    ],
    "text_unwrapped_error": [
        Run(
            job="log-backup",
            request_id="e1f0xmpl-9c4b-4d2a-8e7f-5a6b3c2d1e09",
            status=RunStatus.FAILED,
            start=at("2026-11-23T02:00:00.500"),
            end=at("2026-11-23T02:00:00.910"),
            duration=ms(405.12),
            billed_duration=ms(406),
            memory_size_mb=128,
            max_memory_used_mb=40,
            error_type="KeyError",
            error_message="'bucket'",
            attempt=1,
            log_stream=STREAM,
        )
    ],
    "text_runtime_exit": [
        Run(
            job="log-backup",
            request_id="0a7dxmpl-6b2c-4e9f-b1a0-8c5d4e3f2a16",
            status=RunStatus.FAILED,
            start=at("2026-11-23T02:00:00.400"),
            end=at("2026-11-23T02:00:05.210"),
            duration=ms(4809.77),
            billed_duration=ms(4810),
            memory_size_mb=128,
            max_memory_used_mb=128,
            error_type="Runtime.ExitError",
            error_message="Runtime exited with error: signal: killed",
            attempt=1,
            log_stream=STREAM,
        )
    ],
    "json_success": [
        Run(
            job="log-backup",
            request_id="7c2exmpl-4f1a-4b3d-9e8c-2a5b6d7e8f90",
            status=RunStatus.SUCCEEDED,
            scheduled_time=SCHEDULED,
            start=at("2026-11-23T02:00:00.412"),
            end=at("2026-11-23T02:01:42.693"),
            duration=ms(102280.25),
            billed_duration=ms(102281),
            init_duration=ms(130.49),
            memory_size_mb=256,
            max_memory_used_mb=70,
            attempt=1,
            trigger=Trigger.RULE,
            delay=ms(412),
            log_stream=STREAM,
        )
    ],
    "json_timeout": [
        Run(
            job="log-backup",
            request_id="3b8fxmpl-0d6e-4c7a-a2b9-1e4f5d6c7b08",
            status=RunStatus.TIMED_OUT,
            start=at("2026-11-23T02:00:00.410"),
            end=at("2026-11-23T02:10:00.412"),
            duration=ms(600000),
            billed_duration=ms(600000),
            memory_size_mb=256,
            max_memory_used_mb=98,
            attempt=1,
            log_stream=STREAM,
        )
    ],
    "json_oom": [
        Run(
            job="log-backup",
            request_id="9e4axmpl-8b7c-4d6e-b5f4-3a2b1c0d9e87",
            status=RunStatus.FAILED,
            start=at("2026-11-23T02:00:00.400"),
            end=at("2026-11-23T02:00:02.102"),
            duration=ms(1700.01),
            billed_duration=ms(1701),
            memory_size_mb=128,
            max_memory_used_mb=128,
            error_type="Runtime.OutOfMemory",
            error_message="out of memory (used 128 of 128 MB)",
            attempt=1,
            log_stream=STREAM,
        )
    ],
    "json_wrapped": [
        Run(
            job="log-backup",
            request_id="4d5exmpl-7a8b-4c9d-8e0f-1a2b3c4d5e6f",
            status=RunStatus.SUCCEEDED,
            scheduled_time=SCHEDULED,
            start=at("2026-11-23T02:00:00.412"),
            end=at("2026-11-23T02:01:02.012"),
            duration=ms(61598.5),
            billed_duration=ms(61599),
            memory_size_mb=256,
            max_memory_used_mb=66,
            attempt=1,
            trigger=Trigger.RULE,
            delay=ms(412),
            log_stream=STREAM,
        ),
        Run(
            job="log-backup",
            request_id="6f7axmpl-9b0c-4d1e-a2f3-4b5c6d7e8f90",
            status=RunStatus.SUCCEEDED,
            scheduled_time=at("2026-11-23T03:00:00"),
            start=at("2026-11-23T03:00:00.398"),
            end=at("2026-11-23T03:00:50.012"),
            duration=ms(49612),
            billed_duration=ms(49612),
            memory_size_mb=256,
            max_memory_used_mb=67,
            attempt=1,
            trigger=Trigger.RULE,
            delay=ms(398),
            log_stream=STREAM,
        ),
    ],
    "json_error": [
        Run(
            job="log-backup",
            request_id="a1b2xmpl-3c4d-4e5f-8a9b-0c1d2e3f4a5b",
            status=RunStatus.FAILED,
            scheduled_time=SCHEDULED,
            start=at("2026-11-23T02:00:00.400"),
            end=at("2026-11-23T02:00:01.812"),
            duration=ms(1409.87),
            billed_duration=ms(1410),
            memory_size_mb=256,
            max_memory_used_mb=75,
            error_type="ValueError",
            error_message="bucket app-logs not found",
            attempt=1,
            trigger=Trigger.RULE,
            delay=ms(400),
            log_stream=STREAM,
        ),
        Run(
            job="log-backup",
            request_id="f0e9xmpl-d8c7-4b6a-9f8e-7d6c5b4a3f2e",
            status=RunStatus.FAILED,
            start=at("2026-11-23T03:00:00.500"),
            end=at("2026-11-23T03:00:00.912"),
            duration=ms(405.12),
            billed_duration=ms(406),
            memory_size_mb=128,
            max_memory_used_mb=40,
            error_type="KeyError",
            error_message="'bucket'",
            attempt=1,
            log_stream=STREAM2,
        ),
    ],
    "async_retry": [
        # Lambda's retry keeps the request id: one run, the attempt that settled it.
        Run(
            job="log-backup",
            request_id="2c3dxmpl-4e5f-4a6b-9c7d-8e9f0a1b2c3d",
            status=RunStatus.SUCCEEDED,
            scheduled_time=SCHEDULED,
            start=at("2026-11-23T02:01:01.600"),
            end=at("2026-11-23T02:01:15.010"),
            duration=ms(13405),
            billed_duration=ms(13405),
            init_duration=ms(141.02),
            memory_size_mb=256,
            max_memory_used_mb=72,
            attempt=2,
            trigger=Trigger.RULE,
            delay=ms(61600),
            log_stream=STREAM2,
        ),
    ],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_gives_exact_runs(name: str) -> None:
    assert reconstruct_runs(load_log_fixture(name), "log-backup", now=NOW) == EXPECTED[name]


def test_scheduler_attempt_and_a_run_still_running() -> None:
    runs = reconstruct_runs(load_log_fixture("scheduler_running"), "nightly-export", now=NOW)
    assert runs == [
        Run(
            job="nightly-export",
            request_id="5e6fxmpl-7a8b-4c9d-a0b1-c2d3e4f5a6b7",
            status=RunStatus.SUCCEEDED,
            scheduled_time=SCHEDULED,
            start=at("2026-11-23T02:00:00.400"),
            end=at("2026-11-23T02:00:30.010"),
            duration=ms(29612.4),
            billed_duration=ms(29613),
            memory_size_mb=512,
            max_memory_used_mb=120,
            attempt=2,
            trigger=Trigger.SCHEDULER,
            delay=ms(400),
            log_stream=STREAM,
        ),
        Run(
            job="nightly-export",
            request_id="8a9bxmpl-0c1d-4e2f-b3a4-5c6d7e8f9a0b",
            status=RunStatus.RUNNING,
            start=at("2026-11-24T02:00:00.300"),
            attempt=1,
            log_stream=STREAM2,
        ),
    ]


def test_a_start_older_than_the_horizon_is_unknown_not_running() -> None:
    events = load_log_fixture("scheduler_running")
    started = at("2026-11-24T02:00:00.300")
    still = reconstruct_runs(events, "nightly-export", now=started + timedelta(minutes=16))
    gone = reconstruct_runs(
        events, "nightly-export", now=started + timedelta(minutes=16, milliseconds=1)
    )
    custom = reconstruct_runs(
        events, "nightly-export", now=started + timedelta(minutes=5), running_horizon=ms(1000)
    )
    assert [r.status for r in still] == [RunStatus.SUCCEEDED, RunStatus.RUNNING]
    assert [r.status for r in gone] == [RunStatus.SUCCEEDED, RunStatus.UNKNOWN]
    assert [r.status for r in custom] == [RunStatus.SUCCEEDED, RunStatus.UNKNOWN]
    assert gone[1].end is None and gone[1].duration is None


def test_all_fixtures_together_in_any_order_give_the_same_runs() -> None:
    names = sorted(EXPECTED)
    events = [e for name in names for e in load_log_fixture(name)]
    expected = sorted(
        (run for name in names for run in EXPECTED[name]),
        key=lambda r: (r.scheduled_time or r.start, r.request_id, r.attempt),
    )
    assert reconstruct_runs(events, "log-backup", now=NOW) == expected
    assert reconstruct_runs(events[::-1], "log-backup", now=NOW) == expected


def _wrapper(job: str, request_id: str | None, status: str = "succeeded") -> str:
    return json.dumps(
        {
            "sched": "run",
            "v": 1,
            "job": job,
            "trigger": "manual",
            "scheduled_time": None,
            "request_id": request_id,
            "start": "2026-11-23T02:00:00.000Z",
            "end": "2026-11-23T02:00:01.500Z",
            "duration_ms": 1500.0,
            "status": status,
        }
    )


def test_requests_whose_wrapper_names_another_job_are_left_out() -> None:
    events = [
        LogEvent(0, "START RequestId: mine Version: $LATEST", "s1"),
        LogEvent(1, _wrapper("log-backup", "mine"), "s1"),
        LogEvent(2, "END RequestId: mine", "s1"),
        LogEvent(10, "START RequestId: theirs Version: $LATEST", "s2"),
        LogEvent(11, _wrapper("tmp-cleanup", "theirs"), "s2"),
        LogEvent(12, "END RequestId: theirs", "s2"),
        LogEvent(13, "REPORT RequestId: theirs\tDuration: 2.00 ms", "s2"),
    ]
    runs = reconstruct_runs(events, "log-backup", now=NOW)
    assert [(r.request_id, r.status) for r in runs] == [("mine", RunStatus.SUCCEEDED)]


def test_wrapper_line_alone_is_a_run_local_mode() -> None:
    # Local mode writes only the wrapper's line; with no request id it still makes one run.
    events = [
        LogEvent(1_500, _wrapper("log-backup", None, status="failed"), "local"),
        LogEvent(2_000, _wrapper("log-backup", "local-2"), "local"),
    ]
    runs = reconstruct_runs(events, "log-backup", now=NOW)
    start, end = at("2026-11-23T02:00:00"), at("2026-11-23T02:00:01.500")
    common = {"job": "log-backup", "start": start, "end": end, "duration": ms(1500)}
    assert runs == [
        Run(
            request_id="",
            status=RunStatus.FAILED,
            attempt=1,
            trigger=Trigger.MANUAL,
            log_stream="local",
            **common,  # type: ignore[arg-type]
        ),
        Run(
            request_id="local-2",
            status=RunStatus.SUCCEEDED,
            attempt=1,
            trigger=Trigger.MANUAL,
            log_stream="local",
            **common,  # type: ignore[arg-type]
        ),
    ]


def test_a_report_alone_is_no_run_but_a_skipped_line() -> None:
    # Any function may write a REPORT-shaped line to the group; with no START it names no
    # invocation history can place (one whose START fell before the read began anchors before
    # the window anyway).
    events = [
        LogEvent(
            1_795_399_210_000,
            "REPORT RequestId: edge\tDuration: 10000.00 ms\tBilled Duration: 10000 ms\t"
            "Memory Size: 128 MB\tMax Memory Used: 60 MB",
            "s",
        )
    ]
    found = reconstruct(events, "log-backup", now=NOW)
    assert (found.runs, found.skipped) == ([], Skipped(unattributed=1))
