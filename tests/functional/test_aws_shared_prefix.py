"""Two catalogues whose names share a prefix (`acme`, `acme-ops`), one of whose jobs invokes the
other's function, and a hand-made `acme-x` statement: neither catalogue ever plans to change or
delete a permission statement of the other's or one made by hand."""

from __future__ import annotations

import json
from pathlib import Path

import boto3
import pytest
from aws_support import (
    ACCOUNT,
    REGION,
    compile_for,
    load_catalogue,
    read_back,
    without_job,
    write_catalogue,
)

from scheduler import naming
from scheduler.apply import apply_plan
from scheduler.aws import AwsContext
from scheduler.plan import Action, make_plan
from scheduler.resource_state import DesiredState, ResourceState
from scheduler.resources import Permission, ResourceKind
from scheduler.state import StatementOwnership

SHARED = naming.function_arn(REGION, ACCOUNT, "acme-ops-log-backup")
HAND_MADE_RULE = naming.rule_arn(REGION, ACCOUNT, "acme-x")

ACME_OPS = """\
catalogue: acme-ops
jobs:
  log-backup:
    schedule: cron(0 2 ? * MON *)
    expected_runtime: 5m
    handler: jobs/backup/handler.py:main
"""

# `copy` and `ops-copy` invoke acme-ops's function; `ops-copy`'s statement id (`acme-ops-copy`)
# even has acme-ops's prefix.
ACME = f"""\
catalogue: acme
jobs:
  copy:
    schedule: rate(1 hour)
    expected_runtime: 1m
    function: {SHARED}
  ops-copy:
    schedule: rate(2 hours)
    expected_runtime: 1m
    function: {SHARED}
  backup:
    schedule: rate(1 day)
    expected_runtime: 1m
    handler: jobs/backup/handler.py:main
"""


def _desired(aws: AwsContext, root: Path, text: str) -> DesiredState:
    catalogue = load_catalogue(write_catalogue(root, text))
    return compile_for(catalogue, aws, root / "build")


def _apply(aws: AwsContext, name: str, desired: DesiredState) -> None:
    result = apply_plan(make_plan(desired, read_back(aws, name, desired)), aws.writer)
    assert result.ok, result.failed


def _statements(function: str) -> set[str]:
    policy = boto3.client("lambda").get_policy(FunctionName=function)["Policy"]
    return {s["Sid"] for s in json.loads(policy)["Statement"]}


@pytest.fixture
def both(aws: AwsContext, tmp_path: Path) -> tuple[DesiredState, DesiredState]:
    """acme-ops applied, a hand-made `acme-x` statement on its function, then acme applied."""
    ops = _desired(aws, tmp_path / "acme-ops", ACME_OPS)
    acme = _desired(aws, tmp_path / "acme", ACME)
    _apply(aws, "acme-ops", ops)
    boto3.client("lambda").add_permission(
        FunctionName="acme-ops-log-backup",
        StatementId="acme-x",
        Action="lambda:InvokeFunction",
        Principal="events.amazonaws.com",
        SourceArn=HAND_MADE_RULE,
    )
    _apply(aws, "acme", acme)
    return ops, acme


def test_each_catalogue_reads_back_only_its_own_statements(
    aws: AwsContext, both: tuple[DesiredState, DesiredState]
) -> None:
    ops, acme = both

    assert _statements("acme-ops-log-backup") == {
        "acme-ops-log-backup",
        "acme-x",
        "acme-copy",
        "acme-ops-copy",
    }
    assert read_back(aws, "acme-ops", ops) == ops
    assert read_back(aws, "acme", acme) == acme
    assert make_plan(ops, read_back(aws, "acme-ops", ops)).pending == ()
    assert make_plan(acme, read_back(aws, "acme", acme)).pending == ()


def test_destroying_one_catalogue_deletes_only_its_own(
    aws: AwsContext, both: tuple[DesiredState, DesiredState]
) -> None:
    ops, acme = both
    for name, desired in (("acme", acme), ("acme-ops", ops)):
        destroy = make_plan(ResourceState(), read_back(aws, name, desired))
        assert {c.action for c in destroy.pending} == {Action.DELETE}
        assert {c.key for c in destroy.pending} == set(desired.keys())

    result = apply_plan(make_plan(ResourceState(), read_back(aws, "acme", acme)), aws.writer)

    assert result.ok, result.failed
    assert _statements("acme-ops-log-backup") == {"acme-ops-log-backup", "acme-x"}
    assert make_plan(ops, read_back(aws, "acme-ops", ops)).pending == ()


def test_a_job_removed_from_one_catalogue_takes_only_its_statement(
    aws: AwsContext, both: tuple[DesiredState, DesiredState], tmp_path: Path
) -> None:
    _, acme = both
    smaller = _desired(aws, tmp_path / "smaller", without_job(ACME, "copy"))

    plan = make_plan(smaller, read_back(aws, "acme", acme))

    assert [str(c) for c in plan.pending] == [
        "delete target acme-copy/sched",
        f"delete permission {SHARED}/acme-copy",
        "delete rule acme-copy",
    ]
    assert apply_plan(plan, aws.writer).ok
    assert _statements("acme-ops-log-backup") == {"acme-ops-log-backup", "acme-x", "acme-ops-copy"}


def test_a_destroy_stopped_before_the_permissions_is_finished_by_a_rerun(
    aws: AwsContext, both: tuple[DesiredState, DesiredState]
) -> None:
    _, acme = both
    # The destroy stopped after the targets phase: statements and rules are still there.
    doomed = make_plan(ResourceState(), read_back(aws, "acme", acme))
    targets = [c for c in doomed.pending if c.kind is ResourceKind.TARGET]
    assert apply_plan(type(doomed)(tuple(targets)), aws.writer).ok

    rerun = make_plan(ResourceState(), read_back(aws, "acme", acme))
    assert f"delete permission {SHARED}/acme-copy" in [str(c) for c in rerun.pending]
    assert apply_plan(rerun, aws.writer).ok
    assert _statements("acme-ops-log-backup") == {"acme-ops-log-backup", "acme-x"}


def test_a_statement_left_by_an_interrupted_apply_is_finished_not_duplicated(
    aws: AwsContext, tmp_path: Path
) -> None:
    ops = _desired(aws, tmp_path / "acme-ops", ACME_OPS)
    acme = _desired(aws, tmp_path / "acme", ACME)
    _apply(aws, "acme-ops", ops)
    # The apply stopped after the permissions phase: statements, but no rules yet.
    early = (ResourceKind.ROLE, ResourceKind.FUNCTION, ResourceKind.PERMISSION)
    _apply(aws, "acme", ResourceState.of(r for r in acme if r.kind in early))

    plan = make_plan(acme, read_back(aws, "acme", acme))
    assert f"create permission {SHARED}/acme-copy" in [str(c) for c in plan.pending]
    assert apply_plan(plan, aws.writer).ok

    assert make_plan(acme, read_back(aws, "acme", acme)).pending == ()


OWNERSHIP = StatementOwnership(
    prefix="acme-",
    owned_functions=frozenset({"acme-job"}),
    owned_rules=frozenset({naming.rule_arn(REGION, ACCOUNT, "acme-job")}),
    other_rules=frozenset({naming.rule_arn(REGION, ACCOUNT, "acme-ops-job")}),
)


def _permission(function: str, sid: str, rule: str) -> Permission:
    return Permission(function, sid, "events.amazonaws.com", naming.rule_arn(REGION, ACCOUNT, rule))


@pytest.mark.parametrize(
    ("permission", "owned"),
    [
        (_permission("acme-job", "acme-job", "acme-job"), True),
        (_permission("acme-job", "acme-old", "acme-old"), True),  # its rule is gone
        (_permission("acme-job", "acme-ops-job", "acme-ops-job"), False),  # another's rule
        (_permission("acme-job", "manual", "acme-job"), False),  # no prefix
        (_permission(SHARED, "acme-job", "acme-job"), True),
        (_permission(SHARED, "acme-ops-log-backup", "acme-ops-log-backup"), False),
        (_permission(SHARED, "acme-x", "acme-x"), False),  # cannot be proved ours
        (_permission(SHARED, "acme-old", "acme-old"), False),  # nor once its rule is gone
        (_permission("acme-job", "acme-job-by-hand", "acme-job"), False),  # merely the prefix
        (_permission("acme-job", "acme-by-hand", "acme-by-hand-2"), False),  # not sched's pair
    ],
)
def test_statement_ownership(permission: Permission, owned: bool) -> None:
    assert OWNERSHIP.owns(permission) is owned
