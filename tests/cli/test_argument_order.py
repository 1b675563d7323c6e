"""A command of one JOB takes the catalogue before or after it: job names hold no dot, so the
argument ending in .yaml is the catalogue, wherever it is."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from example import copy_example

from scheduler.cli import cli


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env={"NO_COLOR": "1", "SCHED_LOCAL": ""})
    return result.exit_code, result.output


def test_the_catalogue_may_come_before_the_job(tmp_path: Path) -> None:
    catalogue = str(copy_example(tmp_path))
    code, out = run("run", catalogue, "role-canary", "--local")
    assert code == 0, out
    assert "role-canary: succeeded in " in out
    code, out = run("logs", catalogue, "role-canary", "--local")
    assert code == 0, out
    assert out.splitlines()[0].endswith("  START")


def test_a_job_that_is_not_a_catalogue_is_still_a_missing_catalogue(tmp_path: Path) -> None:
    code, out = run("logs", "role-canary", str(tmp_path / "elsewhere"), "--local")
    assert code == 2
    assert f"no catalogue at {tmp_path / 'elsewhere'}" in out
