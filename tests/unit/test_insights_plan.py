"""`insights_plan.windows`: a read's span cut where the rows its jobs' schedules say they
logged fill most of a page, at whole seconds; a span that fits is one window, a crowded minute
a window of its own, and a job firing too often to list counts by its interval."""

from __future__ import annotations

from itertools import pairwise

from scheduler.insights_plan import FILL, LINES_PER_RUN, expected_rows, windows
from scheduler.ports import LogRead

T0 = 1_795_399_200_000  # 2026-11-23 02:00:00 UTC
DAY = 24 * 3600 * 1000
MINUTE = 60_000


def _daily(jobs: int, days: int = 8) -> list[LogRead]:
    """Jobs firing daily, each at its own minute of the day."""
    return [
        LogRead(
            f"/g{i}",
            T0,
            T0 + days * DAY,
            fires_ms=tuple(T0 + d * DAY + (i % 1440) * MINUTE for d in range(days)),
        )
        for i in range(jobs)
    ]


def test_a_span_that_fits_one_page_is_one_window() -> None:
    reads = _daily(100)
    assert expected_rows(reads, T0, T0 + 8 * DAY) == 100 * 8 * LINES_PER_RUN
    assert windows(reads, T0, T0 + 8 * DAY, 10_000) == [(T0, T0 + 8 * DAY)]


def test_windows_cover_the_span_each_within_the_planned_fill() -> None:
    reads = _daily(10_000)
    cut = windows(reads, T0, T0 + 8 * DAY, 10_000)

    assert cut[0][0] == T0 and cut[-1][1] == T0 + 8 * DAY
    assert all(a[1] == b[0] for a, b in pairwise(cut))
    assert all(low % 1000 == 0 for low, _ in cut)
    held = [expected_rows(reads, low, high) for low, high in cut]
    assert max(held) <= 10_000 * FILL
    # 400,000 rows at 9,000 a window: within one window of the least there can be.
    assert len(cut) <= 400_000 // 9_000 + 2


def test_a_minute_holding_more_than_a_page_is_a_window_of_its_own() -> None:
    crowded = [LogRead(f"/c{i}", T0, T0 + DAY, fires_ms=(T0 + 3600_000,)) for i in range(3000)]
    cut = windows(crowded + _daily(100, days=1), T0, T0 + DAY, 10_000)

    assert (T0 + 3600_000, T0 + 3600_000 + MINUTE) in cut


def test_a_frequent_job_counts_by_its_interval() -> None:
    every_minute = [LogRead(f"/r{i}", T0, T0 + DAY, every_ms=MINUTE) for i in range(20)]
    assert expected_rows(every_minute, T0, T0 + DAY) == 20 * 1440 * LINES_PER_RUN
    cut = windows(every_minute, T0, T0 + DAY, 10_000)
    # 144,000 rows evenly: 16 windows of 90 minutes (9,000 rows each).
    assert len(cut) == 16
    assert {high - low for low, high in cut[:-1]} == {90 * MINUTE}
