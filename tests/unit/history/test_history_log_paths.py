"""The log paths give the same history and status: each job's group read by FilterLogEvents
(`FakeLogs`), or every group through Logs Insights (`InsightsReads` over `FakeInsights`, which
executes the query sched sends), the groups listed or selected by the catalogue's prefix
(`SOURCE`, beside a stranger's group under the same prefix). The logs hold Lambda's retries
under one request id, timeouts, out-of-memory REPORT lines, a manual run, missed fires, lines
no run wrote, malformed ones, and a job that never ran (no log group); the Insights side
pages, splits and waits on the way."""

from __future__ import annotations

from datetime import timedelta

import pytest
from history_support import at, load_log_fixture
from insights_fake import FakeInsights
from run_fakes import FakeLogs
from run_scenario import NOW as SCENARIO_NOW
from run_scenario import WINDOW as SCENARIO_WINDOW
from run_scenario import scenario_catalogue, scenario_logs
from run_support import catalogue, group, job

from scheduler import naming
from scheduler.catalogue.model import Catalogue
from scheduler.history import RunStatus
from scheduler.history.model import Trigger
from scheduler.history.read import history_for
from scheduler.history.status import status_for
from scheduler.insights import InsightsReads
from scheduler.ports import LogEvent

NOW = at("2026-11-25T06:00:00")
SINCE = at("2026-11-20T00:00:00")
FIXTURES = (
    "async_retry",
    "async_retry_unwrapped",
    "json_error",
    "json_oom",
    "json_success",
    "json_timeout",
    "json_timeout_manual",
    "json_wrapped",
    "text_failure",
    "text_oom",
    "text_runtime_exit",
    "text_success",
    "text_timeout",
    "text_timeout_started",
    "text_unwrapped_error",
)
# Lines history never reads, which the query leaves out, and lines of sched's shapes that do
# not validate, which it must keep (they are counted as skipped).
NOISE = (
    "processing 1,204 objects\n",
    "[INFO]\t2026-11-23T02:00:01.000Z\tabc\tcopied app-logs/2026-11-22\n",
    '{"level": "INFO", "message": "a line of the handler"}\n',
    '{"sched": "run", "v": 1, "attempt": 0}\n',
    "REPORT RequestId: r-x\tDuration: NaN ms\n",
)


def _name(fixture: str) -> str:
    return "fx-" + fixture.replace("_", "-")


def _events(fixture: str) -> list[LogEvent]:
    """The fixture's events as the job `_name(fixture)` logged them, among noise."""
    events = [
        LogEvent(e.timestamp_ms, e.message.replace("log-backup", _name(fixture)), e.log_stream)
        for e in load_log_fixture(fixture)
    ]
    first = events[0]
    noise = [
        LogEvent(first.timestamp_ms + i, line, first.log_stream) for i, line in enumerate(NOISE)
    ]
    return sorted(events + noise, key=lambda e: e.timestamp_ms)


def _catalogue() -> Catalogue:
    jobs = [job(_name(f), "cron(0 2 * * ? *)") for f in FIXTURES]
    return catalogue(*jobs, job("never-ran", "cron(30 1 * * ? *)"))


def _groups() -> dict[str, list[LogEvent]]:
    return {group(_name(f)): _events(f) for f in FIXTURES}


PREFIX = naming.log_group_prefix(_catalogue().prefix)


def _stranger(groups: dict[str, list[LogEvent]]) -> dict[str, list[LogEvent]]:
    """Another catalogue's group under the same prefix, holding a copy of one job's lines."""
    first = next(iter(groups.values()))
    return {f"{PREFIX}ops-{FIXTURES[0]}": list(first)}


def _insights(
    groups: dict[str, list[LogEvent]], source: bool = False, row_limit: int = 10, **service: int
) -> InsightsReads:
    stored = {k: list(v) for k, v in groups.items()}
    fake = FakeInsights({**stored, **_stranger(groups)} if source else stored, **service)
    # Small pages and batches, so that paging, halving and the missing group are exercised.
    return InsightsReads(
        fake,
        prefixes=[PREFIX] if source else (),
        group_limit=4,
        row_limit=row_limit,
        sleep=lambda _: None,
        concurrency=3,
    )


SERVICES = {
    "prompt": {},
    "slow": {"running": 2},
    "timing out over two days": {"timeout_over_s": 2 * 24 * 3600},
    "by prefix": {"source": True},
    "by prefix, slow": {"source": True, "running": 2},
    "by prefix, timing out over two days": {"source": True, "timeout_over_s": 2 * 24 * 3600},
}


@pytest.mark.parametrize("service", SERVICES.values(), ids=SERVICES.keys())
def test_history_is_the_same_through_both_paths(service: dict[str, int]) -> None:
    expected = history_for(_catalogue(), FakeLogs(_groups()), now=NOW, since=SINCE)
    found = history_for(_catalogue(), _insights(_groups(), **service), now=NOW, since=SINCE)
    assert found == expected
    # ... and that history is worth comparing: every kind of run is in it.
    statuses = {r.status for r in expected.runs}
    assert statuses >= {RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.TIMED_OUT}
    assert RunStatus.MISSED in statuses and any(r.attempt == 2 for r in expected.runs)
    assert any(r.trigger is Trigger.MANUAL for r in expected.runs)
    assert any(r.error_type == "Runtime.OutOfMemory" for r in expected.runs)
    assert expected.skipped.malformed == 2 * len(FIXTURES)


@pytest.mark.parametrize("service", SERVICES.values(), ids=SERVICES.keys())
def test_status_is_the_same_through_both_paths(service: dict[str, int]) -> None:
    window = timedelta(days=5)
    expected = status_for(_catalogue(), FakeLogs(_groups()), now=NOW, window=window)
    found = status_for(_catalogue(), _insights(_groups(), **service), now=NOW, window=window)
    assert found == expected


@pytest.mark.parametrize("source", [False, True], ids=["listed", "by prefix"])
def test_the_status_scenario_is_the_same_through_both_paths(source: bool) -> None:
    """Rate, weekly, monthly and Scheduler jobs in their own zones, a Fargate and a disabled job."""
    groups = scenario_logs().groups
    expected = status_for(
        scenario_catalogue(), FakeLogs(groups), now=SCENARIO_NOW, window=SCENARIO_WINDOW
    )
    reads = _insights(groups, source)
    found = status_for(scenario_catalogue(), reads, now=SCENARIO_NOW, window=SCENARIO_WINDOW)
    assert found == expected
    assert any(q.startswith("SOURCE") for q in reads.queries.queries) is source  # type: ignore[attr-defined]


def test_the_prefix_path_reads_by_prefix_and_leaves_the_strangers_lines_out() -> None:
    """With pages of 10, the fixtures' crowded second is read by listed groups; with pages of
    1,000, every line comes through the selection."""
    reads = _insights(_groups(), source=True, row_limit=1000)
    found = history_for(_catalogue(), reads, now=NOW, since=SINCE)
    assert found == history_for(_catalogue(), FakeLogs(_groups()), now=NOW, since=SINCE)
    fake = reads.queries
    assert isinstance(fake, FakeInsights)
    assert fake.queries[0].startswith(f"SOURCE logGroups(namePrefix: ['{PREFIX}'])")
    assert all(groups == () for groups, _, _ in fake.started)
