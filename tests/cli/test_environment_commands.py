"""`--env NAME` (and SCHED_ENV) on the commands that touch AWS or its logs: with environments
declared, none given is a usage error naming them (never a guess), an unknown one says which
exist; each environment has its own local AWS, names and plan; `compile --env` shows the merge."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scheduler.cli import cli

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
      canary: {memory: 512, input: {deep: true}}
jobs:
  canary:
    schedule: rate(1 hour)
    expected_runtime: 5s
    handler: jobs/canary/handler.py:main
    input: {name: canary}
  report:
    schedule: rate(1 day)
    expected_runtime: 5s
    handler: jobs/canary/handler.py:main
    environments: [prod]
"""
HANDLER = "def main(event, context):\n    return {'ok': True}\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "jobs" / "canary").mkdir(parents=True)
    (tmp_path / "jobs" / "canary" / "handler.py").write_text(HANDLER)
    path = tmp_path / "jobs.yaml"
    path.write_text(CATALOGUE)
    return path


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    environ = {"NO_COLOR": "1", "SCHED_LOCAL": "", "SCHED_ENV": "", **(env or {})}
    result = CliRunner().invoke(cli, list(args), env=environ)
    return result.exit_code, result.output


def missing(path: Path) -> str:
    return (
        f"error: {path} declares environments (dev, prod): say which with --env NAME (or "
        "SCHED_ENV)\n  hint: e.g. --env dev; sched never picks one itself\n"
    )


@pytest.mark.parametrize(
    "command",
    [
        ["plan", "--local"],
        ["apply", "--local", "--yes"],
        ["destroy", "--local", "--yes"],
        ["status", "--local"],
        ["history", "--local"],
        ["logs", "canary", "--local"],
        ["run", "canary", "--local"],
        ["trigger", "canary", "--local"],
        ["alerts", "--local"],
        ["versions", "canary", "--local"],
        ["rollback", "canary", "--local"],
        ["local", "tick"],
        ["local", "reset"],
        ["compile"],
    ],
    ids=" ".join,
)
def test_without_env_a_catalogue_with_environments_is_a_usage_error(
    project: Path, command: list[str]
) -> None:
    # the catalogue last, as every command takes it
    assert run(*command, str(project)) == (2, missing(project))
    assert not (project.parent / ".sched" / "local").exists()


def test_an_unknown_environment_says_which_exist(project: Path) -> None:
    assert run("plan", "--local", "--env", "staging", str(project)) == (
        2,
        f'error: no environment "staging" in {project}; it declares dev, prod\n'
        "  hint: give one of them to --env (or SCHED_ENV)\n",
    )


def test_an_environment_for_a_catalogue_without_any_is_a_usage_error(project: Path) -> None:
    shared = CATALOGUE[CATALOGUE.index("jobs:") :].replace("    environments: [prod]\n", "")
    project.write_text("catalogue: acme\n" + shared)
    assert run("plan", "--local", str(project), env={"SCHED_ENV": "dev"}) == (
        2,
        f"error: {project} declares no environments, so --env dev names none\n"
        "  hint: leave out --env (and SCHED_ENV), or declare it under environments:\n",
    )


def test_dev_and_prod_deploy_side_by_side_each_in_its_own_local_aws(project: Path) -> None:
    code, out = run("apply", "--local", "--env", "dev", str(project))
    assert code == 0, out
    assert (
        "Catalogue acme, environment dev → local AWS (moto; account 123456789012, us-east-1)" in out
    )
    assert "  + function        acme-dev-canary" in out
    assert "report" not in out  # prod's only
    code, out = run("apply", "--local", str(project), env={"SCHED_ENV": "prod"})
    assert code == 0, out
    assert "  + function        acme-prod-report" in out
    states = sorted(p.name for p in (project.parent / ".sched").iterdir() if p.name != "build")
    assert states == ["local-dev", "local-prod"]

    assert run("plan", "--local", "--env", "dev", str(project))[1].splitlines()[-1] == (
        "No changes: 5 resources up to date."
    )
    project.write_text(CATALOGUE.replace("{memory: 512,", "{memory: 1024,"))
    assert run("plan", "--local", "--env", "dev", str(project))[1].splitlines()[-1] == (
        "No changes: 5 resources up to date."
    )
    code, out = run("plan", "--local", "--env", "prod", str(project))
    assert "        memory_mb: 512 → 1024" in out.splitlines()
    assert "Plan: 0 to create, 1 to update, 0 to replace, 0 to delete, 9 unchanged." in out


def test_compile_env_shows_the_merged_catalogue_of_the_environment(project: Path) -> None:
    code, out = run("compile", "--env", "prod", str(project))

    assert code == 0, out
    resources = json.loads(out)["resources"]
    named = {(r["kind"], r.get("name") or r.get("rule")): r for r in resources}
    function = named[("function", "acme-prod-canary")]
    assert function["memory_mb"] == 512
    assert function["role_arn"] == "arn:aws:iam::222222222222:role/acme-prod-canary"
    assert function["tags"]["sched:environment"] == "prod"
    assert function["tags"]["sched:catalogue"] == "acme"
    target = named[("target", "acme-prod-canary")]
    assert target["arn"] == "arn:aws:lambda:eu-west-1:222222222222:function:acme-prod-canary"
    assert '"input":{"deep":true,"name":"canary"}' in target["input_transformer"]["template"]
    assert ("function", "acme-prod-report") in named


def test_a_renamed_catalogues_notice_points_its_commands_at_the_environment(
    project: Path,
) -> None:
    project.write_text(CATALOGUE.replace("catalogue: acme\n", "catalogue: acme-old\n"))
    assert run("apply", "--local", "--env", "dev", str(project))[0] == 0
    project.write_text(CATALOGUE)

    code, out = run("plan", "--local", "--env", "dev", str(project))

    assert code == 0
    assert out.splitlines()[-7:] == [
        "",
        "Old name still deployed: catalogue acme-old, environment dev",
        "  it runs 1 job of this catalogue (canary); 1 function of it found",
        "  they keep firing until it is pruned: while both are deployed, each of these jobs "
        "fires twice",
        "  to move them here, prune it first, then apply:",
        f"    sched prune acme-old --environment dev {project} --local --env dev",
        f"    sched apply {project} --local --env dev",
    ]
    prune = ["prune", "acme-old", "--environment", "dev", str(project), "--local", "--env", "dev"]
    code, out = run(*prune, "--yes")
    assert code == 0, out
    assert run("plan", "--local", "--env", "dev", str(project))[1].count("Old name") == 0


@pytest.mark.parametrize(
    "command",
    [
        ["run", "report"],
        ["trigger", "report"],
        ["logs", "report"],
        ["history", "report"],
        ["versions", "report"],
    ],
)
def test_a_job_of_another_environment_is_not_deployed_here_rather_than_unknown(
    project: Path, command: list[str]
) -> None:
    assert run(*command, str(project), "--local", "--env", "dev") == (
        2,
        "error: job 'report' is not deployed to environment dev (it is in: prod)\n"
        "  hint: use --env prod\n",
    )


def test_an_unknown_job_in_an_environment_still_lists_the_environments_jobs(
    project: Path,
) -> None:
    assert run("run", "nope", str(project), "--local", "--env", "dev") == (
        2,
        "error: no job named 'nope' in catalogue 'acme'\n  hint: jobs: canary\n",
    )


def test_next_says_where_a_job_of_another_environment_is_with_no_guess(project: Path) -> None:
    code, out = run("next", "report", str(project), "--env", "dev")
    assert (code, out) == (
        2,
        "report\n"
        "  error job 'report' is not deployed to environment dev (it is in: prod)\n"
        "  hint: use --env prod\n",
    )


def test_two_jobs_of_other_environments_name_each_ones_environments(project: Path) -> None:
    only_prod = CATALOGUE.replace("    input: {name: canary}\n", "    environments: [prod]\n")
    project.write_text(only_prod)
    assert run("history", "report", "canary", str(project), "--local", "--env", "dev") == (
        2,
        "error: jobs 'canary', 'report' are not deployed to environment dev "
        "(canary is in: prod; report is in: prod)\n"
        "  hint: use --env prod\n",
    )


def test_the_local_help_names_the_folder_each_environment_is_kept_in() -> None:
    code, out = run("plan", "--help")
    assert code == 0
    assert (
        "--local Use the embedded local AWS (moto; or SCHED_LOCAL=1), kept under "
        ".sched/local-ENV/ for --env ENV, else .sched/local/."
    ) in " ".join(out.split())
    code, out = run("local", "--help")
    assert code == 0
    assert (
        "Manage the embedded local AWS (moto) kept under .sched/local-ENV/ (for --env ENV)."
    ) in " ".join(out.split())


def test_status_and_history_hints_run_as_printed_in_local_mode(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(project.parent)
    code, out = run("status", "--local", "--env", "dev")
    assert code == 0, out
    apply = "`sched apply --local --env dev` schedules it"
    words = " ".join(out.split())  # as the terminal shows it, wrapped or not
    assert f"not deployed: no function acme-dev-canary; {apply} · every hour" in words
    code, out = run("history", "--local", "--env", "dev")
    assert code == 0, out
    words = " ".join(out.split())
    assert f"note: canary: not deployed: no function acme-dev-canary; {apply}" in words


def test_destroy_with_nothing_left_says_so_of_the_environment(project: Path) -> None:
    code, out = run("destroy", "--local", "--env", "dev", "--yes", str(project))
    assert code == 0, out
    assert out.splitlines()[:3] == [
        "Catalogue acme, environment dev → local AWS (moto; account 123456789012, us-east-1)",
        "",
        "Nothing to destroy: nothing sched owns is left of catalogue acme in environment dev.",
    ]


def test_trigger_before_apply_names_commands_that_reach_the_environment(project: Path) -> None:
    code, out = run("trigger", "canary", str(project), "--local", "--env", "dev")
    # (after the note on this Python, when it is not the job's python3.12)
    assert (code, out.splitlines()[-2:]) == (
        2,
        [
            'error: job "canary" is not deployed to the local AWS: it has no function to trigger',
            "  hint: deploy it with `sched apply --local --env dev`, or run its handler with "
            "`sched run canary --local --env dev`",
        ],
    )
