"""Where a Logs Insights read cuts its time span into queries: windows each expected to fill
most of one page (10,000 rows), from what the jobs' schedules say they logged (`LogRead`'s
`fires_ms` and `every_ms`) times the lines a run logs, so that the queries can run at once and
few pages overflow (one that does is followed by time, see `scheduler.insights`).
Standard library only: the watcher ships it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from scheduler.ports import LogRead

# The lines of a run the query keeps: Lambda's start (START or platform.start), sched's start
# line, its run line, Lambda's end (END or platform.runtimeDone) and REPORT; a failure adds one.
LINES_PER_RUN = 5
# Pages are planned this full: failing runs' extra lines, retries, manual runs and another
# catalogue's lines under the same prefix take the rest.
FILL = 0.9
# Expected rows are counted in buckets of whole minutes, at most this many over the span.
_MAX_BUCKETS = 20_000
_MINUTE_MS = 60_000


def expected_rows(reads: Sequence[LogRead], start_ms: int, end_ms: int) -> float:
    """The rows the reads' jobs are expected to have logged within [start_ms, end_ms)."""
    rows = 0.0
    for read in reads:
        low, high = max(read.start_ms, start_ms), min(read.end_ms, end_ms)
        if read.fires_ms:
            rows += LINES_PER_RUN * sum(1 for t in read.fires_ms if low <= t < high)
        elif read.every_ms > 0 and high > low:
            rows += LINES_PER_RUN * (high - low) / read.every_ms
    return rows


def windows(
    reads: Sequence[LogRead], start_ms: int, end_ms: int, page_rows: int
) -> list[tuple[int, int]]:
    """[start_ms, end_ms) cut (at whole seconds, which StartQuery takes) into consecutive
    windows each expected to hold at most FILL of `page_rows`; one window when it all fits.
    A minute expected to hold more than that is a window of its own."""
    target = page_rows * FILL
    if end_ms <= start_ms or expected_rows(reads, start_ms, end_ms) <= target:
        return [(start_ms, end_ms)]
    span = end_ms - start_ms
    bucket = _MINUTE_MS * max(1, math.ceil(span / _MAX_BUCKETS / _MINUTE_MS))
    base = start_ms - start_ms % 1000
    count = math.ceil((end_ms - base) / bucket)
    points = [0.0] * count  # rows at the fires in each bucket
    slope = [0.0] * (count + 1)  # rows a bucket of the frequent jobs, as differences
    for read in reads:
        low, high = max(read.start_ms, start_ms), min(read.end_ms, end_ms)
        if read.fires_ms:
            for t in read.fires_ms:
                if low <= t < high:
                    points[(t - base) // bucket] += LINES_PER_RUN
        elif read.every_ms > 0 and high > low:
            slope[(low - base) // bucket] += LINES_PER_RUN * bucket / read.every_ms
            slope[math.ceil((high - base) / bucket)] -= LINES_PER_RUN * bucket / read.every_ms
    cuts: list[tuple[int, int]] = []
    began, held, steady = start_ms, 0.0, 0.0
    for index in range(count):
        steady += slope[index]
        rows = points[index] + steady
        edge = base + index * bucket
        if held > 0 and held + rows > target and edge > began:
            cuts.append((began, edge))
            began, held = edge, 0.0
        held += rows
    cuts.append((began, end_ms))
    return cuts
