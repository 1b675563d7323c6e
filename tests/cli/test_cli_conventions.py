"""One convention on every command: how the catalogue is given, option names, help, exit codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from example import copy_example
from terminal import at_a_terminal

from scheduler.cli import COMMAND_MODULES, cli

ROOT = Path(__file__).parent.parent.parent
MISSING_HINT = (
    "  hint: run sched in the folder that holds jobs.yaml, give its path as the CATALOGUE "
    "argument, or set SCHED_CATALOGUE\n"
)


@pytest.fixture
def catalogue(tmp_path: Path) -> Path:
    return copy_example(tmp_path)


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    base = {"NO_COLOR": "1", "SCHED_LOCAL": "", "SCHED_CATALOGUE": "", "GITHUB_ACTIONS": ""}
    result = CliRunner().invoke(cli, list(args), env={**base, **(env or {})})
    return result.exit_code, result.output


def every_command() -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = []

    def walk(prefix: str, command: click.Command) -> None:
        found.append((prefix, command))
        if isinstance(command, click.Group):
            for name, sub in command.commands.items():
                walk(f"{prefix} {name}".strip(), sub)

    context = click.Context(cli)
    for name in cli.list_commands(context):  # imports every command's module
        command = cli.get_command(context, name)
        assert command is not None
        walk(name, command)
    return found


# A group looked up alone, in a fresh process, imports only the modules COMMAND_MODULES names
# for it: it must come with every subcommand it has when all are imported (another module may
# add one, as ops.py adds `local tick`). A plain command is found whatever the table says.
ALONE = """
import sys
import click
from scheduler.cli import COMMAND_MODULES, cli
command = cli.get_command(click.Context(cli), sys.argv[1])
subcommands = sorted(command.commands) if isinstance(command, click.Group) else []
print(command.name, *subcommands)
"""


def test_each_group_loaded_alone_has_all_its_subcommands() -> None:
    groups = [(n, c) for n, c in every_command() if " " not in n and isinstance(c, click.Group)]
    assert "local" in [name for name, _ in groups]
    for name, command in groups:
        subcommands = sorted(command.commands)
        done = subprocess.run(
            [sys.executable, "-c", ALONE, name], capture_output=True, text=True, check=True
        )
        assert done.stdout.split() == [name, *subcommands]


# The same group looked up after a command of its first module, in one process (as tests do
# with CliRunner): `apply` loads deploy.py, which defines `local`, and not ops.py.
AFTER_APPLY = """
import sys
import click
from scheduler.cli import cli
cli.get_command(click.Context(cli), "apply")
print(*sorted(cli.get_command(click.Context(cli), "local").commands))
"""


def test_a_group_found_after_a_command_of_its_first_module_has_all_its_subcommands() -> None:
    local = cli.get_command(click.Context(cli), "local")
    assert isinstance(local, click.Group) and "tick" in local.commands
    done = subprocess.run(
        [sys.executable, "-c", AFTER_APPLY], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == sorted(local.commands)


def test_every_command_names_its_modules() -> None:
    assert sorted(COMMAND_MODULES) == sorted(cli.list_commands(click.Context(cli)))


@pytest.mark.parametrize(
    "args",
    [
        ("validate",),
        ("plan", "--local"),
        ("status", "--local"),
        ("history", "--local"),
        ("run", "log-backup", "--local"),
        ("trigger", "log-backup", "--local"),
        ("logs", "log-backup", "--local"),
        ("alerts", "--local"),
        ("alerts", "test", "ops", "--local"),
        ("local", "tick"),
        ("local", "reset"),
        ("permissions", "log-backup"),
        ("compile",),
    ],
)
def test_outside_a_catalogue_folder_every_command_says_so_once_and_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert run(*args) == (2, "error: no catalogue at jobs.yaml\n" + MISSING_HINT)


def test_the_catalogue_is_an_argument_after_the_job(catalogue: Path) -> None:
    code, out = run("run", "role-canary", "--local", str(catalogue))
    assert code == 0, out
    # (after the note on this Python, when it is not the job's python3.12)
    assert out.splitlines()[-1].startswith("role-canary: succeeded in ")


def test_among_many_jobs_the_catalogue_is_the_yaml_argument(catalogue: Path) -> None:
    assert run("run", "role-canary", "--local", str(catalogue))[0] == 0
    code, out = run("history", "role-canary", str(catalogue), "tmp-cleanup", "--local")
    assert code == 0, out
    assert "role-canary" in out
    assert run("next", "monthly-report", str(catalogue), "-n", "1")[0] == 0


def test_alerts_takes_the_catalogue_before_or_after_its_subcommand(catalogue: Path) -> None:
    code, out = run("alerts", str(catalogue), "--local")
    assert code == 0, out
    assert out.startswith("Alert watcher of acme-ops")
    code, out = run("alerts", "test", "ops", str(catalogue), "--local")
    assert code == 3  # the topic exists only after apply: the catalogue was read
    assert "acme-ops-alerts-ops does not exist" in out


def test_sched_catalogue_names_the_default(catalogue: Path) -> None:
    by_env = run("status", "--local", "--format", "json", env={"SCHED_CATALOGUE": str(catalogue)})
    by_argument = run("status", "--local", "--format", "json", str(catalogue))
    assert by_env == by_argument
    assert by_env[0] == 0


def test_dash_c_still_works_with_a_deprecation_warning(catalogue: Path) -> None:
    code, out = run("run", "role-canary", "--local", "-c", str(catalogue))
    assert code == 0, out
    first, second = [line for line in out.splitlines() if not line.startswith("note: ")][:2]
    assert first == (
        "warning: -c/--catalogue is deprecated and goes in the next release; give the "
        "catalogue as the CATALOGUE argument (see cli run --help)"
    )
    assert second.startswith("role-canary: succeeded in ")


def test_two_different_catalogues_are_refused(catalogue: Path) -> None:
    code, out = run("status", "--local", str(catalogue), "-c", "other.yaml")
    assert code == 2
    assert out.endswith(
        f"error: two catalogues given: {catalogue} and -c other.yaml\n"
        "  hint: give one, as the CATALOGUE argument\n"
    )


def test_deprecated_dash_c_says_so_in_every_commands_help() -> None:
    for name, command in every_command():
        for param in command.params:
            if isinstance(param, click.Option) and "-c" in param.opts:
                assert param.help == (
                    "Deprecated alias of the CATALOGUE argument, removed in the next release."
                ), name


def test_window_is_an_alias_of_since(catalogue: Path) -> None:
    since = run("status", "--local", "--since", "2d", "--format", "json", str(catalogue))
    window = run("status", "--local", "--window", "2d", "--format", "json", str(catalogue))
    assert since == window


@pytest.mark.parametrize(
    "args",
    [
        ("status", "--since", "a week"),
        ("history", "--since", "a week"),
        ("logs", "tmp-cleanup", "--since", "a week"),
    ],
)
def test_a_bad_duration_has_one_wording_and_nothing_connects(
    catalogue: Path, args: tuple[str, ...]
) -> None:
    code, out = run(*args, "--local", str(catalogue))
    assert (code, out) == (
        2,
        "error: --since 'a week' is not a duration\n"
        "  hint: write it like 7d, 12h, 30m, 1h30m or PT5M\n",
    )
    assert not (catalogue.parent / ".sched" / "local").exists()


def test_unknown_job_on_run_is_refused_before_connecting(catalogue: Path) -> None:
    code, out = run("trigger", "nope", "--local", str(catalogue))
    assert code == 2
    assert out.startswith("error: no job named 'nope' in catalogue 'acme-ops'\n")
    assert not (catalogue.parent / ".sched" / "local").exists()


def test_every_format_option_says_its_choices() -> None:
    seen = 0
    for name, command in every_command():
        for param in command.params:
            if isinstance(param, click.Option) and "--format" in param.opts and not param.hidden:
                assert isinstance(param.type, click.Choice)
                choices = ", ".join(str(c) for c in param.type.choices)
                assert (param.help or "").startswith(f"Output format: {choices}."), name
                seen += 1
    assert seen >= 7


def test_compile_has_no_format_choice_to_show() -> None:
    code, out = run("compile", "--help")
    assert code == 0
    assert "--format" not in out


def test_status_filter_lists_its_values_in_help() -> None:
    code, out = run("history", "--help")
    assert code == 0
    flat = " ".join(out.split())
    assert (
        "Only runs with these statuses, comma-separated (e.g. failed,missed): "
        "succeeded, failed, timed_out, running, missed, unknown, late." in flat
    )


def test_help_shows_every_summary_whole() -> None:
    code, out = run("--help")
    assert code == 0
    assert "..." not in out.split("Commands:")[1]
    flat = " ".join(out.split())
    assert "status Every job of CATALOGUE (default jobs.yaml) at a glance, failing and " in flat
    assert "missing ones first." in flat


def test_apply_says_what_validate_says(catalogue: Path) -> None:
    _, validated = run("validate", str(catalogue))
    code, applied = run("apply", "--local", str(catalogue))
    assert code == 0
    assert validated == f"{catalogue}: no problems found\n"
    assert applied.splitlines()[0] == f"{catalogue}: no problems found"


def before_logs_left(out: str) -> list[str]:
    """The output's lines before destroy's closing word on the log groups it leaves (every
    function has one, which apply made)."""
    lines = out.splitlines()
    ends = [i for i, line in enumerate(lines) if line.startswith(("left: ", "deleted: "))]
    return lines[: ends[0]] if ends else lines


def test_destroy_ends_with_destroy_complete_and_refuses_without_yes(applied_example: Path) -> None:
    catalogue = applied_example
    code, out = run("destroy", "--local", str(catalogue))
    assert code == 2
    assert out.splitlines()[-2:] == [
        "error: destroy deletes 32 resource(s) of catalogue acme-ops; refusing without --yes in "
        "a non-interactive run",
        "  hint: review the plan, then run again with --yes",
    ]
    code, out = run("destroy", "--local", "--yes", str(catalogue))
    assert code == 0
    assert before_logs_left(out)[-1].startswith("Destroy complete: 32 change(s) in ")


def _destroy_at_a_terminal(catalogue: Path, typed: str) -> tuple[int, str]:
    """`sched destroy` with a terminal as its standard input, answering `typed`."""
    return at_a_terminal(["destroy", "--local", str(catalogue)], typed)


def test_destroy_at_a_terminal_asks_for_the_catalogue_name(applied_example: Path) -> None:
    catalogue = applied_example
    code, out = _destroy_at_a_terminal(catalogue, "yes")
    prompt = "Destroy deletes 32 resource(s). Type the catalogue's name (acme-ops) to go ahead: "
    assert (code, out.splitlines()[-1]) == (1, f"{prompt}Nothing was changed.")
    code, out = _destroy_at_a_terminal(catalogue, "acme-ops")
    assert code == 0, out
    assert before_logs_left(out)[-1].startswith("Destroy complete: 32 change(s) in ")


CANARY = """  role-canary:
    description: Check every 15 minutes that the jobs' execution role still works
    schedule: rate(15 minutes)
    expected_runtime: 5s
    timeout: 30s
    memory: 128
    handler: jobs/role_canary/handler.py:main

"""


def test_a_removed_job_is_planned_under_its_name_with_its_deletions_counted(
    applied_example: Path,
) -> None:
    catalogue = applied_example
    text = catalogue.read_text()
    assert CANARY in text
    catalogue.write_text(text.replace(CANARY, ""))
    code, out = run("plan", "--local", str(catalogue))
    assert code == 0, out
    assert out.splitlines()[1:10] == [
        "",
        "job role-canary",
        "  - target          acme-ops-role-canary/sched                 → function "
        "acme-ops-role-canary",
        "  - permission      acme-ops-role-canary/acme-ops-role-canary  events.amazonaws.com "
        "may invoke it",
        "  - rule            acme-ops-role-canary                       rate(15 minutes)",
        "  - function        acme-ops-role-canary                       python3.12, 128 MB, "
        "timeout 30s",
        "  - role            acme-ops-role-canary                       assumed by "
        "lambda.amazonaws.com",
        "",
        "Plan: 0 to create, 0 to update, 0 to replace, 5 to delete, 27 unchanged.",
    ]
    assert out.splitlines()[10] == "Review: 5 to delete (marked - and -/+ above)."


def test_plan_json_names_each_changes_job_and_null_for_shared_ones(catalogue: Path) -> None:
    import json

    code, out = run("plan", "--local", "--format", "json", str(catalogue))
    assert code == 0
    jobs = {(c["kind"], c["name"]): c["job"] for c in json.loads(out)["changes"]}
    assert jobs[("target", "acme-ops-log-backup/sched")] == "log-backup"
    assert jobs[("schedule", "acme-ops/acme-ops-monthly-report")] == "monthly-report"
    assert jobs[("topic", "acme-ops-alerts-ops")] is None
    assert jobs[("function", "acme-ops-sched-watcher")] is None
