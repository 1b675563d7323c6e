"""Annotations and SARIF name files from the repository root, as GitHub resolves them, so that a
workflow step with a `working-directory` still annotates the right file."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from scheduler.cli import cli
from scheduler.report.diagnostics import repository_path

RULES = Path(__file__).parent.parent / "fixtures" / "rules"


@pytest.fixture
def infra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "repo" / "infra"
    shutil.copytree(RULES / "jobs" / "ok", folder / "jobs" / "ok")
    shutil.copy(RULES / "SCH108.fail.yaml", folder / "jobs.yaml")
    monkeypatch.chdir(folder)
    return folder


def _run(*args: str, root: Path) -> str:
    env = {"GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(root)}
    return CliRunner().invoke(cli, list(args), env=env).output


def test_an_annotation_names_the_file_from_the_repository_root(infra: Path) -> None:
    out = _run("validate", "jobs.yaml", root=infra.parent)
    assert out.startswith("::warning file=infra/jobs.yaml,line=5,col=15,")


def test_a_sarif_result_names_it_from_the_root_too(infra: Path) -> None:
    out = _run("validate", "jobs.yaml", "--format", "sarif", root=infra.parent)
    [result] = json.loads(out)["runs"][0]["results"]
    assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == (
        "infra/jobs.yaml"
    )


@pytest.mark.parametrize(
    ("file", "cwd", "root", "expected"),
    [
        ("jobs.yaml", "/w/repo/infra", "/w/repo", "infra/jobs.yaml"),
        ("../jobs.yaml", "/w/repo/infra", "/w/repo/", "jobs.yaml"),
        ("/w/repo/a/jobs.yaml", "/elsewhere", "/w/repo", "a/jobs.yaml"),
        ("jobs.yaml", "/w/other", "/w/repo", "jobs.yaml"),  # outside the repository: as given
        ("jobs.yaml", "/w/repository", "/w/repo", "jobs.yaml"),  # a prefix is no parent
        ("jobs.yaml", "/w/repo/infra", None, "jobs.yaml"),  # not under GitHub Actions
    ],
)
def test_repository_path(file: str, cwd: str, root: str | None, expected: str) -> None:
    assert repository_path(file, cwd=cwd, root=root) == expected
