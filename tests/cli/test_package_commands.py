"""Job code on the example, through the CLI: a shared code folder is in the packages of the jobs
that name it (`compile --list-packages`), a change in it plans an update of exactly those jobs'
functions, and `sched run --local` imports it as Lambda would; an arm64 job is planned as one,
and a requirement without an arm64 wheel stops the plan in one line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from example import copy_example
from wheels import x86_only_requirements

from scheduler.cli import cli


@pytest.fixture
def catalogue(tmp_path: Path) -> Path:
    path = copy_example(tmp_path, local_data=True)
    (tmp_path / "jobs" / "lib").mkdir()
    (tmp_path / "jobs" / "lib" / "keys.py").write_text("PREFIX = 'app/'\n")
    text = path.read_text()
    for folder in ("log_backup", "monthly_report"):
        line = f"    handler: jobs/{folder}/handler.py:main\n"
        assert line in text
        text = text.replace(line, f"{line}    code: {{shared: [jobs/lib]}}\n")
    path.write_text(text)
    return path


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env={"NO_COLOR": "1", "SCHED_LOCAL": ""})
    return result.exit_code, result.output


def test_the_packages_of_the_jobs_naming_it_hold_it(catalogue: Path) -> None:
    code, out = run("compile", "--list-packages", str(catalogue))
    assert code == 0, out
    lines = out.splitlines()
    assert lines[:6] == [
        "log-backup: 5 files",
        "  handler.py",
        "  lib/keys.py",
        "  sched_runtime/__init__.py",
        "  sched_runtime/contract.py",
        "  sched_runtime/wrapper.py",
    ]
    assert lines[6] == "nightly-export: 4 files"
    assert "monthly-report: 5 files" in lines


def test_a_change_in_it_plans_an_update_of_exactly_its_jobs(catalogue: Path) -> None:
    assert run("apply", "--local", "--yes", str(catalogue))[0] == 0
    (catalogue.parent / "jobs" / "lib" / "keys.py").write_text("PREFIX = 'logs/'\n")

    code, out = run("plan", "--local", str(catalogue))

    assert code == 0, out
    changed = [line for line in out.splitlines() if line.startswith(("job ", "  ~", "Plan:"))]
    assert changed == [
        "job log-backup",
        "  ~ function        acme-ops-log-backup      python3.12, 256 MB, timeout 600s",
        "job monthly-report",
        "  ~ function        acme-ops-monthly-report  python3.12, 256 MB, timeout 240s",
        "Plan: 0 to create, 2 to update, 0 to replace, 0 to delete, 30 unchanged.",
    ]
    # Both packages were built here: the plan names the file that changed.
    assert out.count("        code changed: lib/keys.py changed\n") == 2


def test_a_local_run_imports_it(catalogue: Path) -> None:
    handler = catalogue.parent / "jobs" / "role_canary" / "handler.py"
    handler.write_text(
        "from lib.keys import PREFIX\n\n\ndef main(event, context):\n    return PREFIX\n"
    )
    text = catalogue.read_text()
    line = "    handler: jobs/role_canary/handler.py:main\n"
    catalogue.write_text(text.replace(line, f"{line}    code: {{shared: [jobs/lib]}}\n"))
    assert run("apply", "--local", "--yes", str(catalogue))[0] == 0

    code, out = run("run", "role-canary", "--local", str(catalogue))

    assert code == 0, out
    assert out.splitlines()[-1].startswith("role-canary: succeeded in ")


def test_a_missing_folder_stops_validate_at_its_line(catalogue: Path) -> None:
    shutil.rmtree(catalogue.parent / "jobs" / "lib")
    lines = catalogue.read_text().splitlines()
    line = lines.index("    code: {shared: [jobs/lib]}") + 1  # log-backup's, the first
    code, out = run("validate", str(catalogue))
    assert code == 1
    assert out.splitlines()[:2] == [
        f"{catalogue}:{line}:21: error SCH316 shared code folder jobs/lib does not exist",
        "  hint: name a folder relative to the catalogue file, e.g. jobs/lib",
    ]


def test_an_arm64_job_is_planned_as_one(catalogue: Path) -> None:
    text = catalogue.read_text()
    line = "    handler: jobs/role_canary/handler.py:main\n"
    catalogue.write_text(text.replace(line, f"{line}    architecture: arm64\n"))
    code, out = run("plan", "--local", str(catalogue))
    assert code == 0, out
    assert (
        "  + function        acme-ops-role-canary                      python3.12, arm64, 128 MB, "
        "timeout 30s"
    ) in out.splitlines()


def test_a_requirement_without_an_arm64_wheel_stops_the_plan_in_one_line(
    catalogue: Path, tmp_path: Path
) -> None:
    folder = catalogue.parent / "jobs" / "nightly_export"
    x86_only_requirements(tmp_path / "wheels", folder / "requirements.txt")
    text = catalogue.read_text()
    line = "    handler: jobs/nightly_export/handler.py:main\n"
    catalogue.write_text(text.replace(line, f"{line}    architecture: arm64\n"))

    code, out = run("plan", "--local", str(catalogue))

    assert code == 2
    assert out == (
        f'error: job "nightly-export": pip could not install {folder / "requirements.txt"} for '
        "manylinux2014_aarch64: ERROR: No matching distribution found for fastcsv==1.0\n"
        "  hint: every requirement needs a manylinux2014_aarch64 wheel for Python 3.12: pin a "
        "version that has one, or drop it, or run the job on architecture: x86_64\n"
    )
