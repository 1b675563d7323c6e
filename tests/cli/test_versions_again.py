"""Versioning turned off and on again: the `live` alias is put on a version of the code
`$LATEST` runs now, not on the version left from before, which the plan would hide."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from scheduler.cli import cli

VERSIONED = """\
catalogue: acme
defaults:
  versions: 2
jobs:
  backup:
    schedule: cron(0 2 ? * MON *)
    expected_runtime: 5m
    handler: jobs/backup/handler.py:main
"""
UNVERSIONED = VERSIONED.replace("defaults:\n  versions: 2\n", "")


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env={"NO_COLOR": "1", "SCHED_LOCAL": ""})
    return result.exit_code, result.output


def _apply(root: Path, catalogue: str, returns: int | None = None) -> None:
    (root / "jobs.yaml").write_text(catalogue)
    if returns is not None:
        handler = f"def main(event, context):\n    return {returns}\n"
        (root / "jobs" / "backup" / "handler.py").write_text(handler)
    code, out = run("apply", "--local", "--yes", str(root / "jobs.yaml"))
    assert code == 0, out


def test_versioning_turned_on_again_puts_live_on_the_current_code(tmp_path: Path) -> None:
    (tmp_path / "jobs" / "backup").mkdir(parents=True)
    _apply(tmp_path, VERSIONED, returns=1)
    _apply(tmp_path, VERSIONED, returns=2)
    _apply(tmp_path, UNVERSIONED)
    _apply(tmp_path, UNVERSIONED, returns=3)  # $LATEST changes, nothing is published
    _apply(tmp_path, VERSIONED)

    code, out = run("versions", "backup", str(tmp_path / "jobs.yaml"), "--local")

    assert code == 0, out
    assert out.splitlines()[:3] == [
        "VERSION  RUNS  FAILED",
        "2           0       0",
        "3 live      0       0",
    ]
