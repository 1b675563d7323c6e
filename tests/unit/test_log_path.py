"""`--logs auto`: Insights from 50 log groups on; an identity that may not start queries
reads group by group instead, while `--logs insights` says what was denied."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from insights_fake import FakeInsights
from run_fakes import FakeLogs

from scheduler.app.log_path import InsightsOrFilter, LogPath, resolved
from scheduler.errors import AccessDenied
from scheduler.insights import InsightsReads
from scheduler.ports import LogEvent, LogRead

EVENTS = [LogEvent(1000, "START RequestId: r Version: $LATEST\n", "s")]


class Denied(FakeInsights):
    def start_query(self, log_groups: Sequence[str], start_s: int, end_s: int, query: str) -> str:
        raise AccessDenied("logs:StartQuery", "not authorized to perform: logs:StartQuery")


def test_auto_reads_through_insights_from_fifty_log_groups() -> None:
    assert [resolved(LogPath.AUTO, n) for n in (1, 49, 50)] == [
        LogPath.FILTER,
        LogPath.FILTER,
        LogPath.INSIGHTS,
    ]
    assert resolved(LogPath.FILTER, 10_000) is LogPath.FILTER
    assert resolved(LogPath.INSIGHTS, 1) is LogPath.INSIGHTS


def test_auto_falls_back_to_group_by_group_when_queries_are_denied() -> None:
    read = LogRead("/g", 0, 2000)
    logs = FakeLogs({"/g": EVENTS})
    insights = InsightsReads(Denied({"/g": EVENTS}), sleep=lambda _: None)

    assert InsightsOrFilter(insights, logs).read_all([read]) == {read: EVENTS}
    assert logs.reads == [("/g", 0, 2000)]
    with pytest.raises(AccessDenied, match="logs:StartQuery"):
        insights.read_all([read])
