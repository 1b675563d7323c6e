"""`sched apply`, `plan`, `destroy` and `compile` on the embedded local AWS: output, exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from example import copy_example

from scheduler.cli import cli

ROOT = Path(__file__).parent.parent.parent


@pytest.fixture
def catalogue(tmp_path: Path) -> Path:
    return copy_example(tmp_path)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env={"NO_COLOR": "1", "SCHED_LOCAL": ""})
    return result.exit_code, result.output


def test_apply_then_plan_shows_no_changes(catalogue: Path) -> None:
    code, out = run("apply", "--local", str(catalogue))
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0] == f"{catalogue}: no problems found"
    assert "Catalogue acme-ops → local AWS (moto; account 123456789012, us-east-1)" in lines
    assert any(
        line.startswith("  + rule            acme-ops-log-backup ")
        and line.endswith("cron(0 2 ? * MON *)")
        for line in lines
    )
    assert "Plan: 32 to create, 0 to update, 0 to replace, 0 to delete, 0 unchanged." in lines
    assert lines[-1].startswith("Apply complete: 32 change(s) in ")

    code, out = run("plan", "--local", "--detailed-exitcode", str(catalogue))
    assert (code, out.splitlines()[-1]) == (0, "No changes: 32 resources up to date.")
    code, out = run("apply", "--local", str(catalogue))
    assert (code, out.splitlines()[-1]) == (0, "No changes: 32 resources up to date.")


def test_a_changed_schedule_is_one_update_and_exit_4_with_detailed_exitcode(
    applied_example: Path,
) -> None:
    catalogue = applied_example
    text = catalogue.read_text().replace("schedule: rate(1 hour)", "schedule: rate(2 hours)")
    catalogue.write_text(text)
    code, out = run("plan", "--local", "--detailed-exitcode", str(catalogue))
    assert code == 4
    lines = out.splitlines()
    assert "  ~ rule            acme-ops-tmp-cleanup  rate(2 hours)" in lines
    assert "        schedule_expression: rate(1 hour) → rate(2 hours)" in lines
    assert lines[-1] == "Plan: 0 to create, 1 to update, 0 to replace, 0 to delete, 31 unchanged."


def test_pruning_needs_yes_when_not_interactive(applied_example: Path) -> None:
    catalogue = applied_example
    text = catalogue.read_text()
    start, end = text.index("  tmp-cleanup:"), text.index("  role-canary:")
    catalogue.write_text(text[:start] + text[end:])

    code, out = run("apply", "--local", str(catalogue))
    assert code == 2
    assert "error: This plan deletes 5 resource(s); refusing without --yes" in out
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


def test_destroy_removes_everything_the_catalogue_owns(applied_example: Path) -> None:
    catalogue = applied_example
    code, out = run("destroy", "--local", str(catalogue))
    assert code == 2
    assert "refusing without --yes" in out
    code, out = run("destroy", "--local", "--yes", str(catalogue))
    assert code == 0, out
    assert "Plan: 0 to create, 0 to update, 0 to replace, 32 to delete, 0 unchanged." in out
    code, out = run("destroy", "--local", "--yes", str(catalogue))
    assert code == 0, out
    assert "Nothing to destroy: nothing sched owns is left of catalogue acme-ops." in (
        out.splitlines()
    )
    assert "No changes" not in out


def test_compile_prints_the_desired_state_as_json(catalogue: Path) -> None:
    code, out = run("compile", str(catalogue))
    assert code == 0
    state = json.loads(out)
    rules = [r for r in state["resources"] if r["kind"] == "rule"]
    assert {r["name"]: r["schedule_expression"] for r in rules}["acme-ops-log-backup"] == (
        "cron(0 2 ? * MON *)"
    )


def run_split(*args: str) -> tuple[int, str, str]:
    """Like `run`, with what went to stdout and to stderr apart."""
    result = CliRunner().invoke(cli, list(args), env={"NO_COLOR": "1", "SCHED_LOCAL": ""})
    return result.exit_code, result.stdout, result.stderr


HELLO = """\
catalogue: demo
jobs:
  hello:
    description: Say hello every day
    schedule: rate(1 day)
    expected_runtime: 10s
    handler: jobs/hello/handler.py:main
    input: {name: world}
"""


@pytest.fixture
def hello(tmp_path: Path) -> Path:
    """A catalogue of one Lambda job on the rules backend."""
    (tmp_path / "jobs" / "hello").mkdir(parents=True)
    (tmp_path / "jobs" / "hello" / "handler.py").write_text(
        "def main(event, context):\n    return 'hello'\n"
    )
    (tmp_path / "jobs.yaml").write_text(HELLO)
    return tmp_path / "jobs.yaml"


OWNED = {"managed-by": "sched", "sched:catalogue": "demo"}
HELLO_ROLE = {
    "kind": "role",
    "name": "demo-hello",
    "trust_policy": {
        "Statement": [
            {
                "Action": "sts:AssumeRole",
                "Effect": "Allow",
                "Principal": {"Service": "lambda.amazonaws.com"},
            }
        ],
        "Version": "2012-10-17",
    },
    "description": "Execution role of job hello of sched catalogue demo",
    "inline_policy": {
        "Statement": [
            {
                "Action": ["logs:CreateLogGroup"],
                "Effect": "Allow",
                "Resource": [
                    "arn:aws:logs:us-east-1:123456789012:log-group:/sched/demo/hello",
                    "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/demo-hello",
                ],
                "Sid": "CreateOwnLogGroup",
            },
            {
                "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
                "Effect": "Allow",
                "Resource": [
                    "arn:aws:logs:us-east-1:123456789012:log-group:/sched/demo/hello:*",
                    "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/demo-hello:*",
                ],
                "Sid": "WriteOwnLogs",
            },
        ],
        "Version": "2012-10-17",
    },
    "managed_policy_arns": [],
    "tags": {**OWNED, "sched:job": "hello"},
}
HELLO_FUNCTION = {
    "kind": "function",
    "name": "demo-hello",
    "runtime": "python3.12",
    "handler": "sched_runtime.handler",
    "role_arn": "arn:aws:iam::123456789012:role/demo-hello",
    "memory_mb": 256,
    "timeout_seconds": 60,
    "environment": {
        "SCHED_CATALOGUE": "demo",
        "SCHED_EXPECTED_RUNTIME_MS": "10000",
        "SCHED_HANDLER": "handler.main",
        "SCHED_JOB": "hello",
    },
    "description": "Say hello every day",
    "log_format": "JSON",
    "tags": {**OWNED, "sched:job": "hello"},
    "retry_attempts": 2,
    "max_event_age_seconds": 21600,
    "on_failure": None,
    "vpc": None,
    "architecture": "x86_64",
    "log_group": "/sched/demo/hello",
}
HELLO_PERMISSION = {
    "kind": "permission",
    "function": "demo-hello",
    "statement_id": "demo-hello",
    "principal": "events.amazonaws.com",
    "source_arn": "arn:aws:events:us-east-1:123456789012:rule/demo-hello",
    "action": "lambda:InvokeFunction",
}
HELLO_RULE = {
    "kind": "rule",
    "name": "demo-hello",
    "schedule_expression": "rate(1 day)",
    "state": "ENABLED",
    "description": "Say hello every day",
    "tags": {**OWNED, "sched:job": "hello"},
}
HELLO_TARGET = {
    "kind": "target",
    "rule": "demo-hello",
    "id": "sched",
    "arn": "arn:aws:lambda:us-east-1:123456789012:function:demo-hello",
    "input_transformer": {
        "paths": {"id": "$.id", "time": "$.time"},
        "template": '{"sched":{"job":"hello","scheduled_time":<time>,"event_id":<id>},'
        '"input":{"name":"world"}}',
    },
    "retry_policy": {"maximum_retry_attempts": 2, "maximum_event_age_seconds": 86400},
    "dead_letter_arn": None,
    "role_arn": None,
    "ecs": None,
}
# (kind, name, resource) in plan order.
HELLO_RESOURCES = [
    ("role", "demo-hello", HELLO_ROLE),
    ("function", "demo-hello", HELLO_FUNCTION),
    ("permission", "demo-hello/demo-hello", HELLO_PERMISSION),
    ("rule", "demo-hello", HELLO_RULE),
    ("target", "demo-hello/sched", HELLO_TARGET),
]
# Lambda's CodeSha256: the base64 SHA-256 of the zip, which holds sched's runtime as well.
# The digest of the files a package holds (plan compares it, not the zip's CodeSha256).
CODE_DIGEST = re.compile(r"[0-9a-f]{64}")


def _plan_json(catalogue: Path) -> dict[str, Any]:
    """`plan --format json`, parsed, with the function's code hash checked by shape and taken
    out (it changes whenever the shipped runtime does), and SCHED_DEPLOY with it."""
    code, out, err = run_split("plan", "--local", "--format", "json", str(catalogue))
    assert (code, err) == (0, ""), err
    document: dict[str, Any] = json.loads(out)
    for change in document["changes"]:
        if change["kind"] == "function":
            assert CODE_DIGEST.fullmatch(change["resource"].pop("code"))
            # SCHED_DEPLOY is a digest of the code and configuration: it changes with the code.
            deploy = change["resource"]["environment"].pop("SCHED_DEPLOY")
            assert re.fullmatch("[0-9a-f]{20}", deploy)
    return document


def test_plan_json_of_a_new_catalogue_lists_every_create_with_its_resource(hello: Path) -> None:
    assert _plan_json(hello) == {
        "has_changes": True,
        "summary": {"create": 5, "update": 0, "replace": 0, "delete": 0, "unchanged": 0},
        "changes": [
            {
                "action": "create",
                "kind": kind,
                "name": name,
                "job": "hello",  # every resource of this catalogue is its one job's
                "fields": [],
                "resource": resource,
            }
            for kind, name, resource in HELLO_RESOURCES
        ],
        "collisions": [],
        "not_created_by_sched": [],
        "finished": [],
        "pinned": [],
    }


def test_plan_json_shows_an_update_field_by_field_beside_what_is_unchanged(hello: Path) -> None:
    assert run("apply", "--local", str(hello))[0] == 0
    hello.write_text(HELLO.replace("rate(1 day)", "rate(2 days)"))
    rule = {**HELLO_RULE, "schedule_expression": "rate(2 days)"}
    assert _plan_json(hello) == {
        "has_changes": True,
        "summary": {"create": 0, "update": 1, "replace": 0, "delete": 0, "unchanged": 4},
        "changes": [
            {
                "action": "unchanged",
                "kind": "role",
                "name": "demo-hello",
                "job": "hello",
                "fields": [],
                "resource": HELLO_ROLE,
            },
            {
                "action": "unchanged",
                "kind": "function",
                "name": "demo-hello",
                "job": "hello",
                "fields": [],
                "resource": HELLO_FUNCTION,
            },
            {
                "action": "unchanged",
                "kind": "permission",
                "name": "demo-hello/demo-hello",
                "job": "hello",
                "fields": [],
                "resource": HELLO_PERMISSION,
            },
            {
                "action": "update",
                "kind": "rule",
                "name": "demo-hello",
                "job": "hello",
                "fields": [
                    {"field": "schedule_expression", "old": "rate(1 day)", "new": "rate(2 days)"}
                ],
                "resource": rule,
            },
            {
                "action": "unchanged",
                "kind": "target",
                "name": "demo-hello/sched",
                "job": "hello",
                "fields": [],
                "resource": HELLO_TARGET,
            },
        ],
        "collisions": [],
        "not_created_by_sched": [],
        "finished": [],
        "pinned": [],
    }


MISSING_ARN = "arn:aws:lambda:us-east-1:123456789012:function:missing"


def test_a_failed_apply_exits_3_and_says_what_failed_and_what_to_do(hello: Path) -> None:
    # A `function:` job naming a function that does not exist: its permission cannot be added.
    hello.write_text(
        HELLO
        + "  legacy:\n    schedule: rate(1 hour)\n    expected_runtime: 1m\n"
        + f"    function: {MISSING_ARN}\n"
    )
    code, out, err = run_split("apply", "--local", str(hello))
    assert code == 3, out + err
    # Both permissions start together (one phase), so the other one is done, and the rest of
    # the plan is skipped; the summary lists them in plan order whatever order they ended in.
    assert re.sub(r"\(\d+\.\ds\)", "(…s)", err).splitlines() == [
        "Apply failed: 3 done, 1 failed, 4 skipped (…s).",
        f"  failed   create permission {MISSING_ARN}/demo-legacy: lambda:AddPermission: "
        f"function {MISSING_ARN} does not exist",
        "           hint: sched does not create a function named by ARN: create it, or fix the "
        "job's function: (or give it a handler:)",
        "  skipped  create rule demo-hello",
        "  skipped  create rule demo-legacy",
        "  skipped  create target demo-hello/sched",
        "  skipped  create target demo-legacy/sched",
        "Nothing else was touched. Running the same command again fails the same way until "
        "what failed is fixed.",
    ]
    assert sorted(
        line for line in out.splitlines() if line.startswith(("    done", "  failed"))
    ) == [
        "    done  create function demo-hello",
        "    done  create permission demo-hello/demo-hello",
        "    done  create role demo-hello",
        f"  failed  create permission {MISSING_ARN}/demo-legacy",
    ]


def test_a_stopped_apply_lists_each_skipped_change_once_in_its_summary(hello: Path) -> None:
    hello.write_text(
        HELLO
        + "  legacy:\n    schedule: rate(1 hour)\n    expected_runtime: 1m\n"
        + f"    function: {MISSING_ARN}\n"
    )
    code, out, err = run_split("apply", "--local", str(hello))
    assert code == 3, out + err
    lines = (out + err).splitlines()
    for change in ("rule demo-hello", "rule demo-legacy", "target demo-hello/sched"):
        assert [line for line in lines if line.endswith(f"create {change}")] == [
            f"  skipped  create {change}"
        ]


def test_compile_list_packages_prints_each_zips_files_and_what_it_left_out(hello: Path) -> None:
    from scheduler.package import RUNTIME_SOURCE

    folder = hello.parent / "jobs" / "hello"
    (folder / "secrets.json").write_text("{}\n")
    (folder / "id_rsa").write_text("not a key\n")
    runtime = sorted(f"sched_runtime/{p.name}" for p in RUNTIME_SOURCE.glob("*.py"))

    code, out, err = run_split("compile", "--list-packages", str(hello))

    assert code == 0, err
    assert out.splitlines() == [
        f"hello: {1 + len(runtime)} files",
        "  handler.py",
        *(f"  {name}" for name in runtime),
        "  left out: id_rsa, secrets.json",
    ]
    assert 'warning SCH312 job "hello": credential-looking files' in err


def test_compile_list_packages_of_a_clean_job_has_no_left_out_line(hello: Path) -> None:
    code, out, err = run_split("compile", "--list-packages", str(hello))
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == "hello: 4 files"
    assert out.splitlines()[-1] == "  sched_runtime/wrapper.py"


def test_a_taken_name_is_shown_in_the_plan_and_apply_refuses_before_any_write(
    hello: Path,
) -> None:
    from scheduler.local import embedded

    with embedded.running(hello.parent / ".sched" / "local") as local:
        local.session.client("events").put_rule(Name="demo-hello", ScheduleExpression="rate(1 day)")

    code, out, err = run_split("apply", "--local", str(hello))

    assert code == 3, out + err
    assert out.splitlines()[-3:] == [
        "",
        "Names taken (apply refuses the whole plan until they are free):",
        "  ! rule            demo-hello  exists, not created by sched",
    ]
    assert err.splitlines() == [
        "error: rule demo-hello exists, not created by sched; sched will not take it over",
        "  hint: rename the job (or the catalogue), or delete or rename that rule",
        "error: 1 name taken; nothing was changed",
        "  hint: free or rename them, then apply again",
    ]
    with embedded.running(hello.parent / ".sched" / "local") as local:
        assert local.session.client("lambda").list_functions()["Functions"] == []
        roles = local.session.client("iam").list_roles()["Roles"]
        assert "demo-hello" not in {r["RoleName"] for r in roles}


def test_commands_that_read_runs_count_the_catalogue_s_warnings_where_plan_lists_them(
    hello: Path,
) -> None:
    (hello.parent / "jobs" / "hello" / "secrets.json").write_text("{}\n")
    counted = [f"{hello}: 1 warning; `sched validate {hello}` lists them"]

    code, _, err = run_split("plan", "--local", str(hello))
    assert code == 0, err
    assert 'warning SCH312 job "hello": credential-looking files' in err

    for command in ("status", "history"):
        code, _, err = run_split(command, "--local", str(hello))
        assert (command, code, err.splitlines()) == (command, 0, counted)
    code, _, err = run_split("logs", "hello", "--local", str(hello))
    assert (code, err.splitlines()[:2]) == (
        2,
        [*counted, 'error: no run of job "hello" logged in the window'],
    )
