"""The README's GitHub Actions recipe stays true: it is a workflow (YAML with the steps the recipe
promises), and every `sched ...` command in it parses with sched's own click commands, so a
renamed command or option fails here before a user's copied workflow does."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from scheduler.cli import cli

README = Path(__file__).parent.parent.parent / "README.md"
HEADING = "### Deploying from GitHub Actions"

SHELL_OPERATORS = {"||", "&&", "|", ";", ">", ">>", "2>&1"}


def workflow() -> dict[Any, Any]:
    text = README.read_text()
    section = text[text.index(HEADING) :]
    block = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert block is not None, f"no yaml block under {HEADING}"
    document = yaml.safe_load(block.group(1))
    assert isinstance(document, dict)
    return document


def steps(document: dict[Any, Any]) -> dict[str, list[dict[str, Any]]]:
    return {name: job["steps"] for name, job in document["jobs"].items()}


def sched_commands(document: dict[Any, Any]) -> list[list[str]]:
    """Every sched command of every `run:`, as words: GitHub expressions (`${{ matrix.env }}`)
    become one word, and the command ends at a shell operator."""
    found = []
    for job_steps in steps(document).values():
        for step in job_steps:
            for line in str(step.get("run", "")).splitlines():
                words = shlex.split(re.sub(r"\$\{\{.*?\}\}", "EXPR", line), comments=True)
                if words[:1] != ["sched"]:
                    continue
                end = next((i for i, w in enumerate(words) if w in SHELL_OPERATORS), len(words))
                found.append(words[1:end])
    return found


def parse(args: list[str]) -> click.Context:
    """Parse `args` as the `sched` command line would, without running anything: an unknown
    command or option raises click's usage errors."""
    ctx = cli.make_context("sched", list(args), resilient_parsing=False)
    command: click.Command = cli
    rest = list(args)
    while isinstance(command, click.Group):
        name, sub, rest = command.resolve_command(ctx, rest)
        assert sub is not None and name is not None
        ctx = sub.make_context(name, rest, parent=ctx, resilient_parsing=False)
        command = sub
        if not isinstance(sub, click.Group):
            break
    return ctx


def test_the_recipe_is_a_workflow_that_validates_plans_and_applies_each_environment() -> None:
    document = workflow()
    jobs = document["jobs"]

    assert document["permissions"]["id-token"] == "write"  # OIDC
    assert set(jobs) == {"validate", "plan", "apply-dev", "apply-prod"}
    assert (jobs["apply-dev"]["environment"], jobs["apply-prod"]["environment"]) == ("dev", "prod")
    assert jobs["apply-dev"]["needs"] == "plan" and jobs["apply-prod"]["needs"] == "apply-dev"
    for name in ("plan", "apply-dev", "apply-prod"):
        uses = [s.get("uses", "") for s in jobs[name]["steps"]]
        assert any(u.startswith("aws-actions/configure-aws-credentials@") for u in uses), name
    assert sched_commands(document) == [
        ["validate", "jobs.yaml", "--format", "github"],
        ["plan", "jobs.yaml", "--env", "EXPR", "--detailed-exitcode"],
        ["apply", "jobs.yaml", "--env", "dev", "--yes"],
        ["apply", "jobs.yaml", "--env", "prod", "--yes"],
    ]


@pytest.mark.parametrize("args", sched_commands(workflow()), ids=" ".join)
def test_every_sched_command_of_the_recipe_parses(args: list[str]) -> None:
    ctx = parse(args)

    assert ctx.params["catalogue"] == Path("jobs.yaml")
    if "--env" in args:
        assert ctx.params["env"] == args[args.index("--env") + 1]


@pytest.mark.parametrize(
    "args",
    [
        ["plan", "jobs.yaml", "--detailed-exit-code"],  # a misspelt option
        ["deploy", "jobs.yaml"],  # a command that does not exist
        ["validate", "jobs.yaml", "--format", "gitlab"],  # a value the option refuses
    ],
)
def test_a_recipe_that_drifted_would_fail_to_parse(args: list[str]) -> None:
    with pytest.raises(click.UsageError):
        parse(args)
