"""What log lines say reaches the user defanged: no control character (escape sequences, C1
controls, bidi overrides) in text or CSV, no CSV cell a spreadsheet runs as a formula, and a
count of the lines history left out."""

from __future__ import annotations

import csv
import io
import json

from run_fakes import FakeLogs
from run_support import at, catalogue, group, job, run_events

from scheduler.history.read import History, history_for
from scheduler.history.status import status_for
from scheduler.ports import LogEvent
from scheduler.report import history as history_report
from scheduler.report import status as status_report
from scheduler.report.style import safe

NOW = at("2026-11-25T08:00:00")
SINCE = at("2026-11-22T00:00:00")
DAILY = job("log-backup", "cron(0 2 * * ? *)")
HOSTILE_TYPE = '=HYPERLINK("http://x")\x1b]0;owned\x07'
HOSTILE_MESSAGE = "\x1b[2J\x1b[31mwiped\x9b1m \u202eevil\u2066 done\r\nnext line"


def hostile_logs(*extra: LogEvent) -> FakeLogs:
    return FakeLogs(
        {
            group("log-backup"): [
                *run_events(
                    "log-backup",
                    at("2026-11-23T02:00:00"),
                    request_id="@cmd-1",
                    status="failed",
                    error=(HOSTILE_TYPE, HOSTILE_MESSAGE),
                ),
                *extra,
            ]
        }
    )


def hostile_history(*extra: LogEvent) -> History:
    return history_for(catalogue(DAILY), hostile_logs(*extra), now=NOW, since=SINCE)


def no_controls(text: str) -> bool:
    return not any(
        (ord(c) < 32 and c != "\n") or 0x7F <= ord(c) <= 0x9F or c in "\u202e\u2066" for c in text
    )


def test_safe_strips_controls_and_keeps_the_words() -> None:
    assert safe(HOSTILE_MESSAGE) == "[2J[31mwiped1m evil done  next line"


def test_history_text_shows_no_control_character_from_the_logs() -> None:
    text = history_report.to_text(hostile_history(), colour=False, width=300)
    assert "wiped" in text
    assert no_controls(text)


def test_status_text_shows_no_control_character_from_the_logs() -> None:
    # Right after the failed run, status quotes its error type.
    rows = status_for(catalogue(DAILY), hostile_logs(), now=at("2026-11-23T03:00:00"))
    text = status_report.to_text(rows, colour=False, width=300)
    assert "HYPERLINK" in text
    assert no_controls(text)


def test_csv_cells_hold_no_control_character_and_no_formula() -> None:
    text = history_report.to_csv(hostile_history())
    assert no_controls(text.replace("\n", ""))
    (row,) = [r for r in csv.DictReader(io.StringIO(text)) if r["status"] == "failed"]
    assert row["error_type"] == '\'=HYPERLINK("http://x")]0;owned'
    assert row["request_id"] == "'@cmd-1"
    assert row["error_message"].startswith("[2J[31mwiped")


def test_csv_leaves_negative_numbers_as_numbers() -> None:
    assert history_report._csv_value(-400) == -400
    assert history_report._csv_value("-1+1") == "'-1+1"


def malformed(count: int) -> list[LogEvent]:
    when = int(at("2026-11-24T02:00:00").timestamp() * 1000)
    line = '{"sched": "run", "v": 1, "job": "log-backup", "duration_ms": NaN}'
    return [LogEvent(when + i, line, "s") for i in range(count)]


def test_history_text_says_how_many_log_lines_were_skipped() -> None:
    text = history_report.to_text(hostile_history(*malformed(3)))
    assert text.splitlines()[-1] == "3 log lines skipped as malformed"
    one = history_report.to_text(hostile_history(*malformed(1)))
    assert one.splitlines()[-1] == "1 log line skipped as malformed"
    assert "skipped" not in history_report.to_text(hostile_history())


def test_status_text_says_how_many_log_lines_were_skipped() -> None:
    rows = status_for(catalogue(DAILY), hostile_logs(*malformed(2)), now=NOW)
    assert status_report.to_text(rows).splitlines()[-1] == "2 log lines skipped as malformed"


def test_history_and_status_json_count_the_skipped_lines() -> None:
    document = json.loads(history_report.to_json(hostile_history(*malformed(2))))
    assert document["skipped"] == {
        "malformed": 2,
        "unbound": 0,
        "repeated": 0,
        "unattributed": 0,
    }
    rows = status_for(catalogue(DAILY), hostile_logs(*malformed(2)), now=NOW)
    (job_row,) = json.loads(status_report.to_json(rows))["jobs"]
    assert job_row["skipped"]["malformed"] == 2
