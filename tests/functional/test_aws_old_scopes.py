"""A renamed catalogue against moto: its old name is found by one tag search, a catalogue sharing
the account is neither flagged nor touched, and pruning the old name deletes all it owns."""

from __future__ import annotations

from pathlib import Path

from aws_support import compile_for, load_catalogue, read_back, write_catalogue

from scheduler.app.rename import find_old_scopes, plan_prune
from scheduler.apply import apply_plan
from scheduler.aws import AwsContext
from scheduler.catalogue.model import Catalogue
from scheduler.plan import Action, make_plan
from scheduler.scopes import OldScope, Scope


def _text(name: str, jobs: tuple[str, ...]) -> str:
    lines = [f"catalogue: {name}", "jobs:"]
    for i, job in enumerate(jobs):
        lines += [
            f"  {job}:",
            f"    schedule: rate({i + 2} hours)",
            "    expected_runtime: 1m",
            "    handler: jobs/backup/handler.py:main",
            f"    backend: {'rules' if i % 2 == 0 else 'scheduler'}",
        ]
    return "\n".join(lines) + "\n"


def _catalogue(root: Path, name: str, jobs: tuple[str, ...]) -> Catalogue:
    folder = root / name
    folder.mkdir()
    return load_catalogue(write_catalogue(folder, _text(name, jobs)))


def _deploy(aws: AwsContext, catalogue: Catalogue, build: Path) -> None:
    desired = compile_for(catalogue, aws, build)
    assert apply_plan(make_plan(desired, read_back(aws, catalogue.name, desired)), aws.writer).ok


def _up_to_date(aws: AwsContext, catalogue: Catalogue, build: Path) -> bool:
    desired = compile_for(catalogue, aws, build)
    return make_plan(desired, read_back(aws, catalogue.name, desired)).pending == ()


JOBS = ("backup", "export", "report")


def test_the_old_name_is_found_and_the_catalogue_sharing_the_account_is_not(
    aws: AwsContext, tmp_path: Path
) -> None:
    old = _catalogue(tmp_path, "acme", JOBS)
    neighbour = _catalogue(tmp_path, "billing", ("backup", "invoices"))  # a job of the same name
    renamed = _catalogue(tmp_path, "acme-ops", JOBS)
    for catalogue in (old, neighbour):
        _deploy(aws, catalogue, tmp_path / "build")
    aws.calls.reset()

    found = find_old_scopes(renamed, aws)

    # moto's tag search leaves rules out (AWS's covers them): only the functions are counted.
    assert found.found == (OldScope(Scope("acme"), JOBS, (), functions=3, rules=0),)
    assert found.searched
    assert aws.calls.counts() == {"tag:GetResources": 1}


def test_the_old_name_is_still_found_once_the_new_name_is_applied_and_costs_one_call(
    aws: AwsContext, tmp_path: Path
) -> None:
    old = _catalogue(tmp_path, "acme", JOBS)
    renamed = _catalogue(tmp_path, "acme-ops", JOBS)
    for catalogue in (old, renamed):
        _deploy(aws, catalogue, tmp_path / "build")
    aws.calls.reset()

    assert [o.scope for o in find_old_scopes(renamed, aws).found] == [Scope("acme")]
    assert [o.scope for o in find_old_scopes(old, aws).found] == [Scope("acme-ops")]
    assert aws.calls.counts() == {"tag:GetResources": 2}


def test_pruning_the_old_name_deletes_all_it_owns_and_nothing_of_the_others(
    aws: AwsContext, tmp_path: Path
) -> None:
    old = _catalogue(tmp_path, "acme", JOBS)
    neighbour = _catalogue(tmp_path, "billing", ("backup", "invoices"))
    renamed = _catalogue(tmp_path, "acme-ops", JOBS)
    for catalogue in (old, neighbour, renamed):
        _deploy(aws, catalogue, tmp_path / "build")
    owned = len(compile_for(old, aws, tmp_path / "build"))

    planned = plan_prune(Scope("acme"), aws, tmp_path / "jobs.yaml")

    assert [c.action for c in planned.plan.pending] == [Action.DELETE] * owned
    # its schedule group is `acme`, its schedules `acme/...`, every other name `acme-...`
    assert all(
        c.name.startswith(("acme-", "acme/")) or c.name == "acme" for c in planned.plan.pending
    )
    assert not any(c.name.startswith("acme-ops") for c in planned.plan.pending)
    assert apply_plan(planned.plan, aws.writer).ok
    assert len(read_back(aws, "acme", compile_for(old, aws, tmp_path / "build"))) == 0
    assert _up_to_date(aws, neighbour, tmp_path / "build")
    assert _up_to_date(aws, renamed, tmp_path / "build")
    assert find_old_scopes(renamed, aws).found == ()


def test_pruning_a_name_that_owns_nothing_plans_nothing(aws: AwsContext, tmp_path: Path) -> None:
    neighbour = _catalogue(tmp_path, "billing", ("backup", "invoices"))
    _deploy(aws, neighbour, tmp_path / "build")

    planned = plan_prune(Scope("bill"), aws, tmp_path / "jobs.yaml")  # billing's prefix, not it

    assert (planned.deployed.resources, planned.plan.pending) == ((), ())
    assert _up_to_date(aws, neighbour, tmp_path / "build")


def test_the_plan_read_and_the_old_name_search_share_one_tag_search(
    aws: AwsContext, tmp_path: Path
) -> None:
    old = _catalogue(tmp_path, "acme", JOBS)
    renamed = _catalogue(tmp_path, "acme-ops", JOBS)
    _deploy(aws, old, tmp_path / "build")
    aws.calls.reset()

    assert _up_to_date(aws, renamed, tmp_path / "build") is False
    assert [o.scope for o in find_old_scopes(renamed, aws).found] == [Scope("acme")]
    assert aws.calls.counts()["tag:GetResources"] == 1


def test_a_write_after_the_read_makes_the_old_name_search_search_again(
    aws: AwsContext, tmp_path: Path
) -> None:
    old = _catalogue(tmp_path, "acme", JOBS)
    renamed = _catalogue(tmp_path, "acme-ops", JOBS)
    _deploy(aws, old, tmp_path / "build")
    desired = compile_for(renamed, aws, tmp_path / "build")
    deployed = read_back(aws, renamed.name, desired)
    assert apply_plan(make_plan(desired, deployed), aws.writer).ok  # the held result is stale
    aws.calls.reset()

    assert [o.scope for o in find_old_scopes(renamed, aws).found] == [Scope("acme")]
    assert aws.calls.counts() == {"tag:GetResources": 1}
