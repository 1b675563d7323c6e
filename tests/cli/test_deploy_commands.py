"""`sched apply`, `plan`, `destroy` and `compile` on the embedded local AWS: output, exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from scheduler.cli import cli

ROOT = Path(__file__).parent.parent.parent


@pytest.fixture
def catalogue(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "jobs.yaml", tmp_path / "jobs.yaml")
    shutil.copytree(ROOT / "jobs", tmp_path / "jobs")
    return tmp_path / "jobs.yaml"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env={"NO_COLOR": "1", "SCHED_LOCAL": ""})
    return result.exit_code, result.output


def test_apply_then_plan_shows_no_changes(catalogue: Path) -> None:
    code, out = run("apply", "--local", str(catalogue))
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0] == f"{catalogue}: valid (6 jobs)"
    assert "Catalogue acme-ops → local AWS (moto; account 123456789012, us-east-1)" in lines
    assert any(
        line.startswith("  + rule            acme-ops-log-backup ")
        and line.endswith("cron(0 2 ? * MON *)")
        for line in lines
    )
    assert "Plan: 22 to create, 0 to update, 0 to replace, 0 to delete, 0 unchanged." in lines
    assert lines[-1].startswith("Apply complete: 22 change(s) in ")

    code, out = run("plan", "--local", "--detailed-exitcode", str(catalogue))
    assert (code, out.splitlines()[-1]) == (0, "No changes: 22 resources up to date.")
    code, out = run("apply", "--local", str(catalogue))
    assert (code, out.splitlines()[-1]) == (0, "No changes: 22 resources up to date.")


def test_a_changed_schedule_is_one_update_and_exit_4_with_detailed_exitcode(
    catalogue: Path,
) -> None:
    assert run("apply", "--local", str(catalogue))[0] == 0
    text = catalogue.read_text().replace("schedule: rate(1 hour)", "schedule: rate(2 hours)")
    catalogue.write_text(text)
    code, out = run("plan", "--local", "--detailed-exitcode", str(catalogue))
    assert code == 4
    lines = out.splitlines()
    assert "  ~ rule            acme-ops-tmp-cleanup  rate(2 hours)" in lines
    assert "        schedule_expression: rate(1 hour) → rate(2 hours)" in lines
    assert lines[-1] == "Plan: 0 to create, 1 to update, 0 to replace, 0 to delete, 21 unchanged."


def test_pruning_needs_yes_when_not_interactive(catalogue: Path) -> None:
    assert run("apply", "--local", str(catalogue))[0] == 0
    text = catalogue.read_text()
    start, end = text.index("  tmp-cleanup:"), text.index("  role-canary:")
    catalogue.write_text(text[:start] + text[end:])

    code, out = run("apply", "--local", str(catalogue))
    assert code == 2
    assert "error: This plan deletes 4 resource(s); refusing without --yes" in out
    assert run("plan", "--local", "--detailed-exitcode", str(catalogue))[0] == 4

    code, out = run("apply", "--local", "--yes", str(catalogue))
    assert code == 0, out
    assert "    done  delete rule acme-ops-tmp-cleanup" in out.splitlines()
    assert run("plan", "--local", "--detailed-exitcode", str(catalogue))[0] == 0


def test_invalid_catalogue_stops_apply_before_any_aws_call(catalogue: Path) -> None:
    catalogue.write_text(
        catalogue.read_text().replace("expected_runtime: 5m", "expected_runtime: 45m")
    )
    code, out = run("apply", "--local", str(catalogue))
    assert code == 1
    assert 'error SCH201 job "log-backup" expects 45m; Lambda stops at 15m' in out
    assert 'error SCH203 job "log-backup" times out after 10m but expects to run for 45m' in out
    assert out.splitlines()[-2] == f"error: {catalogue}: 2 errors; nothing was sent to AWS"
    assert not (catalogue.parent / ".sched" / "local").exists()


def test_destroy_removes_everything_the_catalogue_owns(catalogue: Path) -> None:
    assert run("apply", "--local", str(catalogue))[0] == 0
    code, out = run("destroy", "--local", str(catalogue))
    assert code == 2
    assert "refusing without --yes" in out
    code, out = run("destroy", "--local", "--yes", str(catalogue))
    assert code == 0, out
    assert "Plan: 0 to create, 0 to update, 0 to replace, 22 to delete, 0 unchanged." in out
    code, out = run("destroy", "--local", "--yes", str(catalogue))
    assert (code, out.splitlines()[-1]) == (0, "No changes: 0 resources up to date.")


def test_compile_prints_the_desired_state_as_json(catalogue: Path) -> None:
    code, out = run("compile", str(catalogue))
    assert code == 0
    state = json.loads(out)
    rules = [r for r in state["resources"] if r["kind"] == "rule"]
    assert {r["name"]: r["schedule_expression"] for r in rules}["acme-ops-log-backup"] == (
        "cron(0 2 ? * MON *)"
    )
