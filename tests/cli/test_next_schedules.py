"""`sched next` on the expressions issue 10 changed: a wrapping range, and a space AWS refuses."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from scheduler.cli import cli


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env={"GITHUB_ACTIONS": ""})
    return result.exit_code, result.output


def test_next_reads_a_range_across_midnight_and_skips_the_weekend() -> None:
    expression = "cron(0/30 20-2 ? * MON-FRI *)"
    assert run("next", expression, "--from", "2026-01-30T23:00:00Z", "--count", "3") == (
        0,
        f"{expression}\n"
        "  every 30 minutes during hours 0 through 2 and 20 through 23, only on Monday through "
        "Friday\n"
        "  Fri 2026-01-30 23:30 UTC\n"
        "  Mon 2026-02-02 00:00 UTC\n"
        "  Mon 2026-02-02 00:30 UTC\n",
    )


def test_next_refuses_a_space_aws_refuses_and_gives_the_fix() -> None:
    assert run("next", "rate( 5 minutes)") == (
        2,
        "rate( 5 minutes)\n"
        '  error SCH101 a space after "rate(": AWS refuses spaces inside the parentheses\n'
        "  hint: write rate(5 minutes)\n",
    )


def test_next_counts_a_rate_from_its_creation_at_from_and_says_so() -> None:
    assert run("next", "rate(1 hour)", "--from", "2026-01-30T23:07:00Z", "--count", "2") == (
        0,
        "rate(1 hour)\n"
        "  every hour\n"
        "  if created at 2026-01-30 23:07 UTC (AWS counts a rate from its creation)\n"
        "  Sat 2026-01-31 00:07 UTC\n"
        "  Sat 2026-01-31 01:07 UTC\n",
    )


def test_next_shows_an_either_day_line_as_its_two_rules_and_their_union() -> None:
    # June 2026: Monday the 1st and Monday the 15th run once each.
    assert run("next", "0 0 1,15 * 1", "--from", "2026-05-31T00:00:00Z", "--count", "4") == (
        0,
        "0 0 1,15 * 1\n"
        "  as AWS: cron(0 0 1,15 * ? *) and cron(0 0 ? * MON *) (either day, two rules; a day "
        "both match runs once)\n"
        "  at 00:00 on days 1 and 15 of the month, or only on Monday\n"
        "  Mon 2026-06-01 00:00 UTC\n"
        "  Mon 2026-06-08 00:00 UTC\n"
        "  Mon 2026-06-15 00:00 UTC\n"
        "  Mon 2026-06-22 00:00 UTC\n",
    )


CATALOGUE = """\
catalogue: acme
jobs:
  log-backup:
    schedule: cron(0 2 ? * MON *)
    expected_runtime: 5m
    handler: jobs/log_backup/handler.py:main
  tmp-cleanup:
    schedule: rate(1 hour)
    expected_runtime: 30s
    handler: jobs/tmp_cleanup/handler.py:main
"""


def test_next_with_a_catalogue_names_an_unknown_job_and_the_closest_jobs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "jobs.yaml").write_text(CATALOGUE)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["next", "log-backups"], env={"GITHUB_ACTIONS": ""})
    assert (result.exit_code, result.output) == (
        2,
        "log-backups\n"
        "  error no job named log-backups in jobs.yaml\n"
        "  hint: did you mean log-backup? (or give an expression such as cron(0 10 * * ? *))\n",
    )


def test_next_with_a_catalogue_lists_the_jobs_when_none_is_close(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "jobs.yaml").write_text(CATALOGUE)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["next", "nosuchjob"], env={"GITHUB_ACTIONS": ""})
    assert (result.exit_code, result.output) == (
        2,
        "nosuchjob\n"
        "  error no job named nosuchjob in jobs.yaml\n"
        "  hint: jobs: log-backup, tmp-cleanup (or give an expression such as "
        "cron(0 10 * * ? *))\n",
    )
