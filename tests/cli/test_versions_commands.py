"""`sched versions` and `sched rollback` on the embedded local AWS: each apply that changes the
function publishes a version, rollback moves the live alias back, the next plan says so, and a
version that was pruned is refused with the kept ones listed."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from scheduler.cli import cli

CATALOGUE = """\
catalogue: acme-ver
defaults:
  versions: 2
jobs:
  nightly:
    schedule: cron(0 2 * * ? *)
    expected_runtime: 1m
    handler: jobs/nightly/handler.py:main
"""


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env={"NO_COLOR": "1", "SCHED_LOCAL": ""})
    return result.exit_code, result.output


def deploy(root: Path, n: int) -> None:
    (root / "jobs" / "nightly").mkdir(parents=True, exist_ok=True)
    (root / "jobs" / "nightly" / "handler.py").write_text(
        f"def main(event, ctx):\n    return {n}\n"
    )
    code, out = run("apply", "--local", "--yes", str(root / "jobs.yaml"))
    assert code == 0, out


def test_versions_rollback_and_the_plan_that_follows(tmp_path: Path) -> None:
    (tmp_path / "jobs.yaml").write_text(CATALOGUE)
    path = str(tmp_path / "jobs.yaml")
    for n in (1, 2, 3):
        deploy(tmp_path, n)

    assert run("versions", "nightly", "--local", path) == (
        0,
        "VERSION  RUNS  FAILED\n"
        "2           0       0\n"
        "3 live      0       0\n"
        "\n"
        "runs in the last 7d; live: the version the schedule invokes\n"
        "note: local runs always run the handler's current code, as $LATEST: they count under no"
        " version, and a local rollback changes what the local schedule would invoke, not what"
        " sched run --local runs\n",
    )
    code, out = run("rollback", "nightly", "--local", path, "--to", "1")
    assert (code, out) == (
        2,
        'error: job "nightly": version 1 of acme-ver-nightly is not kept (kept: 2, 3)\n'
        "  hint: roll back to one of them: sched rollback nightly --to 3\n",
    )
    assert run("rollback", "nightly", "--local", path) == (
        0,
        "nightly: live alias of acme-ver-nightly moved from version 3 to 2\n"
        "  pinned: apply leaves it there (the plan says so); sched rollback nightly --latest"
        " moves it to the newest\n",
    )
    code, out = run("plan", "--local", path)
    assert (code, out.splitlines()[2:]) == (
        0,
        [
            "No changes: 6 resources up to date.",
            "",
            "Pinned by sched rollback (apply leaves them on their version):",
            "  = alias acme-ver-nightly:live  on version 2, not the newest; sched rollback nightly"
            " --latest moves",
            "      it there",
        ],
    )
    assert run("versions", "nightly", "--local", path)[1].splitlines()[:6] == [
        "VERSION          RUNS  FAILED",
        "2 live (pinned)     0       0",
        "3                   0       0",
        "",
        "runs in the last 7d; live: the version the schedule invokes",
        "pinned by sched rollback: apply leaves it there; sched rollback nightly --latest moves it"
        " to the newest",
    ]
    code, out = run("rollback", "nightly", "--local", path, "--latest", "--to", "3")
    assert (code, out.splitlines()[-1]) == (2, "Error: give --to VERSION or --latest, not both")
    assert run("rollback", "nightly", "--local", path, "--latest") == (
        0,
        "nightly: live alias of acme-ver-nightly moved from version 2 to 3\n"
        "  not pinned: apply keeps it on the newest version\n",
    )
    code, out = run("plan", "--local", path)
    assert (code, out.splitlines()[2:]) == (0, ["No changes: 6 resources up to date."])


def test_a_job_without_versions_is_refused_with_a_hint(tmp_path: Path) -> None:
    (tmp_path / "jobs.yaml").write_text(CATALOGUE.replace("defaults:\n  versions: 2\n", ""))
    (tmp_path / "jobs" / "nightly").mkdir(parents=True)
    (tmp_path / "jobs" / "nightly" / "handler.py").write_text("def main(event, ctx):\n    pass\n")
    assert run("versions", "nightly", str(tmp_path / "jobs.yaml")) == (
        2,
        'error: job "nightly" is not versioned: its schedule invokes $LATEST\n'
        "  hint: set versions: 3 on the job (or under defaults:) and apply, to keep versions\n",
    )
