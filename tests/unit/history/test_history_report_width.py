"""The history and status tables sized to the terminal: at 80 columns no line is longer (columns
are left out, in a fixed order, and the error is clipped), at 120 the error is whole."""

from __future__ import annotations

import pytest
from run_scenario import NOW, WINDOW, scenario_catalogue, scenario_logs
from run_support import at
from test_history_report import HISTORY_TEXT, STATUS_TEXT

from scheduler.history.read import History, history_for
from scheduler.history.status import StatusRow, status_for
from scheduler.report import history as history_report
from scheduler.report import status as status_report

HISTORY_AT_80 = """\
JOB             SCHEDULED        STATUS     DURATION    ERROR
nightly-export  11-22 01:30 CET  succeeded  2m05s / 3m
nightly-export  11-23 01:30 CET  succeeded  2m06s / 3m
log-backup      11-23 02:00 UTC  failed     2s / 5m     ValueError: bucket app-…
nightly-export  11-24 01:30 CET  succeeded  2m07s / 3m
nightly-export  11-25 01:30 CET  missed     -
tmp-cleanup     11-25 05:17 UTC  succeeded  12s / 30s
tmp-cleanup     11-25 06:17 UTC  succeeded  13s / 30s
tmp-cleanup     11-25 07:17 UTC  succeeded  14s / 30s

8 runs: 6 succeeded, 1 failed, 1 missed
note: tmp-cleanup: rate(1 hour) counts from its deployment, which the logs do
  not show; misses are counted from the first logged run (2026-11-25 05:17 UTC)
note: search-reindex: runs on Fargate: sched reads Lambda logs only, so its runs
  are not tracked
note: old-job: disabled: no runs expected"""

STATUS_AT_80 = """\
  JOB             STATE        LAST RUN              P95  EXPECTED  HEADROOM
✗ log-backup      failed 2/4   11-23 02:00 failed  4m30s        5m     5m30s
    next Mon 2026-11-30 02:00 UTC · at 02:00, only on Monday · uses 80 of 256 MB
    last run failed: ValueError; 2 failed
! nightly-export  missed 1/28  11-25 01:30 missed  2m06s        3m     7m53s
    next Thu 2026-11-26 01:30 CET (00:30 UTC) · at 01:30 every day · uses 80 of
      256 MB
    run due 2026-11-25 00:30 UTC did not happen; 1 missed
✓ monthly-report  ok           11-01 08:00 ok      1m35s        2m     8m25s
    next Tue 2026-12-01 08:00 EST (13:00 UTC) · at 08:00 on day 1 of the month ·
      uses 80 of 256 MB
✓ tmp-cleanup     ok           11-25 07:17 ok        14s       30s     9m46s
    next Wed 2026-11-25 08:17 UTC · every hour · uses 80 of 256 MB
    note: rate(1 hour) counts from its deployment, which the logs do not show;
      misses are counted from the first logged run (2026-11-25 05:17 UTC)
· old-job         disabled     -                       -        5m         -
    disabled · at 04:00 every day
- search-reindex  not tracked  -                       -         -         -
    next Sun 2026-11-29 03:00 UTC · at 03:00, only on Sunday
    note: runs on Fargate: sched reads Lambda logs only, so its runs are not
      tracked

HEADROOM: what the slowest run left of the function's timeout (its timeout:)"""

ERROR_AT_120 = (
    "log-backup      11-23 02:00 UTC  02:00:00  failed     2s / 5m     "
    "ValueError: bucket app-logs not found"
)


def history() -> History:
    return history_for(scenario_catalogue(), scenario_logs(), now=NOW, since=at("2026-11-22"))


def rows() -> list[StatusRow]:
    return status_for(scenario_catalogue(), scenario_logs(), now=NOW, window=WINDOW)


def _widest(text: str) -> int:
    return max(len(line) for line in text.splitlines())


def test_history_at_80_columns_leaves_out_started_and_clips_the_error() -> None:
    text = history_report.to_text(history(), width=80)
    assert text == HISTORY_AT_80
    assert _widest(text) == 80


def test_history_at_120_columns_shows_the_error_cut_at_100() -> None:
    at_100 = history_report.to_text(history()).splitlines()
    assert at_100[3].endswith("ValueError: bucket app-logs not f…")
    lines = history_report.to_text(history(), width=120).splitlines()
    assert lines[3] == ERROR_AT_120
    assert lines[:11] == [*HISTORY_TEXT.splitlines()[:3], ERROR_AT_120, *at_100[4:11]]
    assert lines[11:] == [
        "note: tmp-cleanup: rate(1 hour) counts from its deployment, which the logs do not show;"
        " misses are counted from the",
        "  first logged run (2026-11-25 05:17 UTC)",
        "note: search-reindex: runs on Fargate: sched reads Lambda logs only, so its runs are not"
        " tracked",
        "note: old-job: disabled: no runs expected",
    ]
    assert _widest("\n".join(lines)) <= 120


def test_status_at_80_columns_leaves_out_p50_and_success() -> None:
    text = status_report.to_text(rows(), width=80)
    assert text == STATUS_AT_80
    assert _widest(text) <= 80


def test_status_at_120_columns_keeps_every_column_and_wraps_notes_later() -> None:
    lines = status_report.to_text(rows(), width=120).splitlines()
    table = [line for line in lines if not line.startswith("    ")]
    assert table == [line for line in STATUS_TEXT.splitlines() if not line.startswith("    ")]
    assert lines[11:13] == [
        "    note: rate(1 hour) counts from its deployment, which the logs do not show; misses are"
        " counted from the first logged",
        "      run (2026-11-25 05:17 UTC)",
    ]
    assert _widest("\n".join(lines)) <= 120


@pytest.mark.parametrize("width", [60, 70, 80, 90, 100, 110, 120])
def test_no_line_of_either_table_is_wider_than_the_width(width: int) -> None:
    assert _widest(history_report.to_text(history(), width=width)) <= width
    assert _widest(status_report.to_text(rows(), width=width)) <= width


def test_colour_survives_a_column_left_out() -> None:
    lines = history_report.to_text(history(), colour=True, width=80).splitlines()
    assert lines[5] == "nightly-export  11-25 01:30 CET  \x1b[33mmissed   \x1b[0m  -"
    lines = status_report.to_text(rows(), colour=True, width=80).splitlines()
    assert lines[1] == (
        "\x1b[31m✗\x1b[0m log-backup      \x1b[31mfailed 2/4 \x1b[0m  11-23 02:00 failed"
        "  4m30s        5m     5m30s"
    )
