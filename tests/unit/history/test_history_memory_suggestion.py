"""status suggests a memory size when the most a run used is far under or close to the
function's size (REPORT's Max Memory Used of Memory Size); in between it says nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from run_fakes import FakeLogs
from run_support import at, catalogue, job, run_events

from scheduler import naming
from scheduler.history.memory import suggested_memory
from scheduler.history.status import status_for
from scheduler.ports import LogEvent
from scheduler.report import status as report

NOW = at("2026-11-24T08:00:00")


@pytest.mark.parametrize(
    ("used", "size", "suggested"),
    [
        (80, 256, None),  # 31%: fine
        (61, 256, None),  # 24%: not far enough under to bother
        (40, 1024, 128),  # 4%: half again the most used, in 64 MB steps, at least 128
        (300, 2048, 512),
        (240, 256, 384),  # 94%: close to the size, a run more could run out
        (128, 128, 192),
        (10000, 10240, None),  # near the size, but no bigger size exists
    ],
)
def test_suggested_memory(used: int, size: int, suggested: int | None) -> None:
    assert suggested_memory(used, size) == suggested


def _status_line(memory: int, used: int) -> str:
    daily = job("daily", "cron(0 2 * * ? *)", memory=memory)
    events = [
        LogEvent(
            e.timestamp_ms,
            e.message.replace("Memory Size: 256 MB", f"Memory Size: {memory} MB").replace(
                "80 MB", f"{used} MB"
            ),
            e.log_stream,
        )
        for day in (22, 23)
        for e in run_events("daily", at(f"2026-11-{day}T02:00:00"), request_id=f"d{day}")
    ]
    logs = FakeLogs({naming.log_group_name("acme-ops", "daily"): events})
    (row,) = status_for(catalogue(daily), logs, now=NOW, window=timedelta(days=3))
    # The detail line, its wrapped rest joined back.
    first, *rest = report.to_text([row]).splitlines()[2:4]
    return " ".join([first, *(r.strip() for r in rest if r.startswith("      "))])


def test_status_suggests_less_memory_far_under_its_size() -> None:
    assert _status_line(1024, 40) == (
        "    next Wed 2026-11-25 02:00 UTC · at 02:00 every day · uses 40 of 1024 MB"
        " (memory: 128 would do)"
    )


def test_status_suggests_more_memory_close_to_its_size() -> None:
    assert _status_line(256, 240) == (
        "    next Wed 2026-11-25 02:00 UTC · at 02:00 every day · uses 240 of 256 MB"
        " (near its size: try memory: 384)"
    )
