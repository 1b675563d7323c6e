"""The commands hints print run as printed: pointed at the catalogue, the local AWS or the
profile and region, and the environment the user is working with."""

from __future__ import annotations

from scheduler.report.commands import Commands, apply_hint, missed_hint


def test_on_aws_with_the_default_catalogue_a_command_is_bare() -> None:
    assert Commands().aws("apply") == "sched apply"
    assert apply_hint(Commands()) == "`sched apply` schedules it"


def test_locally_a_command_carries_the_catalogue_local_and_the_environment() -> None:
    local = Commands(catalogue="ops/jobs.yaml", local=True, environment="dev")
    assert local.aws("apply") == "sched apply ops/jobs.yaml --local --env dev"
    assert local.local_aws("tick") == "sched local tick ops/jobs.yaml --env dev"


def test_locally_the_profile_plays_no_part_and_an_environment_brings_its_region() -> None:
    assert Commands(local=True, profile="ops").aws("apply") == "sched apply --local"
    assert Commands(profile="ops", region="eu-west-1").aws("status") == (
        "sched status --profile ops --region eu-west-1"
    )
    assert Commands(region="eu-west-1", environment="prod").aws("status") == (
        "sched status --env prod"
    )


def test_a_path_with_a_space_is_quoted_so_the_command_pastes_whole() -> None:
    assert Commands(catalogue="my ops/jobs.yaml", local=True).aws("apply") == (
        "sched apply 'my ops/jobs.yaml' --local"
    )


def test_only_the_local_aws_is_told_that_its_schedules_need_a_tick() -> None:
    assert missed_hint(Commands()) is None
    assert missed_hint(Commands(local=True, environment="dev")) == (
        "the local AWS fires no schedule by itself: `sched local tick --env dev` runs every "
        "fire due since the last tick"
    )
