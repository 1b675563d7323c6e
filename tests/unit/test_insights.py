"""`InsightsReads`: log groups in queries of at most 50, or selected by name prefix (`SOURCE`)
with strangers' groups under the prefix left out, a missing group found by halving, polls
with backoff up to a deadline, a timed-out query split in time, pages of rows followed, and
the query keeping every line history reads (over the fake service in tests/support)."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import ClassVar

import pytest
from insights_fake import ACCOUNT, FakeInsights

from scheduler.errors import AwsFailure
from scheduler.history.parse import parse_message
from scheduler.insights import KEPT, InsightsReads, QueryFailed, _Sourced, query, selections
from scheduler.insights_plan import windows
from scheduler.ports import LogEvent, LogRead, QueryPage

LOGS = Path(__file__).parents[1] / "fixtures" / "logs"
T0 = 1_795_399_200_000  # 2026-11-23 02:00:00 UTC


def _start(group: int, at: int = 0) -> LogEvent:
    return LogEvent(T0 + at, f"START RequestId: r-{group}-{at} Version: $LATEST\n", "s")


def _reads(fake: FakeInsights, **options: object) -> InsightsReads:
    return InsightsReads(fake, sleep=lambda _: None, **options)  # type: ignore[arg-type]


def test_a_hundred_and_twenty_groups_take_three_queries_of_at_most_fifty() -> None:
    groups = {f"/aws/lambda/acme-{i:03d}": [_start(i)] for i in range(120)}
    fake = FakeInsights(groups)
    reads = [LogRead(g, T0 - 1000, T0 + 1000) for g in groups]

    found = _reads(fake).read_all(reads)

    assert found == {r: groups[r.log_group] for r in reads}
    assert [len(g) for g, _, _ in fake.started] == [50, 50, 20]
    assert fake.calls.count("StartQuery") == 3 and fake.calls.count("GetQueryResults") == 3


def test_the_query_covers_the_seconds_of_the_reads_and_leaves_out_what_is_outside() -> None:
    events = [_start(0, -1), _start(0, 0), _start(0, 1999), _start(0, 2000)]
    fake = FakeInsights({"/g": events})

    found = _reads(fake).read_all([LogRead("/g", T0, T0 + 2000)])

    assert found == {LogRead("/g", T0, T0 + 2000): events[1:3]}
    assert fake.started == [(("/g",), T0 // 1000, T0 // 1000 + 2)]


def test_a_group_that_does_not_exist_is_found_by_halving_and_reads_as_nothing() -> None:
    groups = {f"/g{i}": [_start(i)] for i in range(8) if i != 5}
    fake = FakeInsights(groups)
    reads = [LogRead(f"/g{i}", T0, T0 + 1) for i in range(8)]

    found = _reads(fake).read_all(reads)

    assert found[reads[5]] == [] and found[reads[4]] == groups["/g4"]
    # 8 → 4 + 4 → (2 + 2) → (1 + 1): the missing group costs 2 × 3 failed starts, no listing.
    assert fake.calls.count("StartQuery") == 7


def test_results_are_polled_with_backoff() -> None:
    waits: list[float] = []
    fake = FakeInsights({"/g": [_start(0)]}, running=6)

    InsightsReads(fake, sleep=waits.append).read_all([LogRead("/g", T0, T0 + 1)])

    assert waits == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0, 5.0]
    assert fake.calls.count("GetQueryResults") == 7


def test_a_query_past_the_deadline_is_stopped_and_is_an_aws_failure() -> None:
    now = [0.0]
    fake = FakeInsights({"/g": [_start(0)]}, running=1000)

    def sleep(seconds: float) -> None:
        now[0] += seconds

    reads = InsightsReads(fake, sleep=sleep, clock=lambda: now[0], deadline_s=60)
    with pytest.raises(QueryFailed) as raised:
        reads.read_all([LogRead("/g", T0, T0 + 1)])

    assert isinstance(raised.value, AwsFailure) and raised.value.exit_code == 3
    assert str(raised.value) == (
        "logs:StartQuery: a Logs Insights query of 1 log group(s) did not finish within 60 s"
    )
    assert fake.calls[-1] == "StopQuery"


def test_a_query_the_service_timed_out_is_split_in_time() -> None:
    hour = 3600 * 1000
    events = [_start(0, at) for at in (0, hour, 2 * hour, 3 * hour)]
    fake = FakeInsights({"/g": events}, timeout_over_s=3600)

    found = _reads(fake).read_all([LogRead("/g", T0, T0 + 4 * hour)])

    assert found == {LogRead("/g", T0, T0 + 4 * hour): events}
    assert [end - start for _, start, end in fake.started] == [
        14400,
        7200,
        3600,
        3600,
        7200,
        3600,
        3600,
    ]


def test_a_failed_query_is_an_error_naming_its_status() -> None:
    class Failing(FakeInsights):
        def query_results(self, query_id: str):  # type: ignore[no-untyped-def]
            from scheduler.ports import QueryPage

            return QueryPage("Failed")

    with pytest.raises(QueryFailed) as raised:
        _reads(Failing({"/g": []})).read_all([LogRead("/g", T0, T0 + 1)])

    assert str(raised.value) == "logs:StartQuery: a Logs Insights query ended Failed"
    assert (
        raised.value.hint == "read the logs group by group with --logs filter, or try again later"
    )


def test_full_pages_are_followed_from_their_last_second_without_repeating_a_line() -> None:
    events = [_start(0, 500 * i) for i in range(25)]  # two a second
    fake = FakeInsights({"/g": events})
    read = LogRead("/g", T0, T0 + 13_000)

    found = _reads(fake, row_limit=10).read_all([read])

    assert found == {read: events}
    assert [start - T0 // 1000 for _, start, _ in fake.started] == [0, 4, 8]


def test_a_second_holding_more_than_a_page_splits_the_groups_then_fails() -> None:
    crowded = {f"/g{i}": [_start(i, j) for j in range(4)] for i in range(3)}
    read_all = [LogRead(g, T0, T0 + 1000) for g in crowded]
    assert _reads(FakeInsights(crowded), row_limit=5).read_all(read_all) == {
        r: crowded[r.log_group] for r in read_all
    }
    with pytest.raises(QueryFailed, match="holds more than 3 lines history reads within one"):
        _reads(FakeInsights(crowded), row_limit=3).read_all(read_all)


def test_lines_no_run_wrote_are_left_to_the_service_to_drop() -> None:
    kept = _start(0)
    fake = FakeInsights({"/g": [kept, LogEvent(T0 + 1, "copied 3 objects\n", "s")]})
    assert _reads(fake).read_all([LogRead("/g", T0, T0 + 2)]) == {LogRead("/g", T0, T0 + 2): [kept]}


def test_the_query_keeps_every_line_history_can_read() -> None:
    """Every message of the log fixtures, and lines of sched's shapes that do not validate:
    each one `parse_message` makes anything of contains one of the kept terms."""
    messages = [
        e["message"]
        for f in sorted(LOGS.glob("*.json"))
        for e in json.loads(f.read_text())["events"]
    ]
    messages += [
        '{"sched": "run", "attempt": 0}',
        '  {"sched": "start", "v": "x"}',
        "REPORT RequestId: r\tDuration: NaN ms",
        '{"type": "platform.report", "record": {"requestId": "r", "metrics": {"durationMs": -1}}}',
        '{"level": "ERROR", "message": {"errorType": "E", "requestId": "r"}}',
        "[INFO]\t2026-11-23T02:00:00Z\tr\t" + json.dumps({"sched": "run", "attempt": 99}),
        "2026-11-23T02:00:03.123Z r Task timed out after 3.00 seconds",
        "RequestId: r Error: Runtime exited with error: signal: killed",
    ]
    read = [m for m in messages if parse_message(m) is not None]
    assert len(read) > 60
    assert [m for m in read if not any(term in m for term in KEPT)] == []


PREFIX = "/aws/lambda/acme-"


def _catalogue_groups(count: int) -> dict[str, list[LogEvent]]:
    return {f"{PREFIX}{i:03d}": [_start(i, i)] for i in range(count)}


def test_the_source_query_selects_the_groups_by_prefix_and_names_none() -> None:
    assert query(10, ["/aws/lambda/acme-", "/aws/lambda/b-"]) == (
        "SOURCE logGroups(namePrefix: ['/aws/lambda/acme-', '/aws/lambda/b-']) | " + query(10)
    )
    with pytest.raises(ValueError, match="at most 5 prefixes"):
        InsightsReads(FakeInsights(), prefixes=[f"/p{i}" for i in range(6)])


def test_many_groups_under_the_prefix_take_one_query_without_a_strangers_rows() -> None:
    ours = _catalogue_groups(120)
    # Another team's group under the same prefix, and one of ours elsewhere (function: <ARN>).
    stranger = {"/aws/lambda/acme-ops-billing": [_start(900, 1), _start(901, 2)]}
    elsewhere = {"/aws/lambda/legacy-export": [_start(902, 3)]}
    fake = FakeInsights({**ours, **stranger, **elsewhere})
    reads = [LogRead(g, T0 - 1000, T0 + 1000) for g in [*ours, *elsewhere]]

    found = _reads(fake, prefixes=[PREFIX]).read_all(reads)

    assert found == {r: fake.groups[r.log_group] for r in reads}
    assert fake.started == [
        ((), T0 // 1000 - 1, T0 // 1000 + 1),
        (("/aws/lambda/legacy-export",), T0 // 1000 - 1, T0 // 1000 + 1),
    ]
    assert fake.calls.count("StartQuery") == 2 and fake.calls.count("GetQueryResults") == 2


def test_groups_one_listed_query_covers_are_listed_even_under_the_prefix() -> None:
    ours = _catalogue_groups(50)
    fake = FakeInsights(ours)

    _reads(fake, prefixes=[PREFIX]).read_all([LogRead(g, T0, T0 + 1000) for g in ours])

    assert [len(groups) for groups, _, _ in fake.started] == [50]
    assert not any(q.startswith("SOURCE") for q in fake.queries)


def test_a_selection_is_paged_by_time_and_a_strangers_lines_only_take_room() -> None:
    ours = {f"{PREFIX}{i:03d}": [_start(i, 500 * i)] for i in range(60)}  # two a second
    stranger = {f"{PREFIX}ops-x": [_start(999, 500 * i + 250) for i in range(60)]}
    fake = FakeInsights({**ours, **stranger})
    reads = [LogRead(g, T0, T0 + 30_000) for g in ours]

    found = _reads(fake, prefixes=[PREFIX], row_limit=25).read_all(reads)

    assert found == {r: ours[r.log_group] for r in reads}
    # 120 lines, 25 a page, each page from its last line's second (which it repeats).
    assert [start - T0 // 1000 for _, start, _ in fake.started] == [0, 6, 12, 18, 24]


def test_an_endpoint_that_refuses_source_is_read_by_listed_groups_quietly() -> None:
    ours = _catalogue_groups(120)
    fake = FakeInsights(ours, source=False)
    reads = [LogRead(g, T0 - 1000, T0 + 1000) for g in ours]
    insights = _reads(fake, prefixes=[PREFIX])

    assert insights.read_all(reads) == {r: ours[r.log_group] for r in reads}
    assert [len(groups) for groups, _, _ in fake.started] == [0, 50, 50, 20]
    # Refused once, it is not asked again.
    assert insights.read_all(reads) == {r: ours[r.log_group] for r in reads}
    assert [len(groups) for groups, _, _ in fake.started[4:]] == [50, 50, 20]


def test_a_source_query_that_fails_is_read_by_listed_groups() -> None:
    class FailingSource(FakeInsights):
        def query_results(self, query_id: str):  # type: ignore[no-untyped-def]
            from scheduler.ports import QueryPage

            if self.queries[int(query_id.removeprefix("q-"))].startswith("SOURCE"):
                return QueryPage("Failed")
            return super().query_results(query_id)

    ours = _catalogue_groups(60)
    reads = [LogRead(g, T0 - 1000, T0 + 1000) for g in ours]
    fake = FailingSource(ours)

    assert _reads(fake, prefixes=[PREFIX]).read_all(reads) == {r: ours[r.log_group] for r in reads}
    assert [len(groups) for groups, _, _ in fake.started] == [0, 50, 10]


def test_a_selection_holding_more_than_a_page_in_one_second_is_read_by_listed_groups() -> None:
    crowded = {f"{PREFIX}{i:03d}": [_start(i, j) for j in range(4)] for i in range(6)}
    reads = [LogRead(g, T0, T0 + 1000) for g in crowded]
    fake = FakeInsights(crowded)

    found = _reads(fake, prefixes=[PREFIX], group_limit=2, row_limit=10).read_all(reads)

    assert found == {r: crowded[r.log_group] for r in reads}
    # A first page, a second from the same second with nothing new, then the groups listed.
    assert [len(groups) for groups, _, _ in fake.started] == [0, 0, 2, 2, 2]


class _Clocks:
    """A simulated clock for each thread: `sleep` advances the calling thread's own."""

    def __init__(self) -> None:
        self.local = threading.local()

    def now(self) -> float:
        return float(getattr(self.local, "now", 0.0))

    def sleep(self, seconds: float) -> None:
        self.local.now = self.now() + seconds


def test_a_week_of_two_thousand_jobs_is_read_in_planned_windows_polled_once_each() -> None:
    """Pages planned from the fires: none overflows, the queries run at once, and once the first
    has shown how long a query takes (3 s here), every other is polled once."""
    day, minute = 24 * 3600 * 1000, 60_000
    groups: dict[str, list[LogEvent]] = {}
    reads = []
    for i in range(2000):
        group = f"{PREFIX}{i:04d}"
        fires = tuple(T0 + d * day + (i % 1440) * minute for d in range(8))
        groups[group] = [
            LogEvent(fire + 350 + line * 7000, f"START RequestId: {i}-{k}-{line}\n", "s")
            for k, fire in enumerate(fires)
            for line in range(5)
        ]
        reads.append(LogRead(group, T0, T0 + 8 * day, fires_ms=fires))
    clocks = _Clocks()
    fake = FakeInsights(groups, takes_s=3.0, clock=clocks.now)

    found = InsightsReads(
        fake, prefixes=[PREFIX], sleep=clocks.sleep, clock=clocks.now, concurrency=4
    ).read_all(reads)

    assert found == {r: groups[r.log_group] for r in reads}
    planned = windows(reads, T0, T0 + 8 * day, 10_000)
    assert len(planned) == 9  # 80,000 lines, at most 9,000 planned a page
    assert sorted(start for _, start, _ in fake.started) == [low // 1000 for low, _ in planned]
    assert fake.calls.count("GetQueryResults") == len(planned) + 2  # the first: 0.5, 1.5, 3.5 s


def test_more_groups_than_a_selection_covers_are_split_by_longer_prefixes() -> None:
    ours = [f"{PREFIX}job-{i:04d}" for i in range(10_000)]

    chosen = selections([PREFIX], ours)

    assert [s.prefixes for s in chosen] == [
        tuple(f"{PREFIX}job-{d}" for d in range(5)),
        tuple(f"{PREFIX}job-{d}" for d in range(5, 10)),
    ]
    assert [len(s.groups) for s in chosen] == [5000, 5000]
    assert sorted(g for s in chosen for g in s.groups) == ours
    assert selections([PREFIX], ours[:40]) == [_Sourced((PREFIX,), tuple(ours[:40]))]


def test_ten_thousand_groups_beside_strangers_are_read_without_a_refusal() -> None:
    """SOURCE selects at most 10,000 groups: 10,000 jobs and another catalogue's under the
    prefix would be refused as one selection."""
    ours = {f"{PREFIX}job-{i:04d}": [_start(i, i % 1000)] for i in range(10_000)}
    strangers = {f"{PREFIX}ops-{i:03d}": [_start(i, 1)] for i in range(200)}
    fake = FakeInsights({**ours, **strangers})
    reads = [LogRead(g, T0, T0 + 1000) for g in ours]

    found = _reads(fake, prefixes=[PREFIX]).read_all(reads)

    assert found == {r: ours[r.log_group] for r in reads}
    assert [groups for groups, _, _ in fake.started] == [(), ()]
    assert all(q.count("'/aws/lambda/acme-job-") == 5 for q in fake.queries)


def test_a_refused_selection_costs_one_call_more_than_listing_from_the_start() -> None:
    """Planned in many windows, the refused selection is re-read listed once, not per window."""
    ours = _catalogue_groups(120)
    reads = [LogRead(g, T0, T0 + 3600_000, fires_ms=(T0 + 60_000 * (i % 60),))
             for i, g in enumerate(ours)]  # fmt: skip
    refusing, listing = FakeInsights(ours, source=False), FakeInsights(ours)

    found = _reads(refusing, prefixes=[PREFIX], row_limit=100).read_all(reads)

    assert found == _reads(listing, row_limit=100).read_all(reads)
    assert sum(q.startswith("SOURCE") for q in refusing.queries) == 1
    assert len(refusing.calls) == len(listing.calls) + 1


def test_a_refused_selection_beside_listed_groups_reads_both_listed() -> None:
    # A `function:` job's or a pre-move group outside the prefix is a listed target beside
    # the selection; the selection's refusal must not trip over it.
    ours = _catalogue_groups(60)
    elsewhere = {"/aws/lambda/legacy-export": [_start(902, 3)]}
    fake = FakeInsights({**ours, **elsewhere}, source=False)
    reads = [LogRead(g, T0 - 1000, T0 + 1000) for g in [*ours, *elsewhere]]

    found = _reads(fake, prefixes=[PREFIX]).read_all(reads)

    assert found == {r: fake.groups[r.log_group] for r in reads}
    assert sorted(len(groups) for groups, _, _ in fake.started) == [0, 1, 10, 50]


class _LinkedAccount(FakeInsights):
    """A monitoring account: a SOURCE query also returns a linked account's groups."""

    linked: ClassVar[set[str]] = set()

    def query_results(self, query_id: str) -> QueryPage:
        page = super().query_results(query_id)
        rows = tuple(
            {**row, "@log": row["@log"].replace(f"{ACCOUNT}:", "210987654321:")}
            if row.get("@log", "").split(":", 1)[-1] in self.linked
            else row
            for row in page.rows
        )
        return QueryPage(page.status, rows)


def test_a_linked_accounts_rows_under_the_same_names_are_left_out() -> None:
    ours = _catalogue_groups(60)
    theirs = {f"{PREFIX}{i:03d}-staging": [_start(800 + i, 5)] for i in range(3)}
    fake = _LinkedAccount({**ours, **theirs})
    fake.linked = set(theirs)
    # The other account's groups bear names this account also reads.
    reads = [LogRead(g, T0 - 1000, T0 + 1000) for g in [*ours, *theirs]]

    found = _reads(fake, prefixes=[PREFIX], account=ACCOUNT).read_all(reads)

    assert found == {r: ours.get(r.log_group, []) for r in reads}
    assert found[reads[-1]] == []
    # Without an account to keep to (moto names none), every row is kept as before.
    assert _reads(fake, prefixes=[PREFIX]).read_all(reads)[reads[-1]] == theirs[reads[-1].log_group]
