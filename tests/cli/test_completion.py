"""Shell completion: commands and, for a JOB argument, the catalogue's job names."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from scheduler.cli import cli

ROOT = Path(__file__).parent.parent.parent
BUSY = ROOT / "tests" / "fixtures" / "rules" / "SCH108.fail.yaml"  # one job: busy


def complete(line: str, shell: str = "bash") -> str:
    words = line.split(" ")
    env = {
        "_SCHED_COMPLETE": f"{shell}_complete",
        "COMP_WORDS": line,
        "COMP_CWORD": str(len(words) - 1),
    }
    return CliRunner().invoke(cli, [], env=env, prog_name="sched").output


def test_job_names_come_from_the_catalogue_given_with_c() -> None:
    assert complete(f"sched run -c {BUSY} ") == "plain,busy\n"
    assert complete(f"sched history -c {BUSY} b") == "plain,busy\n"
    assert complete(f"sched history -c {BUSY} x") == "\n"


def test_without_c_they_come_from_jobs_yaml_here_with_descriptions_for_zsh(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    assert complete("sched logs nightly-e", "zsh") == (
        "plain\nnightly-export\nExport yesterday's orders as CSV for the finance team\n"
    )
    assert "plain,log-backup\n" in complete("sched next ")


def test_a_catalogue_that_does_not_load_completes_nothing(tmp_path: Path) -> None:
    broken = tmp_path / "jobs.yaml"
    broken.write_text("jobs: [\n")
    assert complete(f"sched run -c {broken} ") == "\n"
    assert complete(f"sched run -c {tmp_path / 'missing.yaml'} ") == "\n"


def test_commands_complete_too() -> None:
    assert "plain,validate\n" in complete("sched val")
