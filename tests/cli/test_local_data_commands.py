"""The example on the embedded local AWS with its local data: every Lambda job succeeds on a
fresh copy, `sched local reset` says what it loaded, and a bad local-data.yaml stops a command
with every problem at its line (exit 2) before anything reaches the local AWS."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from example import copy_example
from terminal import at_a_terminal, ctrl_c_at_the_question, typing_at_a_terminal

from scheduler.app.check import check
from scheduler.cli import cli

ROOT = Path(__file__).parent.parent.parent


@pytest.fixture
def catalogue(tmp_path: Path) -> Path:
    return copy_example(tmp_path, local_data=True)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env={"NO_COLOR": "1", "SCHED_LOCAL": ""})
    return result.exit_code, result.output


def test_every_example_lambda_job_succeeds_on_a_fresh_copy(catalogue: Path) -> None:
    assert run("apply", "--local", str(catalogue))[0] == 0
    for job in ("log-backup", "nightly-export", "tmp-cleanup", "role-canary", "monthly-report"):
        code, out = run("run", job, "--local", str(catalogue))
        assert code == 0, out
        assert f"{job}: succeeded in " in out

    code, out = run("status", "--local", str(catalogue))
    assert code == 0, out


def test_the_fargate_job_is_no_handler_to_run_here(catalogue: Path) -> None:
    code, out = run("run", "search-reindex", "--local", str(catalogue))

    assert code == 2
    assert out == (
        'error: job "search-reindex" runs on Fargate: sched runs Lambda handlers only\n'
        "  hint: start its ECS task with `aws ecs run-task`\n"
    )


def test_reset_says_what_the_new_local_aws_holds(catalogue: Path) -> None:
    code, out = run("local", "reset", "--yes", str(catalogue))

    assert code == 0
    assert out == (
        f"local AWS state wiped ({catalogue.parent / '.sched' / 'local'})\n"
        f"local AWS created from {catalogue.parent / 'local-data.yaml'}: "
        "4 buckets (4 objects), 1 table (3 items)\n"
    )


def test_reset_shows_paths_relative_to_the_working_folder(
    catalogue: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(catalogue.parent)
    code, out = run("local", "reset", "--yes")

    assert code == 0
    assert out == (
        "local AWS state wiped (.sched/local)\n"
        "local AWS created from local-data.yaml: 4 buckets (4 objects), 1 table (3 items)\n"
    )


def test_reset_without_yes_off_a_terminal_refuses_and_wipes_nothing(
    catalogue: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(catalogue.parent)
    assert run("apply", "--local")[0] == 0
    code, out = run("local", "reset")

    assert code == 2
    assert out == (
        "error: sched local reset would wipe the local AWS in .sched/local (what was applied, "
        "runs, logs and data); refusing without --yes in a non-interactive run\n"
        "  hint: run again with --yes\n"
    )
    assert run("plan", "--local")[1].splitlines()[-1] == "No changes: 32 resources up to date."


def _reset_at_a_terminal(folder: Path, answer: str) -> tuple[int, str]:
    """`sched local reset` with a terminal as its standard input, answering `answer`."""
    return at_a_terminal(["local", "reset"], answer, cwd=folder)


def test_reset_at_a_terminal_asks_first(catalogue: Path) -> None:
    question = "Wipe the local AWS in .sched/local (what was applied, runs, logs and data)? [y/N]: "
    assert _reset_at_a_terminal(catalogue.parent, "n") == (1, f"{question}Nothing was wiped.\n")
    assert _reset_at_a_terminal(catalogue.parent, "y") == (
        0,
        f"{question}local AWS state wiped (.sched/local)\n"
        "local AWS created from local-data.yaml: 4 buckets (4 objects), 1 table (3 items)\n",
    )


def test_ctrl_c_at_the_reset_question_exits_130_and_wipes_nothing(catalogue: Path) -> None:
    kept = catalogue.parent / ".sched" / "local" / "kept"
    kept.parent.mkdir(parents=True)
    kept.write_text("applied before")

    code, out, err = ctrl_c_at_the_question(["local", "reset"], "[y/N]: ", cwd=catalogue.parent)

    assert (code, out.splitlines()[-1], err) == (
        130,
        "Wipe the local AWS in .sched/local (what was applied, runs, logs and data)? [y/N]: ",
        "error: interrupted at the question: nothing was changed\n",
    )
    assert "Aborted!" not in out + err
    assert kept.read_text() == "applied before"


def test_the_input_ending_at_the_reset_question_says_so_and_wipes_nothing(
    catalogue: Path,
) -> None:
    kept = catalogue.parent / ".sched" / "local" / "kept"
    kept.parent.mkdir(parents=True)
    kept.write_text("applied before")

    done = typing_at_a_terminal(["local", "reset"], "\x04", cwd=catalogue.parent)  # Ctrl-D

    assert (done.returncode, done.stderr.splitlines()) == (
        1,
        [
            "error: the input ended before the question was answered: nothing was changed",
            "  hint: answer it at a terminal, or run again with --yes",
        ],
    )
    assert "Aborted!" not in done.stdout + done.stderr
    assert kept.read_text() == "applied before"


def test_a_bad_local_data_file_stops_the_command_with_exit_2(catalogue: Path) -> None:
    data = catalogue.parent / "local-data.yaml"
    data.write_text(
        "buckets:\n  Acme_Scratch: {}\ntables:\n  orders:\n    items: [{order_id: '1'}]\n"
    )

    code, out = run("apply", "--local", str(catalogue))

    assert code == 2
    assert out.splitlines()[-6:] == [
        f'error: {data}:2:3: bucket "Acme_Scratch" is not a name S3 accepts: it contains "A", '
        '"S", "_"',
        "  hint: bucket names are 3-63 lowercase letters, digits, dots and hyphens, starting and "
        'ending with a letter or digit: e.g. "acme-scratch"',
        f'error: {data}:4:3: table "orders" has no key',
        "  hint: write key: {id: S}: the partition key, then an optional sort key, each with its "
        "type: S (text), N (number) or B (binary)",
        f"error: {data}: 2 problems; the local AWS starts from this file, so it was not created",
        "  hint: fix the file and run the command again",
    ]
    assert not (catalogue.parent / ".sched" / "local" / "state.pickle").exists()


def test_validate_checks_the_local_data_offline_and_apply_on_aws_does_not(
    catalogue: Path,
) -> None:
    data = catalogue.parent / "local-data.yaml"
    data.write_text(
        "buckets:\n  Acme_Scratch: {}\ntables:\n  orders:\n    items: [{order_id: '1'}]\n"
    )

    code, out = run("validate", str(catalogue))

    assert code == 1
    assert out.splitlines() == [
        f'{data}:2:3: error SCH010 bucket "Acme_Scratch" is not a name S3 accepts: it contains'
        ' "A", "S", "_"',
        "  hint: bucket names are 3-63 lowercase letters, digits, dots and hyphens, starting and "
        'ending with a letter or digit: e.g. "acme-scratch"',
        f'{data}:4:3: error SCH010 table "orders" has no key',
        "  hint: write key: {id: S}: the partition key, then an optional sort key, each with its "
        "type: S (text), N (number) or B (binary)",
        f"{catalogue}: 2 errors (2 in {data})",  # not the catalogue's own
    ]
    # AWS never reads the local data: the gate before a plan on AWS leaves it to --local.
    assert check(catalogue, now=datetime.now(UTC)).diagnostics == ()


def _ssm_parameters(catalogue: Path) -> list[str]:
    from scheduler.app.connect import Connection, connect

    with connect(Connection(local=True), catalogue) as aws:
        found = aws.session.client("ssm").describe_parameters()["Parameters"]
    return sorted(p["Name"] for p in found)


@pytest.mark.parametrize("parameters", [False, True], ids=["no-ssm-data", "ssm-data"])
def test_two_resets_and_an_apply_in_one_process_leave_no_apply_lock(
    catalogue: Path, parameters: bool
) -> None:
    from scheduler.naming import lock_parameter_name

    if parameters:  # then the resets' seed writes SSM's backends into the saved state too
        data = catalogue.parent / "local-data.yaml"
        data.write_text(data.read_text() + "parameters:\n  /acme-ops/db-host: db.local\n")
    assert run("apply", "--local", str(catalogue))[0] == 0
    for _ in range(2):
        code, out = run("local", "reset", "--yes", str(catalogue))
        assert code == 0, out
    code, out = run("apply", "--local", str(catalogue))
    assert code == 0, out

    assert lock_parameter_name("acme-ops") not in _ssm_parameters(catalogue)
    assert _ssm_parameters(catalogue) == (["/acme-ops/db-host"] if parameters else [])
    code, out = run("apply", "--local", str(catalogue))
    assert (code, out.splitlines()[-1]) == (0, "No changes: 32 resources up to date.")
