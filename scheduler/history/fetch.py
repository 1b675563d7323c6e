"""Reading the logs of many reads in one hand-over: a `LogBatchSource` (such as Logs Insights)
takes them all at once; a `LogSource` is read group by group, concurrently, as it is I/O.
`Prefetched` hands reads done already on to a history as a source.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor

from scheduler.ports import LogBatchSource, LogEvent, LogRead, LogSource

DEFAULT_WORKERS = 8


class Prefetched:
    """The events of reads done already, as a `LogBatchSource` (and a `LogSource` for exactly
    those reads): a caller that reads for many histories at once hands them over this way."""

    def __init__(self, fetched: Mapping[LogRead, Sequence[LogEvent]]) -> None:
        self.fetched = fetched

    def read_all(self, reads: Sequence[LogRead]) -> dict[LogRead, list[LogEvent]]:
        return {read: list(self.fetched.get(read, ())) for read in reads}

    def events(self, log_group: str, start_ms: int, end_ms: int) -> Iterator[LogEvent]:
        return iter(self.fetched.get(LogRead(log_group, start_ms, end_ms), ()))


def fetch(
    source: LogSource | LogBatchSource, reads: Iterable[LogRead | None], *, workers: int
) -> dict[LogRead, list[LogEvent]]:
    """Every read's events: in one call of a `LogBatchSource`, else group by group (I/O, so
    `workers` at a time)."""
    wanted = list(dict.fromkeys(r for r in reads if r is not None))
    if isinstance(source, LogBatchSource):
        return source.read_all(wanted)

    def one(read: LogRead) -> list[LogEvent]:
        return list(source.events(read.log_group, read.start_ms, read.end_ms))

    if len(wanted) <= 1 or workers <= 1:
        return {read: one(read) for read in wanted}
    with ThreadPoolExecutor(max_workers=min(workers, len(wanted))) as pool:
        return dict(zip(wanted, pool.map(one, wanted), strict=True))
