"""The history and status formatters (exact text in 100 columns, JSON and CSV), and the lines of
local runs and ticks."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest
from run_fakes import FakeLogs
from run_scenario import NOW, WINDOW, scenario_catalogue, scenario_logs
from run_support import at, catalogue, group, job, run_events

from scheduler.history import RunStatus
from scheduler.history.model import RunOutcome
from scheduler.history.read import History, history_for
from scheduler.history.status import status_for
from scheduler.report import history as history_report
from scheduler.report import status as status_report
from scheduler.report.history import human_duration
from scheduler.report.runs import outcome_line, tick_summary

SINCE = at("2026-11-22T00:00:00")

HISTORY_TEXT = """\
JOB             SCHEDULED        STARTED   STATUS     DURATION    ERROR
nightly-export  11-22 01:30 CET  01:30:00  succeeded  2m05s / 3m
nightly-export  11-23 01:30 CET  01:30:00  succeeded  2m06s / 3m
log-backup      11-23 02:00 UTC  02:00:00  failed     2s / 5m     ValueError: bucket app-logs not f…
nightly-export  11-24 01:30 CET  01:30:00  succeeded  2m07s / 3m
nightly-export  11-25 01:30 CET  -         missed     -
tmp-cleanup     11-25 05:17 UTC  05:17:00  succeeded  12s / 30s
tmp-cleanup     11-25 06:17 UTC  06:17:00  succeeded  13s / 30s
tmp-cleanup     11-25 07:17 UTC  07:17:00  succeeded  14s / 30s

8 runs: 6 succeeded, 1 failed, 1 missed
note: tmp-cleanup: rate(1 hour) counts from its deployment, which the logs do not show; misses are
  counted from the first logged run (2026-11-25 05:17 UTC)
note: search-reindex: runs on Fargate: sched reads Lambda logs only, so its runs are not tracked
note: old-job: disabled: no runs expected"""

STATUS_TEXT = """\
  JOB             STATE        LAST RUN            SUCCESS    P50    P95  EXPECTED  HEADROOM
✗ log-backup      failed 2/4   11-23 02:00 failed      50%     2s  4m30s        5m     5m30s
    next Mon 2026-11-30 02:00 UTC · at 02:00, only on Monday · uses 80 of 256 MB
    last run failed: ValueError; 2 failed
! nightly-export  missed 1/28  11-25 01:30 missed      96%  1m54s  2m06s        3m     7m53s
    next Thu 2026-11-26 01:30 CET (00:30 UTC) · at 01:30 every day · uses 80 of 256 MB
    run due 2026-11-25 00:30 UTC did not happen; 1 missed
✓ monthly-report  ok           11-01 08:00 ok         100%  1m35s  1m35s        2m     8m25s
    next Tue 2026-12-01 08:00 EST (13:00 UTC) · at 08:00 on day 1 of the month · uses 80 of 256 MB
✓ tmp-cleanup     ok           11-25 07:17 ok         100%    13s    14s       30s     9m46s
    next Wed 2026-11-25 08:17 UTC · every hour · uses 80 of 256 MB
    note: rate(1 hour) counts from its deployment, which the logs do not show; misses are counted
      from the first logged run (2026-11-25 05:17 UTC)
· old-job         disabled     -                         -      -      -        5m         -
    disabled · at 04:00 every day
- search-reindex  not tracked  -                         -      -      -         -         -
    next Sun 2026-11-29 03:00 UTC · at 03:00, only on Sunday
    note: runs on Fargate: sched reads Lambda logs only, so its runs are not tracked

HEADROOM: what the slowest run left of the function's timeout (its timeout:)"""


def scenario_history() -> History:
    return history_for(scenario_catalogue(), scenario_logs(), now=NOW, since=SINCE)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0s"),
        (0.412, "412ms"),
        (1.4, "1.4s"),
        (2.0, "2s"),
        (42.4, "42s"),
        (59.6, "1m"),
        (252, "4m12s"),
        (300, "5m"),
        (3900, "1h05m"),
        (90000, "1d01h"),
        (-65, "-1m05s"),
    ],
)
def test_human_durations(seconds: float, text: str) -> None:
    assert human_duration(timedelta(seconds=seconds)) == text


def test_history_text_is_a_table_in_each_jobs_zone_within_100_columns() -> None:
    text = history_report.to_text(scenario_history())
    assert text == HISTORY_TEXT
    assert max(len(line) for line in text.splitlines()) <= 100


def test_history_text_colours_only_the_status() -> None:
    lines = history_report.to_text(scenario_history(), colour=True).splitlines()
    assert lines[3] == (
        "log-backup      11-23 02:00 UTC  02:00:00  \x1b[31mfailed   \x1b[0m  2s / 5m     "
        "ValueError: bucket app-logs not f…"
    )
    assert lines[5] == "nightly-export  11-25 01:30 CET  -         \x1b[33mmissed   \x1b[0m  -"


def test_history_text_of_late_manual_and_overrunning_runs_across_days() -> None:
    daily = job("daily", "cron(30 23 * * ? *)", expected_runtime=timedelta(minutes=1))
    logs = FakeLogs(
        {
            group("daily"): [
                *run_events(
                    "daily",
                    at("2026-11-24T23:30:00"),
                    request_id="late-1",
                    delay=timedelta(minutes=31),
                    duration=timedelta(minutes=2),
                ),
                *run_events(
                    "daily",
                    None,
                    request_id="manual-1",
                    trigger="manual",
                    start=at("2026-11-25T07:00:00"),
                    duration=timedelta(seconds=3),
                ),
            ]
        }
    )
    history = history_for(catalogue(daily), logs, now=NOW, since=at("2026-11-24T12:00:00"))
    assert history_report.to_text(history) == (
        "JOB    SCHEDULED        STARTED         STATUS           DURATION   ERROR\n"
        "daily  11-24 23:30 UTC  11-25 00:01:00  succeeded, late  2m / 1m !\n"
        "daily  manual           11-25 07:00:00  succeeded        3s / 1m\n"
        "\n"
        "2 runs: 2 succeeded, 1 late"
    )


def test_history_text_says_under_a_refused_run_which_permissions_entry_would_allow_it() -> None:
    daily = job("daily", "cron(0 2 * * ? *)", expected_runtime=timedelta(minutes=1))
    denied = (
        "AccessDenied",
        "User: arn:aws:sts::123456789012:assumed-role/acme-ops-daily/x is not authorized to"
        ' perform: s3:PutObject on resource: "arn:aws:s3:::acme-backup/k" because no'
        " identity-based policy allows the s3:PutObject action",
    )
    logs = FakeLogs(
        {
            group("daily"): [
                *run_events(
                    "daily",
                    at("2026-11-24T02:00:00"),
                    request_id="denied-1",
                    duration=timedelta(seconds=2),
                    status="failed",
                    error=denied,
                ),
                *run_events(
                    "daily",
                    at("2026-11-25T02:00:00"),
                    request_id="other-1",
                    duration=timedelta(seconds=2),
                    status="failed",
                    error=("ValueError", "no such bucket"),
                ),
            ]
        }
    )
    history = history_for(catalogue(daily), logs, now=NOW, since=at("2026-11-24T00:00:00"))
    assert history_report.to_text(history, width=100) == (
        "JOB    SCHEDULED        STARTED   STATUS  DURATION  ERROR\n"
        "daily  11-24 02:00 UTC  02:00:00  failed  2s / 1m   AccessDenied: User:"
        " arn:aws:sts::123456789012:a…\n"
        "  hint: its role does not allow s3:PutObject; add to its permissions: - S3WritePolicy:"
        " {BucketName:\n"
        "    acme-backup}\n"
        "daily  11-25 02:00 UTC  02:00:00  failed  2s / 1m   ValueError: no such bucket\n"
        "\n"
        "2 runs: 2 failed"
    )


def test_history_text_with_no_runs() -> None:
    empty = history_for(catalogue(), FakeLogs(), now=NOW, since=SINCE)
    assert history_report.to_text(empty) == (
        "no runs from 2026-11-22 00:00 UTC to 2026-11-25 08:00 UTC"
    )


def test_history_json() -> None:
    document = json.loads(history_report.to_json(scenario_history()))
    assert (document["since"], document["until"]) == (
        "2026-11-22T00:00:00Z",
        "2026-11-25T08:00:00Z",
    )
    assert [(r["job"], r["status"], r["timezone"]) for r in document["runs"]] == [
        ("nightly-export", "succeeded", "Europe/Paris"),
        ("nightly-export", "succeeded", "Europe/Paris"),
        ("log-backup", "failed", "UTC"),
        ("nightly-export", "succeeded", "Europe/Paris"),
        ("nightly-export", "missed", "Europe/Paris"),
        ("tmp-cleanup", "succeeded", "UTC"),
        ("tmp-cleanup", "succeeded", "UTC"),
        ("tmp-cleanup", "succeeded", "UTC"),
    ]
    assert document["runs"][2] == {
        "job": "log-backup",
        "request_id": "b-4",
        "status": "failed",
        "scheduled_time": "2026-11-23T02:00:00.000Z",
        "start": "2026-11-23T02:00:00.400Z",
        "end": "2026-11-23T02:00:02.405Z",
        "duration_ms": 2005,
        "billed_duration_ms": 2006,
        "init_duration_ms": None,
        "memory_size_mb": 256,
        "max_memory_used_mb": 80,
        "error_type": "ValueError",
        "error_message": "bucket app-logs not found",
        "attempt": 1,
        "trigger": "rule",
        "late": False,
        "delay_ms": 400,
        "log_stream": "2026/11/23/[$LATEST]00000000000000000000000000000b-4",
        "function_version": None,
        "timezone": "UTC",
    }
    assert document["notes"] == [
        {
            "job": "tmp-cleanup",
            "tracked": True,
            "note": "rate(1 hour) counts from its deployment, which the logs do not show; misses"
            " are counted from the first logged run (2026-11-25 05:17 UTC)",
        },
        {
            "job": "search-reindex",
            "tracked": False,
            "note": "runs on Fargate: sched reads Lambda logs only, so its runs are not tracked",
        },
        {"job": "old-job", "tracked": True, "note": "disabled: no runs expected"},
    ]


def test_history_csv() -> None:
    text = history_report.to_csv(scenario_history())
    lines = text.splitlines()
    assert lines[0] == (
        "job,request_id,status,scheduled_time,start,end,duration_ms,billed_duration_ms,"
        "init_duration_ms,memory_size_mb,max_memory_used_mb,error_type,error_message,attempt,"
        "trigger,late,delay_ms,log_stream,function_version,timezone"
    )
    assert lines[3] == (
        "log-backup,b-4,failed,2026-11-23T02:00:00.000Z,2026-11-23T02:00:00.400Z,"
        "2026-11-23T02:00:02.405Z,2005,2006,,256,80,ValueError,bucket app-logs not found,1,rule,"
        "false,400,2026/11/23/[$LATEST]00000000000000000000000000000b-4,,UTC"
    )
    assert (
        lines[5]
        == "nightly-export,,missed,2026-11-25T00:30:00.000Z,,,,,,,,,,,,false,,,,Europe/Paris"
    )
    assert len(list(csv.reader(io.StringIO(text)))) == 9


def test_status_text_puts_jobs_needing_attention_first_within_100_columns() -> None:
    rows = status_for(scenario_catalogue(), scenario_logs(), now=NOW, window=WINDOW)
    text = status_report.to_text(rows)
    assert text == STATUS_TEXT
    assert max(len(line) for line in text.splitlines()) <= 100


def test_status_text_colours_the_mark_and_the_state() -> None:
    rows = status_for(scenario_catalogue(), scenario_logs(), now=NOW, window=WINDOW)
    lines = status_report.to_text(rows, colour=True).splitlines()
    assert lines[1] == (
        "\x1b[31m✗\x1b[0m log-backup      \x1b[31mfailed 2/4 \x1b[0m  11-23 02:00 failed"
        "      50%     2s  4m30s        5m     5m30s"
    )


def test_status_json_for_dashboards() -> None:
    rows = status_for(scenario_catalogue(), scenario_logs(), now=NOW, window=WINDOW)
    document = json.loads(status_report.to_json(rows))
    assert document["needs_attention"] is True
    assert [(j["job"], j["attention"], j["state"]) for j in document["jobs"]] == [
        ("log-backup", "failing", "failed 2/4"),
        ("nightly-export", "missing", "missed 1/28"),
        ("monthly-report", "healthy", "ok"),
        ("tmp-cleanup", "healthy", "ok"),
        ("old-job", "no-runs", "disabled"),
        ("search-reindex", "not-tracked", "not tracked"),
    ]
    export = document["jobs"][1]
    assert {k: v for k, v in export.items() if k != "status"} == {
        "job": "nightly-export",
        "attention": "missing",
        "state": "missed 1/28",
        "tracked": True,
        "enabled": True,
        "deployed": True,
        "schedule": "30 1 * * *",
        "description": "at 01:30 every day",
        "timezone": "Europe/Paris",
        "next_run": {"utc": "2026-11-26T00:30:00Z", "local": "2026-11-26T01:30:00+01:00"},
        "timeout_ms": 600000,
        "note": None,
        "skipped": {"malformed": 0, "unbound": 0, "repeated": 0, "unattributed": 0},
    }
    status = export["status"]
    assert (status["runs"], status["succeeded"], status["missed"]) == (28, 27, 1)
    assert (status["p50_duration_ms"], status["p95_duration_ms"]) == (114005, 126005)
    assert status["headroom_limit_ms"] == 472995
    assert document["jobs"][5]["status"] is None


def test_right_after_a_deployment_status_and_history_explain_why_nothing_is_missed() -> None:
    daily = job("daily", "cron(0 2 * * ? *)")
    monthly = job("monthly", "cron(0 8 1 * ? *)")
    cat = catalogue(daily, monthly)
    deployed = {"daily": at("2026-11-25T07:59:00"), "monthly": at("2026-11-25T07:59:00")}
    rows = status_for(cat, FakeLogs(), now=NOW, deployed=deployed)
    assert status_report.to_text(rows) == (
        "  JOB      STATE    LAST RUN  SUCCESS  P50  P95  EXPECTED  HEADROOM\n"
        "· daily    no runs  -               -    -    -        5m         -\n"
        "    next Thu 2026-11-26 02:00 UTC · at 02:00 every day\n"
        "    note: deployed 2026-11-25 07:59 UTC; earlier fires are not expected\n"
        "· monthly  no runs  -               -    -    -        5m         -\n"
        "    next Tue 2026-12-01 08:00 UTC · at 08:00 on day 1 of the month\n"
        "\n"
        "HEADROOM: what the slowest run left of the function's timeout (its timeout:)"
    )
    history = history_for(cat, FakeLogs(), now=NOW, since=SINCE, deployed=deployed)
    assert history_report.to_text(history) == (
        "no runs from 2026-11-22 00:00 UTC to 2026-11-25 08:00 UTC\n"
        "note: daily: deployed 2026-11-25 07:59 UTC; earlier fires are not expected"
    )


def outcome(
    name: str,
    status: RunStatus = RunStatus.SUCCEEDED,
    seconds: float = 1.2,
    error: tuple[str | None, str | None] = (None, None),
) -> RunOutcome:
    start = at("2026-11-25T02:00:00")
    return RunOutcome(
        job=name,
        request_id=f"{name}-1",
        status=status,
        scheduled_time=start,
        start=start,
        end=start + timedelta(seconds=seconds),
        duration=timedelta(seconds=seconds),
        error_type=error[0],
        error_message=error[1],
        record={},
        result=None,
        log_group=group(name),
        log_stream="s",
        events=(),
    )


def test_outcome_line_of_a_success_is_one_line_against_expected_and_lambdas_limit() -> None:
    backup = job("log-backup", "cron(0 2 ? * MON *)")
    assert outcome_line(outcome("log-backup"), backup) == (
        "log-backup: succeeded in 1.2s (0% of expected 5m, 0.1% of Lambda's 15m)"
    )
    assert outcome_line(outcome("log-backup", seconds=450), backup) == (
        "log-backup: succeeded in 7m30s (150% of expected 5m, 50.0% of Lambda's 15m)"
    )


def test_outcome_line_of_a_failure_adds_the_error() -> None:
    backup = job("log-backup", "cron(0 2 ? * MON *)", expected_runtime=timedelta(seconds=90))
    failed = outcome("log-backup", RunStatus.FAILED, 3, ("ValueError", "bucket app-logs not found"))
    assert outcome_line(failed, backup) == (
        "log-backup: failed in 3s (3% of expected 1m30s, 0.3% of Lambda's 15m)\n"
        "  error: ValueError: bucket app-logs not found"
    )
    timed_out = outcome(
        "log-backup",
        RunStatus.TIMED_OUT,
        600,
        ("TimeoutError", "Task timed out after 600.00 seconds"),
    )
    assert outcome_line(timed_out, backup).splitlines() == [
        "log-backup: timed out in 10m (667% of expected 1m30s, 66.7% of Lambda's 15m)",
        "  error: TimeoutError: Task timed out after 600.00 seconds",
    ]
    bare = outcome("log-backup", RunStatus.FAILED, 3, ("KeyError", None))
    assert outcome_line(bare, backup).splitlines()[1] == "  error: KeyError"
    hostile = outcome("log-backup", RunStatus.FAILED, 3, ("E\x1b[2J", "a\x9b\u202eb\nc"))
    assert outcome_line(hostile, backup).splitlines()[1] == "  error: E[2J: ab c"


def test_tick_summary_has_a_line_per_job_then_skipped_jobs_then_the_total() -> None:
    runs = [
        *(outcome("tmp-cleanup", RunStatus.FAILED, error=("NoSuchBucket", "x")) for _ in range(24)),
        *(outcome("role-canary") for _ in range(96)),
        outcome("once"),
        outcome("mixed"),
        outcome("mixed", RunStatus.FAILED, error=("KeyError", "a")),
        outcome("mixed", RunStatus.FAILED, error=("ValueError", "b")),
        outcome("mixed", RunStatus.FAILED, error=("ValueError", "c")),
        outcome("mixed", RunStatus.TIMED_OUT, error=("TimeoutError", "t")),
    ]
    assert tick_summary(runs, ["reindex"]) == (
        "mixed: 5 runs, 1 succeeded, 3 failed (ValueError, KeyError), 1 timed out\n"
        "once: 1 run, succeeded\n"
        "role-canary: 96 runs, all succeeded\n"
        "tmp-cleanup: 24 runs, 24 failed (NoSuchBucket)\n"
        "reindex: skipped, not deployed to the local AWS\n"
        "126 runs, 28 failed; 1 job skipped"
    )
    assert tick_summary([outcome("once")]) == "once: 1 run, succeeded\n1 run, 0 failed"


def test_history_notes_one_fact_once_naming_every_job_it_is_about() -> None:
    cat = catalogue(job("daily", "cron(0 2 * * ? *)"), job("nightly", "cron(0 3 * * ? *)"))
    deployed = {"daily": at("2026-11-25T07:59:00"), "nightly": at("2026-11-25T07:59:00")}
    history = history_for(cat, FakeLogs(), now=NOW, since=SINCE, deployed=deployed)
    assert history_report.to_text(history) == (
        "no runs from 2026-11-22 00:00 UTC to 2026-11-25 08:00 UTC\n"
        "note: daily, nightly: deployed 2026-11-25 07:59 UTC; earlier fires are not expected"
    )


def test_history_filtered_by_status_notes_only_the_jobs_it_shows() -> None:
    history = history_for(
        scenario_catalogue(), scenario_logs(), now=NOW, since=SINCE, statuses=["failed"]
    )
    assert history_report.to_text(history) == (
        "JOB         SCHEDULED        STARTED   STATUS  DURATION  ERROR\n"
        "log-backup  11-23 02:00 UTC  02:00:00  failed  2s / 5m   ValueError: bucket app-logs not "
        "found\n"
        "\n"
        "1 run: 1 failed"
    )
