"""A rename on the local AWS as a user meets it: every command a process of its own, on a copy of
the repository's example as it is (`--env dev`). One process already holds moto's models of every
service it called, and the saved state loads a service only when it is first called, so a rename
found by the in-process tests (test_rename_commands.py) could still be missed here."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
NEW = "catalogue: acme-platform\n"
SHARED = "log-backup, nightly-export, role-canary, tmp-cleanup"


def example(folder: Path) -> Path:
    """The example as a user copies it: catalogue, jobs' code, local data."""
    shutil.copy(ROOT / "jobs.yaml", folder / "jobs.yaml")
    shutil.copy(ROOT / "local-data.yaml", folder / "local-data.yaml")
    shutil.copytree(ROOT / "jobs", folder / "jobs")
    shutil.copytree(ROOT / "local-data", folder / "local-data")
    return folder / "jobs.yaml"


def sched(folder: Path, *args: str) -> tuple[int, list[str]]:
    """`sched ARGS` run in `folder` in a new process: its exit code and its output's lines."""
    env = {**os.environ, "NO_COLOR": "1", "SCHED_LOCAL": "", "SCHED_ENV": "", "COLUMNS": "100"}
    done = subprocess.run(
        [sys.executable, "-m", "scheduler", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return done.returncode, (done.stdout + done.stderr).splitlines()


def rename(catalogue: Path, old: str, new: str) -> None:
    text = catalogue.read_text()
    assert old in text
    catalogue.write_text(text.replace(old, new, 1))


def test_a_catalogue_renamed_is_found_refused_kept_and_pruned_locally(tmp_path: Path) -> None:
    catalogue = example(tmp_path)
    assert sched(tmp_path, "apply", "--local", "--env", "dev", "--yes", "jobs.yaml")[0] == 0
    rename(catalogue, "catalogue: acme-ops\n", NEW)

    code, lines = sched(tmp_path, "plan", "--local", "--env", "dev", "jobs.yaml")
    assert code == 0
    assert "Plan: 29 to create, 0 to update, 0 to replace, 0 to delete, 0 unchanged." in lines
    assert lines[-8:] == [
        "",
        "Old name still deployed: catalogue acme-ops, environment dev",
        f"  it runs 4 jobs of this catalogue ({SHARED}); 5",
        "    functions of it found",
        "  they keep firing until it is pruned: while both are deployed, each of these jobs fires "
        "twice",
        "  to move them here, prune it first, then apply:",
        "    sched prune acme-ops --environment dev jobs.yaml --local --env dev",
        "    sched apply jobs.yaml --local --env dev",
    ]

    code, lines = sched(tmp_path, "apply", "--local", "--env", "dev", "--yes", "jobs.yaml")
    assert code == 3
    assert lines[-2:] == [
        "error: catalogue acme-ops, environment dev, an older name of this catalogue, still runs "
        "4 of its jobs; applying now would fire them twice, so nothing was changed",
        "  hint: prune it first (sched prune acme-ops --environment dev jobs.yaml --local --env "
        "dev), then apply again; or, if it is not an old name of this catalogue, apply with "
        "--keep-old-scopes",
    ]

    keep = ("apply", "--local", "--env", "dev", "--yes", "--keep-old-scopes", "jobs.yaml")
    code, lines = sched(tmp_path, *keep)
    assert code == 0, lines
    assert lines[-1].startswith("Apply complete: 29 change(s) in ")

    # Without --environment, a prune means the name before it had environments: it says so.
    code, lines = sched(tmp_path, "prune", "acme-ops", "--local", "--env", "dev", "--yes")
    assert (code, lines[-2:]) == (
        0,
        [
            "Nothing to prune: catalogue acme-ops owns nothing here outside its environments.",
            "  hint: to prune its environment dev: sched prune acme-ops --environment dev "
            "jobs.yaml --local --env dev",
        ],
    )
    prune = ("prune", "acme-ops", "--environment", "dev", "--local", "--env", "dev", "--yes")
    code, lines = sched(tmp_path, *prune)
    assert code == 0, lines
    assert lines[0] == (
        "Old catalogue acme-ops, environment dev → local AWS (moto; account 123456789012, "
        "us-east-1)"
    )
    assert lines[-1].startswith("Prune complete: 29 change(s) in ")

    code, lines = sched(tmp_path, "plan", "--local", "--env", "dev", "jobs.yaml")
    assert (code, lines[-1]) == (0, "No changes: 29 resources up to date.")


def test_an_environment_renamed_is_found_in_its_old_local_aws_and_pruned_there(
    tmp_path: Path,
) -> None:
    catalogue = example(tmp_path)
    assert sched(tmp_path, "apply", "--local", "--env", "dev", "--yes", "jobs.yaml")[0] == 0
    rename(catalogue, "\n  dev:\n", "\n  development:\n")
    development = ("--local", "--env", "development", "jobs.yaml")

    code, lines = sched(tmp_path, "plan", *development)
    assert code == 0
    assert lines[-8:] == [
        "",
        "Old name still deployed: catalogue acme-ops, environment dev",
        f"  it runs 4 jobs of this catalogue ({SHARED}); 5",
        "    functions of it found",
        "  they keep firing until it is pruned: while both are deployed, each of these jobs fires "
        "twice",
        "  to move them here, prune it first, then apply:",
        "    sched prune acme-ops --environment dev jobs.yaml --local --env dev",
        "    sched apply jobs.yaml --local --env development",
    ]
    # prod's local AWS stands for another account: dev's old one is not prod's old name.
    code, lines = sched(tmp_path, "plan", "--local", "--env", "prod", "jobs.yaml")
    assert (code, lines[-1]) == (
        0,
        "Plan: 32 to create, 0 to update, 0 to replace, 0 to delete, 0 unchanged.",
    )

    code, lines = sched(tmp_path, "apply", "--yes", *development)
    assert code == 3
    assert lines[-1].startswith(
        "  hint: prune it first (sched prune acme-ops --environment dev jobs.yaml --local --env "
        "dev), then apply again"
    )
    code, lines = sched(tmp_path, "apply", "--yes", "--keep-old-scopes", *development)
    assert code == 0, lines
    assert lines[-1].startswith("Apply complete: 29 change(s) in ")
    assert "Old name still deployed: catalogue acme-ops, environment dev" in lines

    prune = ("prune", "acme-ops", "--environment", "dev", "--local", "--env", "dev", "--yes")
    code, lines = sched(tmp_path, *prune)
    assert code == 0, lines
    assert lines[-1].startswith("Prune complete: 29 change(s) in ")

    code, lines = sched(tmp_path, "plan", *development)
    assert (code, lines[-1]) == (0, "No changes: 29 resources up to date.")


def test_the_catalogue_before_it_had_environments_is_found_in_the_first_local_aws(
    tmp_path: Path,
) -> None:
    from example import without_environments

    catalogue = example(tmp_path)
    full = catalogue.read_text()
    catalogue.write_text(without_environments(full))
    assert sched(tmp_path, "apply", "--local", "--yes", "jobs.yaml")[0] == 0
    catalogue.write_text(full)

    code, lines = sched(tmp_path, "plan", "--local", "--env", "dev", "jobs.yaml")
    assert code == 0
    assert lines[-3:] == [
        "  to move them here, prune it first, then apply:",
        "    sched prune acme-ops jobs.yaml --local --region us-east-1",
        "    sched apply jobs.yaml --local --env dev",
    ]
    assert "Old name still deployed: catalogue acme-ops" in lines

    assert sched(tmp_path, "apply", "--local", "--env", "dev", "--yes", "jobs.yaml")[0] == 3
    prune = ("prune", "acme-ops", "jobs.yaml", "--local", "--region", "us-east-1", "--yes")
    code, lines = sched(tmp_path, *prune)
    assert code == 0, lines
    code, lines = sched(tmp_path, "apply", "--local", "--env", "dev", "--yes", "jobs.yaml")
    assert code == 0, lines
    assert lines[-1].startswith("Apply complete: 29 change(s) in ")
