"""A Lambda job in a VPC: its function gets the VpcConfig and reads it back, so a second plan is
empty; a changed or removed vpc: is one update of the function, through boto3 against moto."""

from __future__ import annotations

from pathlib import Path

from aws_support import compile_for, load_catalogue, read_back, write_catalogue

from scheduler.apply import apply_plan
from scheduler.aws import AwsContext
from scheduler.plan import Action, FieldChange, make_plan
from scheduler.resource_state import DesiredState
from scheduler.resources import Function, ResourceKind, VpcConfig

IN_VPC = """\
catalogue: acme
jobs:
  backup:
    schedule: rate(1 day)
    expected_runtime: 1m
    handler: jobs/backup/handler.py:main
    vpc:
      subnets: [subnet-0000000b, subnet-0000000a]
      security_groups: [sg-0000000c]
"""


def _apply(aws: AwsContext, root: Path, text: str) -> DesiredState:
    desired = compile_for(load_catalogue(write_catalogue(root, text)), aws, root / "build")
    result = apply_plan(make_plan(desired, read_back(aws, "acme", desired)), aws.writer)
    assert result.ok, result.failed
    return desired


def _function(aws: AwsContext, desired: DesiredState) -> Function:
    function = read_back(aws, "acme", desired).get((ResourceKind.FUNCTION, "acme-backup"))
    assert isinstance(function, Function)
    return function


def test_a_function_in_a_vpc_reads_back_its_vpc_and_plans_nothing(
    aws: AwsContext, tmp_path: Path
) -> None:
    desired = _apply(aws, tmp_path, IN_VPC)

    config = aws.session.client("lambda").get_function_configuration(FunctionName="acme-backup")
    assert sorted(config["VpcConfig"]["SubnetIds"]) == ["subnet-0000000a", "subnet-0000000b"]
    assert _function(aws, desired).vpc == VpcConfig(
        ("subnet-0000000a", "subnet-0000000b"), ("sg-0000000c",)
    )
    assert make_plan(desired, read_back(aws, "acme", desired)).pending == ()


def test_a_changed_vpc_is_one_update_of_the_function_and_a_removed_one_leaves_it(
    aws: AwsContext, tmp_path: Path
) -> None:
    _apply(aws, tmp_path, IN_VPC)
    moved = IN_VPC.replace("subnet-0000000b, ", "")
    desired = compile_for(load_catalogue(write_catalogue(tmp_path, moved)), aws, tmp_path / "b")
    plan = make_plan(desired, read_back(aws, "acme", desired))
    assert [(c.action, c.name, c.fields) for c in plan.pending] == [
        (
            Action.UPDATE,
            "acme-backup",
            (
                FieldChange(
                    "vpc.subnet_ids", ("subnet-0000000a", "subnet-0000000b"), ("subnet-0000000a",)
                ),
            ),
        )
    ]
    assert apply_plan(plan, aws.writer).ok
    assert _function(aws, desired).vpc == VpcConfig(("subnet-0000000a",), ("sg-0000000c",))

    outside = IN_VPC.split("    vpc:", maxsplit=1)[0]
    desired = _apply(aws, tmp_path, outside)
    assert _function(aws, desired).vpc is None
    assert make_plan(desired, read_back(aws, "acme", desired)).pending == ()
