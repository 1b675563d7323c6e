"""The old-name notice as text and JSON, and the prune command it prints for each connection."""

from __future__ import annotations

import json
from pathlib import Path

from scheduler.app.connect import Connection
from scheduler.cli.rename import prune_command
from scheduler.report.rename import to_json, to_lines
from scheduler.scopes import OldScope, Scope

OLD = OldScope(Scope("acme", "dev"), ("backup", "export"), ("legacy",), functions=3, rules=1)
PRUNE = {OLD.scope: "sched prune acme --environment dev"}
APPLY = "sched apply jobs.yaml --env dev"


def test_an_old_environment_is_named_with_the_jobs_it_runs_and_those_it_has_beside() -> None:
    assert to_lines([OLD], PRUNE, APPLY) == [
        "",
        "Old name still deployed: catalogue acme, environment dev",
        "  it runs 2 jobs of this catalogue (backup, export) and 1 it no longer has (legacy); 3 "
        "functions and",
        "    1 rule of it found",
        "  they keep firing until it is pruned: while both are deployed, each of these jobs "
        "fires twice",
        "  to move them here, prune it first, then apply:",
        "    sched prune acme --environment dev",
        "    sched apply jobs.yaml --env dev",
    ]


def test_a_search_that_was_not_allowed_is_said_in_text_and_null_in_json() -> None:
    assert to_lines([], {}, APPLY, searched=False) == [
        "",
        "note: older names of this catalogue were not looked for (tag:GetResources is not "
        "allowed); if it was",
        "  renamed, the old name's jobs still run until pruned",
    ]
    assert json.loads(to_json('{"has_changes": false}', [], {}, APPLY, searched=False)) == {
        "has_changes": False,
        "old_scopes": None,
    }


def test_json_is_left_as_it_is_when_there_is_no_old_name() -> None:
    assert to_json('{"has_changes": false}', [], {}, APPLY) == '{"has_changes": false}'


def test_the_prune_command_points_at_the_same_aws_and_quotes_what_the_shell_would_split() -> None:
    aws = Connection(profile="ops", region="eu-west-1")
    local = Connection(local=True)

    assert prune_command(Scope("acme ops", "dev"), aws, Path("jobs.yaml")) == (
        "sched prune 'acme ops' --environment dev --profile ops --region eu-west-1"
    )
    assert prune_command(Scope("acme"), local, Path("infra/jobs.yaml")) == (
        "sched prune acme infra/jobs.yaml --local"
    )
