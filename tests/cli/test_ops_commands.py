"""`sched run`, `trigger`, `local tick`, `status` and `history` on the embedded local AWS."""

from __future__ import annotations

import csv
import io
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from example import copy_example

from scheduler.cli import cli

ROOT = Path(__file__).parent.parent.parent


@pytest.fixture
def catalogue(tmp_path: Path) -> Path:
    return copy_example(tmp_path)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env={"NO_COLOR": "1", "SCHED_LOCAL": ""})
    return result.exit_code, result.output


HERE = f"{sys.version_info.major}.{sys.version_info.minor}"


def without_python_note(out: str) -> list[str]:
    """The lines of a local run's output but its note on this Python, which depends on it."""
    return [line for line in out.splitlines() if not line.startswith("note: ")]


def test_a_local_run_notes_a_python_that_is_not_the_jobs_runtime(catalogue: Path) -> None:
    other = "python3.13" if HERE != "3.13" else "python3.12"
    text = catalogue.read_text()
    catalogue.write_text(text.replace("runtime: python3.12", f"runtime: {other}"))
    code, out = run("run", "role-canary", "--local", str(catalogue))
    assert code == 0, out
    assert out.splitlines()[0] == (
        f"note: role-canary runs on {other} on Lambda; here it runs on Python {HERE}"
    )
    assert out.splitlines()[1].startswith("role-canary: succeeded in ")

    catalogue.write_text(text.replace("runtime: python3.12", f"runtime: python{HERE}"))
    code, out = run("run", "role-canary", "--local", str(catalogue))
    assert code == 0, out
    [line] = out.splitlines()
    assert line.startswith("role-canary: succeeded in ")


def test_run_reports_duration_against_expected_and_the_limit(catalogue: Path) -> None:
    code, out = run("run", "role-canary", "--local", str(catalogue))
    assert code == 0, out
    [line] = without_python_note(out)
    assert line.startswith("role-canary: succeeded in ")
    assert line.endswith("% of Lambda's 15m)")
    assert "of expected 5s, " in line


def test_a_failing_handler_exits_1_with_its_error(catalogue: Path) -> None:
    code, out = run("run", "tmp-cleanup", "--local", str(catalogue))
    assert code == 1
    first, second, *frames = without_python_note(out)
    assert first.startswith("tmp-cleanup: failed in ")
    assert second.startswith("  error: NoSuchBucket: ")
    # The handler's own frames only: none of sched's wrapper, none of boto3's.
    assert frames == [
        "  Traceback (most recent call last):",
        '    File "jobs/tmp_cleanup/handler.py", line 15, in main',
        '      for page in s3.get_paginator("list_objects_v2").paginate(Bucket=event["bucket"]):',
    ]


def test_run_of_an_unknown_job_is_a_usage_error(catalogue: Path) -> None:
    code, out = run("run", "nope", "--local", str(catalogue))
    assert code == 2
    assert "error: no job named 'nope' in catalogue 'acme-ops'" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--status", "bogus"), "error: unknown run status bogus"),
        (("nope",), "error: no job named 'nope' in catalogue 'acme-ops'"),
    ],
)
def test_history_refuses_bad_arguments_before_it_connects(
    catalogue: Path, args: tuple[str, ...], message: str
) -> None:
    code, out = run("history", "--local", str(catalogue), *args)
    assert code == 2
    assert message in out
    assert not (catalogue.parent / ".sched" / "local").exists()


def test_trigger_refuses_a_job_that_was_never_applied(catalogue: Path) -> None:
    code, out = run("trigger", "role-canary", "--local", str(catalogue))
    assert code != 0
    assert "not deployed" in out


def test_apply_trigger_then_history_and_status_show_the_runs(applied_example: Path) -> None:
    catalogue = applied_example
    assert run("trigger", "role-canary", "--local", str(catalogue))[0] == 0
    assert run("trigger", "tmp-cleanup", "--local", str(catalogue))[0] == 1

    code, out = run("history", "--local", str(catalogue), "--format", "json")
    assert code == 0, out
    runs = {r["job"]: r for r in json.loads(out)["runs"]}
    assert runs["role-canary"]["status"] == "succeeded"
    assert runs["tmp-cleanup"]["status"] == "failed"
    assert runs["tmp-cleanup"]["error_type"] == "NoSuchBucket"

    code, out = run("history", "--local", str(catalogue), "--status", "failed", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["job"], r["status"]) for r in rows] == [("tmp-cleanup", "failed")]

    code, out = run("status", "--local", str(catalogue), "--format", "json")
    jobs = {row["job"]: row for row in json.loads(out)["jobs"]}
    assert set(jobs) == {
        "log-backup", "nightly-export", "tmp-cleanup", "role-canary", "monthly-report",
        "search-reindex",
    }  # fmt: skip
    assert code == 1  # a failed manual run is the job's failure too
    counts = jobs["tmp-cleanup"]["status"]
    assert (jobs["tmp-cleanup"]["attention"], counts["failed"], counts["manual"]) == (
        "failing",
        1,
        1,
    )


def test_tick_skips_what_is_not_deployed_and_refuses_the_future(catalogue: Path) -> None:
    code, out = run("local", "tick", str(catalogue))
    assert code == 0
    assert "role-canary: skipped, not deployed to the local AWS" in out.splitlines()

    ahead = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    code, out = run("local", "tick", str(catalogue), "--until", ahead)
    assert code == 2
    assert "is in the future" in out


def test_a_tick_over_a_span_where_nothing_fired_names_the_next_fire(catalogue: Path) -> None:
    assert run("apply", "--local", str(catalogue))[0] == 0
    before = datetime.now(UTC).replace(second=0, microsecond=0)
    # Just applied: every job's first fire is still ahead (a rate counts from its creation).
    code, out = run("local", "tick", str(catalogue))
    after = datetime.now(UTC)
    assert code == 0
    [line] = out.splitlines()
    span, _, upcoming = line.partition(" UTC; next: ")
    since, _, until = span.removeprefix("no deployed job was due between ").partition(" and ")
    assert before - timedelta(days=1) <= _minute(since) <= after - timedelta(days=1)
    assert before <= _minute(until) <= after
    name, fire = _upcoming(upcoming)
    if name == "role-canary":  # every 15 minutes from its creation
        assert before + timedelta(minutes=14) <= fire <= after + timedelta(minutes=15)
    else:  # a cron job of the example due before role-canary's first fire
        assert name in CRON_JOBS
        assert before <= fire <= before + timedelta(minutes=15)


def _minute(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=UTC)


# The example's jobs on a cron schedule: one may fire before role-canary's first 15 minutes end
# (nightly-export at 00:30 UTC in winter, log-backup on Mondays at 02:00, ...).
CRON_JOBS = ("log-backup", "nightly-export", "monthly-report", "search-reindex")


def _upcoming(text: str) -> tuple[str, datetime]:
    """The job and its fire in UTC of `NAME at Mon 2026-12-07 02:00 UTC`, or, for a job in a
    time zone, of `NAME at Mon 2026-12-07 01:30 CET (00:30 UTC)`."""
    name, _, when = text.partition(" at ")
    local, _, utc = when.partition(" (")
    day = datetime.strptime(local.rsplit(" ", 1)[0], "%a %Y-%m-%d %H:%M")
    if not utc:
        return name, day.replace(tzinfo=UTC)
    hour, minute = (int(part) for part in utc.removesuffix(" UTC)").split(":"))
    fire = day.replace(hour=hour, minute=minute)
    # A zone is less than a day from UTC: the fire is on the day nearest the local time.
    nearest = min((fire + timedelta(days=d) for d in (-1, 0, 1)), key=lambda f: abs(f - day))
    return name, nearest.replace(tzinfo=UTC)


def test_a_failed_trigger_puts_its_job_first_in_status(applied_example: Path) -> None:
    catalogue = applied_example
    assert run("trigger", "tmp-cleanup", "--local", str(catalogue))[0] == 1
    code, out = run("status", "--local", str(catalogue))
    assert code == 1
    assert out.splitlines()[1].startswith("✗ tmp-cleanup ")


def test_history_rejects_a_bad_window(catalogue: Path) -> None:
    code, out = run("history", "--local", str(catalogue), "--since", "a week")
    assert code == 2
    assert "error: --since" in out


def test_status_takes_the_catalogue_as_an_argument_too(applied_example: Path) -> None:
    catalogue = applied_example
    by_option = run("status", "--local", str(catalogue), "--format", "json")
    by_argument = run("status", "--local", str(catalogue), "--format", "json")
    assert by_option[0] == by_argument[0] == 0
    assert (
        json.loads(by_option[1])["jobs"][0]["job"] == json.loads(by_argument[1])["jobs"][0]["job"]
    )


def test_logs_shows_the_latest_runs_lines_with_its_traceback(catalogue: Path) -> None:
    run("run", "tmp-cleanup", "--local", str(catalogue))
    code, out = run("logs", "tmp-cleanup", "--local", str(catalogue))
    assert code == 0, out
    lines = out.splitlines()
    request = lines[0][25:33]
    # Every line: its UTC time to the millisecond, the run's first 8 characters, the text.
    assert all(line[:35] == " " * 35 or line[23:35] == f"  {request}  " for line in lines)
    texts = [line[35:] for line in lines]
    # Lambda's JSON platform lines in words, as its text log format writes them.
    assert texts[0] == "START"
    assert texts[1].startswith("sched: manual run of tmp-cleanup, due ")
    assert texts[-2].startswith("END failure after ")
    assert texts[-1].startswith("REPORT Duration: ")
    error = texts.index(
        "[ERROR] NoSuchBucket: An error occurred (NoSuchBucket) when calling the ListObjectsV2"
        " operation: The specified bucket does not exist"
    )
    assert texts[error + 1] == "Traceback (most recent call last):"
    assert f'  File "{catalogue.parent}/jobs/tmp_cleanup/handler.py", line 15, in main' in texts


def test_logs_raw_shows_the_lines_as_cloudwatch_logs_holds_them(catalogue: Path) -> None:
    run("run", "tmp-cleanup", "--local", str(catalogue))
    code, out = run("logs", "tmp-cleanup", "--local", "--raw", str(catalogue))
    assert code == 0, out
    first = json.loads(out.splitlines()[0][35:])
    assert first["type"] == "platform.start"


def test_logs_of_a_run_that_is_not_there_is_a_usage_error(catalogue: Path) -> None:
    run("run", "tmp-cleanup", "--local", str(catalogue))
    code, out = run("logs", "tmp-cleanup", "--local", "--run", "nope", str(catalogue))
    assert code == 2
    assert 'error: --run nope names no run of job "tmp-cleanup" in the window' in out


def test_a_tick_with_nothing_due_names_the_next_fire(catalogue: Path) -> None:
    assert run("apply", "--local", str(catalogue))[0] == 0
    applied = datetime.now(UTC)
    # A span ending before the first tick's look-back start (a day ago) has nothing due.
    code, out = run("local", "tick", str(catalogue), "--until", "2026-01-01T00:00:00Z")
    assert code == 0
    prefix, _, upcoming = out.rstrip("\n").partition("; next: ")
    assert prefix.startswith("nothing due: the last tick ran fires up to ")
    # role-canary, every 15 minutes from its deployment, fires first, unless a cron job does.
    name, fire = _upcoming(upcoming)
    assert name == "role-canary" or name in CRON_JOBS
    assert applied < fire + timedelta(minutes=1) <= applied + timedelta(minutes=16)


def test_status_and_history_read_the_same_through_insights_as_group_by_group(
    applied_example: Path,
) -> None:
    catalogue = applied_example
    assert run("trigger", "role-canary", "--local", str(catalogue))[0] == 0
    assert run("trigger", "tmp-cleanup", "--local", str(catalogue))[0] == 1

    def read(*args: str) -> tuple[int, str]:
        return run(*args, "--local", str(catalogue), "--format", "csv")

    by_group = read("history", "--logs", "filter")
    assert by_group[0] == 0 and "tmp-cleanup" in by_group[1]
    assert read("history", "--logs", "insights") == by_group
    assert read("history") == by_group  # auto: 6 log groups, so group by group

    def status(path: str) -> tuple[int, list[object]]:
        code, out = run("status", "--local", str(catalogue), "--format", "json", "--logs", path)
        return code, json.loads(out)["jobs"]

    assert status("insights") == status("filter")
    assert status("filter")[0] == 1


def test_logs_takes_only_its_three_paths(catalogue: Path) -> None:
    code, out = run("status", "--local", str(catalogue), "--logs", "fast")
    assert code == 2
    assert "'fast' is not one of 'auto', 'filter', 'insights'" in out
