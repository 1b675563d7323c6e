"""`architecture: arm64` through boto3 against moto: the function is created for arm64 and reads
it back, so a second plan is empty; a change of architecture is one update of the function
(UpdateFunctionCode carries it), and a default x86_64 job keeps its deployment value."""

from __future__ import annotations

from pathlib import Path

from aws_support import compile_for, load_catalogue, read_back, write_catalogue

from scheduler.apply import apply_plan
from scheduler.aws import AwsContext
from scheduler.plan import Action, FieldChange, make_plan
from scheduler.resource_state import DesiredState
from scheduler.resources import Function, ResourceKind

ARM = """\
catalogue: acme
defaults:
  architecture: arm64
jobs:
  backup:
    schedule: rate(1 day)
    expected_runtime: 1m
    handler: jobs/backup/handler.py:main
"""


def _desired(aws: AwsContext, root: Path, text: str, build: str) -> DesiredState:
    return compile_for(load_catalogue(write_catalogue(root, text)), aws, root / build)


def _function(desired: DesiredState) -> Function:
    function = desired.get((ResourceKind.FUNCTION, "acme-backup"))
    assert isinstance(function, Function)
    return function


def test_an_arm64_function_reads_back_arm64_and_plans_nothing(
    aws: AwsContext, tmp_path: Path
) -> None:
    desired = _desired(aws, tmp_path, ARM, "build")
    assert apply_plan(make_plan(desired, read_back(aws, "acme", desired)), aws.writer).ok

    config = aws.session.client("lambda").get_function_configuration(FunctionName="acme-backup")
    assert config["Architectures"] == ["arm64"]
    deployed = read_back(aws, "acme", desired)
    assert _function(deployed).architecture == "arm64"
    assert make_plan(desired, deployed).pending == ()


def test_a_change_of_architecture_is_one_update_of_the_function(
    aws: AwsContext, tmp_path: Path
) -> None:
    x86 = ARM.replace("  architecture: arm64\n", "  architecture: x86_64\n")
    before = _desired(aws, tmp_path, x86, "a")
    assert apply_plan(make_plan(before, read_back(aws, "acme", before)), aws.writer).ok
    after = _desired(aws, tmp_path, ARM, "b")

    plan = make_plan(after, read_back(aws, "acme", after))

    [change] = plan.pending
    assert (change.action, change.name) == (Action.UPDATE, "acme-backup")
    assert FieldChange("architecture", "x86_64", "arm64") in change.fields
    assert apply_plan(plan, aws.writer).ok
