"""`--env NAME` (and SCHED_ENV) on the offline commands that show the catalogue (`cost`,
`peaks`, `next`, `permissions`): with one, the environment's merged catalogue, named first;
without, the catalogue as written, with one note on stderr when it declares environments."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from scheduler.cli import cli

# prod runs the report at another time, longer, with more memory, and reads another bucket.
CATALOGUE = """\
catalogue: acme
environments:
  dev:
    account: "111111111111"
    region: us-east-1
  prod:
    account: "222222222222"
    region: eu-west-1
    jobs:
      report:
        schedule: cron(0 6 * * ? *)
        expected_runtime: 10m
        memory: 1024
        permissions: [{S3ReadPolicy: {BucketName: prod-reports}}]
jobs:
  report:
    schedule: cron(0 2 * * ? *)
    expected_runtime: 1m
    handler: jobs/ok/handler.py:main
    permissions: [{S3ReadPolicy: {BucketName: dev-reports}}]
  sweep:
    schedule: cron(0 6 * * ? *)
    expected_runtime: 1m
    handler: jobs/ok/handler.py:main
"""
FROM = ("--from", "2026-12-01T00:00:00Z")
NOTE = "note: showing the catalogue as written; --env dev|prod for an environment\n"


@pytest.fixture
def catalogue(tmp_path: Path) -> Path:
    (tmp_path / "jobs" / "ok").mkdir(parents=True)
    (tmp_path / "jobs" / "ok" / "handler.py").write_text("def main(event, ctx):\n    pass\n")
    path = tmp_path / "jobs.yaml"
    path.write_text(CATALOGUE)
    return path


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    environ = {"NO_COLOR": "1", "SCHED_ENV": "", **(env or {})}
    return CliRunner().invoke(cli, list(args), env=environ)


def _row(out: str, job: str) -> list[str]:
    [line] = [line for line in out.splitlines() if line.startswith(f"{job} ")]
    return line.split()


def test_cost_with_env_prices_the_environment_s_memory_and_runtime(catalogue: Path) -> None:
    done = run("cost", "report", str(catalogue), *FROM, "--env", "prod")
    assert done.exit_code == 0, done.output
    assert done.stdout.splitlines()[:2] == ["Catalogue acme, environment prod", ""]
    assert _row(done.stdout, "report")[:4] == ["report", "30", "10m", "1024"]
    assert done.stderr == ""


def test_cost_without_env_prices_the_catalogue_as_written_and_says_so(catalogue: Path) -> None:
    done = run("cost", "report", str(catalogue), *FROM)
    assert done.exit_code == 0, done.output
    assert done.stdout.splitlines()[0].startswith("JOB ")
    assert _row(done.stdout, "report")[:4] == ["report", "30", "1m", "256"]
    assert done.stderr == NOTE


def test_cost_takes_the_environment_from_sched_env(catalogue: Path) -> None:
    done = run("cost", "report", str(catalogue), *FROM, env={"SCHED_ENV": "prod"})
    assert done.exit_code == 0, done.output
    assert _row(done.stdout, "report")[:4] == ["report", "30", "10m", "1024"]


def test_peaks_with_env_sees_prod_s_report_move_beside_the_sweep(catalogue: Path) -> None:
    args = ("peaks", str(catalogue), *FROM, "--days", "1", "-n", "1", "--format", "json")
    prod = json.loads(run(*args, "--env", "prod").stdout)
    written = run(*args)
    assert [(m["minute"], m["jobs"]) for m in prod["minutes"]] == [
        ("2026-12-01T06:00:00+00:00", ["report", "sweep"])
    ]
    assert json.loads(written.stdout)["minutes"][0]["running"] == 1
    assert written.stderr == NOTE


def test_peaks_text_with_env_names_the_environment_first(catalogue: Path) -> None:
    done = run("peaks", str(catalogue), *FROM, "--days", "1", "-n", "1", "--env", "dev")
    assert done.exit_code == 0, done.output
    assert done.stdout.splitlines()[:3] == [
        "Catalogue acme, environment dev",
        "",
        "Busiest minutes of the 1 days from 2026-12-01 00:00 UTC (threshold 1000: Lambda's "
        "default concurrency):",
    ]


def test_next_with_env_shows_the_environment_s_schedule(catalogue: Path) -> None:
    done = run("next", "report", str(catalogue), *FROM, "-n", "1", "--env", "prod")
    assert done.exit_code == 0, done.output
    assert done.stdout == (
        "Catalogue acme, environment prod\n\n"
        "report: cron(0 6 * * ? *)\n"
        "  at 06:00 every day\n"
        "  Tue 2026-12-01 06:00 UTC\n"
    )
    written = run("next", "report", str(catalogue), *FROM, "-n", "1")
    assert written.stdout.splitlines()[0] == "report: cron(0 2 * * ? *)"
    assert written.stderr == NOTE


def test_next_of_expressions_alone_says_nothing_of_environments(catalogue: Path) -> None:
    done = run("next", "rate(1 hour)", str(catalogue), *FROM, "-n", "1")
    assert done.exit_code == 0, done.output
    assert done.stdout.splitlines()[0] == "rate(1 hour)"
    assert done.stderr == ""


def test_permissions_with_env_are_the_environment_s_role_in_its_account(catalogue: Path) -> None:
    done = run("permissions", "report", str(catalogue), "--env", "prod", "--format", "json")
    assert done.exit_code == 0, done.output
    found = json.dumps(json.loads(done.stdout))
    assert "acme-prod-report" in found
    assert "arn:aws:s3:::prod-reports" in found
    assert "arn:aws:s3:::dev-reports" in found  # an environment's list appends to the job's
    assert "arn:aws:logs:eu-west-1:222222222222:" in found
    text = run("permissions", "report", str(catalogue), "--env", "prod").stdout
    assert text.splitlines()[:3] == [
        "Catalogue acme, environment prod",
        "",
        "report: role acme-prod-report",
    ]


def test_permissions_without_env_are_those_of_the_catalogue_as_written(catalogue: Path) -> None:
    done = run("permissions", "report", str(catalogue), "--format", "json")
    assert done.exit_code == 0, done.output
    found = json.dumps(json.loads(done.stdout))
    assert "prod-reports" not in found
    assert "arn:aws:logs:us-east-1:123456789012:" in found
    assert done.stderr == NOTE


@pytest.mark.parametrize(
    "command",
    [["cost"], ["peaks"], ["next", "report"], ["permissions", "report"]],
    ids=lambda c: c[0],
)
def test_an_unknown_environment_is_a_usage_error_naming_those_declared(
    catalogue: Path, command: list[str]
) -> None:
    done = run(*command, str(catalogue), "--env", "staging")
    assert (done.exit_code, done.output) == (
        2,
        f'error: no environment "staging" in {catalogue}; it declares dev, prod\n'
        "  hint: give one of them to --env (or SCHED_ENV)\n",
    )
