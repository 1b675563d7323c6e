"""A renamed catalogue on the embedded local AWS: plan says its old name still runs, apply refuses
to fire the jobs twice, `sched prune` removes the old name, and then apply deploys the new one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scheduler.cli import cli

ROOT = Path(__file__).parent.parent.parent
SHARED = "log-backup, monthly-report, nightly-export, role-canary, tmp-cleanup"


@pytest.fixture
def renamed(applied_example: Path) -> Path:
    """The example catalogue applied as acme-ops, then renamed acme-platform in the file."""
    catalogue = applied_example
    text = catalogue.read_text()
    catalogue.write_text(text.replace("catalogue: acme-ops\n", "catalogue: acme-platform\n", 1))
    return catalogue


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env={"NO_COLOR": "1", "SCHED_LOCAL": ""})
    return result.exit_code, result.output


def notice(catalogue: Path) -> list[str]:
    return [
        "",
        "Old name still deployed: catalogue acme-ops",
        # moto's tag search leaves rules out, so the Fargate job (a rule only) is not counted
        "  it runs 5 jobs of this catalogue (log-backup, monthly-report, nightly-export, "
        "role-canary,",
        "    tmp-cleanup); 6 functions of it found",
        "  they keep firing until it is pruned: while both are deployed, each of these jobs "
        "fires twice",
        "  to move them here, prune it first, then apply:",
        f"    sched prune acme-ops {catalogue} --local",
        f"    sched apply {catalogue} --local",
    ]


def test_plan_names_the_old_name_its_jobs_and_the_commands_that_move_them(renamed: Path) -> None:
    code, out = run("plan", "--local", str(renamed))

    assert code == 0
    lines = out.splitlines()
    assert "Plan: 32 to create, 0 to update, 0 to replace, 0 to delete, 0 unchanged." in lines
    assert lines[-len(notice(renamed)) :] == notice(renamed)


def test_plan_json_lists_the_old_name_with_its_commands(renamed: Path) -> None:
    code, out = run("plan", "--local", "--format", "json", str(renamed))

    assert code == 0
    assert json.loads(out)["old_scopes"] == [
        {
            "catalogue": "acme-ops",
            "environment": None,
            "jobs": SHARED.split(", "),
            "other_jobs": [],
            "functions": 6,
            "rules": 0,
            "commands": [
                f"sched prune acme-ops {renamed} --local",
                f"sched apply {renamed} --local",
            ],
        }
    ]


def test_apply_refuses_while_the_old_name_runs_the_jobs_and_changes_nothing(
    renamed: Path,
) -> None:
    code, out = run("apply", "--local", "--yes", str(renamed))

    assert code == 3
    assert out.splitlines()[-2:] == [
        "error: catalogue acme-ops, an older name of this catalogue, still runs 5 of its jobs; "
        "applying now would fire them twice, so nothing was changed",
        f"  hint: prune it first (sched prune acme-ops {renamed} --local), then apply again; "
        "or, if it is not an old name of this catalogue, apply with --keep-old-scopes",
    ]
    code, out = run("plan", "--local", str(renamed))
    assert "Plan: 32 to create, 0 to update, 0 to replace, 0 to delete, 0 unchanged." in out


def test_prune_then_apply_moves_the_jobs_to_the_new_name(renamed: Path) -> None:
    code, out = run("prune", "acme-ops", str(renamed), "--local")
    assert code == 2
    assert out.splitlines()[-2:] == [
        "error: prune deletes 32 resource(s) of catalogue acme-ops; refusing without --yes in "
        "a non-interactive run",
        "  hint: review the plan, then run again with --yes",
    ]

    code, out = run("prune", "acme-ops", str(renamed), "--local", "--yes")
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0] == "Old catalogue acme-ops → local AWS (moto; account 123456789012, us-east-1)"
    assert any(line.startswith("  - function        acme-ops-log-backup ") for line in lines)
    assert "    done  delete rule acme-ops-log-backup" in lines
    assert lines[-1].startswith("Prune complete: 32 change(s) in ")

    code, out = run("plan", "--local", str(renamed))
    assert (code, out.splitlines()[-1]) == (
        0,
        "Plan: 32 to create, 0 to update, 0 to replace, 0 to delete, 0 unchanged.",
    )
    code, out = run("apply", "--local", str(renamed))
    assert code == 0, out
    assert run("prune", "acme-ops", str(renamed), "--local")[1].splitlines() == [
        "Old catalogue acme-ops → local AWS (moto; account 123456789012, us-east-1)",
        "",
        "Nothing to prune: catalogue acme-ops owns nothing here.",
    ]


def test_keep_old_scopes_applies_beside_the_old_name_which_plan_still_names(
    renamed: Path,
) -> None:
    code, out = run("apply", "--local", "--keep-old-scopes", str(renamed))

    assert code == 0, out
    assert out.splitlines()[-1].startswith("Apply complete: 32 change(s) in ")
    code, out = run("plan", "--local", str(renamed))
    assert out.splitlines()[-len(notice(renamed)) :] == notice(renamed)
    assert "No changes: 32 resources up to date." in out.splitlines()


def test_prune_refuses_the_name_of_the_catalogue_in_the_file(renamed: Path) -> None:
    code, out = run("prune", "acme-platform", str(renamed), "--local")

    assert code == 2
    assert out.splitlines() == [
        f"error: acme-platform is the catalogue in {renamed}, not an old name",
        f"  hint: to delete what it owns, run sched destroy {renamed}",
    ]
