"""Each run says which published version of the function ran: the wrapper's `function_version`,
else the version Lambda names in the log stream (`YYYY/MM/DD/[7]...`)."""

from __future__ import annotations

import json

from history_support import at
from run_fakes import FakeLogs
from run_support import catalogue, group, job, run_events

from scheduler.history.collect import Binding
from scheduler.history.read import history_for
from scheduler.history.reconstruct import reconstruct
from scheduler.ports import LogEvent
from scheduler.report import history as history_report

NOW = at("2026-11-24T02:05:00")


def events(stream: str, line_version: str | None) -> list[LogEvent]:
    line = {
        "sched": "run",
        "v": 1,
        "job": "log-backup",
        "catalogue": "acme-ops",
        "trigger": "rule",
        "trigger_id": "ev",
        "scheduled_time": "2026-11-23T02:00:00Z",
        "attempt": None,
        "request_id": "req-1",
        "start": "2026-11-23T02:00:01.000Z",
        "end": "2026-11-23T02:00:02.000Z",
        "duration_ms": 1000.0,
        "status": "succeeded",
        "error_type": None,
        "error_message": None,
        "expected_runtime_ms": 300000,
        "overran": False,
    }
    if line_version is not None:
        line["function_version"] = line_version
    t = int(at("2026-11-23T02:00:01").timestamp() * 1000)
    return [
        LogEvent(t, "START RequestId: req-1 Version: 4\n", stream),
        LogEvent(t + 1000, json.dumps(line) + "\n", stream),
        LogEvent(t + 1005, "END RequestId: req-1\n", stream),
    ]


def version_of(stream: str, line_version: str | None) -> str | None:
    (run,) = reconstruct(events(stream, line_version), "log-backup", now=NOW).runs
    return run.function_version


def test_the_wrapper_line_names_the_version() -> None:
    assert version_of("2026/11/23/[4]abc", "4") == "4"


def test_without_it_the_log_stream_names_the_published_version() -> None:
    assert version_of("2026/11/23/[12]abc", None) == "12"


def test_latest_from_the_stream_is_no_published_version() -> None:
    assert version_of("2026/11/23/[$LATEST]abc", None) is None


def test_history_shows_a_version_column_when_runs_used_published_versions() -> None:
    logs = FakeLogs(
        {
            group("daily"): [
                *run_events("daily", at("2026-11-23T02:00:00"), request_id="d-23", version="3"),
                *run_events("daily", at("2026-11-24T02:00:00"), request_id="d-24", version="4"),
            ]
        }
    )
    cat = catalogue(job("daily", "cron(0 2 * * ? *)"))
    history = history_for(cat, logs, now=at("2026-11-24T08:00:00"), since=at("2026-11-23T00:00:00"))
    assert history_report.to_text(history) == (
        "JOB    SCHEDULED        STARTED   STATUS     DURATION    VERSION  ERROR\n"
        "daily  11-23 02:00 UTC  02:00:00  succeeded  1m30s / 5m  3\n"
        "daily  11-24 02:00 UTC  02:00:00  succeeded  1m30s / 5m  4\n"
        "\n"
        "2 runs: 2 succeeded"
    )
    assert [r["function_version"] for r in json.loads(history_report.to_json(history))["runs"]] == [
        "3",
        "4",
    ]


def test_after_a_rollback_lines_of_a_kept_version_are_believed() -> None:
    def run_with(deploy: str) -> list[LogEvent]:
        found = events("2026/11/23/[1]abc", "1")
        line = json.loads(found[1].message)
        line["deploy"] = deploy
        return [found[0], LogEvent(found[1].timestamp_ms, json.dumps(line), found[1].log_stream)]

    bound = Binding("d-now", since_ms=0)
    rolled_back = Binding("d-now", since_ms=0, also=frozenset({"d-one"}))
    assert reconstruct(run_with("d-one"), "log-backup", now=NOW, binding=bound).runs == []
    (run,) = reconstruct(run_with("d-one"), "log-backup", now=NOW, binding=rolled_back).runs
    assert run.function_version == "1"
    assert reconstruct(run_with("d-other"), "log-backup", now=NOW, binding=rolled_back).runs == []
