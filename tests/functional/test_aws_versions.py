"""versions: each apply that changes a function publishes a version and moves the `live` alias
the rule invokes; the newest N are kept, never the aliased one; an alias moved back by hand is
drift the next plan shows and reverts, one `sched rollback` moved is pinned: the plan shows it
and apply leaves it. Through the boto3 adapters against moto."""

from __future__ import annotations

from pathlib import Path

import boto3
from aws_support import (
    ACCOUNT,
    REGION,
    compile_for,
    load_catalogue,
    read_back,
    write_catalogue,
)

from scheduler.apply import apply_plan
from scheduler.aws import AwsContext
from scheduler.aws.clients import Clients, client_config, new_session
from scheduler.aws.retry import Pacing
from scheduler.aws.write_alias import AliasWriter, Versions
from scheduler.plan import Action, make_plan
from scheduler.resources import NEWEST_VERSION, Alias, Permission, ResourceKind, Schedule, Target

CATALOGUE = """\
catalogue: acme
defaults:
  versions: 2
jobs:
  backup:
    schedule: cron(0 2 ? * MON *)
    expected_runtime: 5m
    handler: jobs/backup/handler.py:main
    retries: 1
  export:
    schedule: "30 1 * * *"
    backend: scheduler
    timezone: Europe/Paris
    expected_runtime: 3m
    handler: jobs/export/handler.py:main
"""
FUNCTION = "acme-backup"
LIVE_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{FUNCTION}:live"


def _apply(aws: AwsContext, root: Path, handler: str | None = None) -> None:
    path = write_catalogue(root, CATALOGUE)
    if handler is not None:
        (root / "jobs" / "backup" / "handler.py").write_text(handler)
    desired = compile_for(load_catalogue(path), aws, root / "build")
    result = apply_plan(make_plan(desired, read_back(aws, "acme", desired)), aws.writer)
    assert result.ok, result.failed


def _plan(aws: AwsContext, root: Path) -> list[tuple[Action, str]]:
    desired = compile_for(load_catalogue(root / "jobs.yaml"), aws, root / "build")
    plan = make_plan(desired, read_back(aws, "acme", desired))
    return [(c.action, f"{c.kind.value} {c.name}") for c in plan.pending]


def _versions() -> list[str]:
    found = boto3.client("lambda", region_name=REGION).list_versions_by_function(
        FunctionName=FUNCTION
    )["Versions"]
    return [v["Version"] for v in found if v["Version"] != "$LATEST"]


def _live() -> str:
    client = boto3.client("lambda", region_name=REGION)
    return str(client.get_alias(FunctionName=FUNCTION, Name="live")["FunctionVersion"])


def test_the_rule_invokes_the_live_alias_and_a_second_plan_is_empty(
    aws: AwsContext, tmp_path: Path
) -> None:
    _apply(aws, tmp_path)
    assert (_versions(), _live()) == (["1"], "1")
    desired = compile_for(load_catalogue(tmp_path / "jobs.yaml"), aws, tmp_path / "build")
    deployed = read_back(aws, "acme", desired)
    target = deployed.get((ResourceKind.TARGET, "acme-backup/sched"))
    assert isinstance(target, Target) and target.arn == LIVE_ARN
    schedule = deployed.get((ResourceKind.SCHEDULE, "acme/acme-export"))
    assert isinstance(schedule, Schedule) and schedule.target_arn == LIVE_ARN.replace(
        "backup", "export"
    )
    (permission,) = deployed.of_kind(ResourceKind.PERMISSION)
    assert isinstance(permission, Permission) and permission.qualifier == "live"
    alias = deployed.get((ResourceKind.ALIAS, f"{FUNCTION}:live"))
    assert alias == Alias(FUNCTION, "live", NEWEST_VERSION)
    client = boto3.client("lambda", region_name=REGION)
    config = client.get_function_event_invoke_config(FunctionName=FUNCTION, Qualifier="live")
    assert config["MaximumRetryAttempts"] == 1
    assert _plan(aws, tmp_path) == []


def test_a_code_change_publishes_moves_the_alias_and_keeps_the_newest_two(
    aws: AwsContext, tmp_path: Path
) -> None:
    _apply(aws, tmp_path)
    for n in (2, 3):
        _apply(aws, tmp_path, handler=f"def main(event, context):\n    return {n}\n")
    assert (_versions(), _live()) == (["2", "3"], "3")
    assert _plan(aws, tmp_path) == []


def test_an_alias_moved_back_is_drift_and_apply_moves_it_forward(
    aws: AwsContext, tmp_path: Path
) -> None:
    second = "def main(event, context):\n    return 2\n"
    _apply(aws, tmp_path)
    _apply(aws, tmp_path, handler=second)
    client = boto3.client("lambda", region_name=REGION)
    client.update_alias(FunctionName=FUNCTION, Name="live", FunctionVersion="1")

    assert _plan(aws, tmp_path) == [(Action.UPDATE, f"alias {FUNCTION}:live")]
    _apply(aws, tmp_path, handler=second)
    assert (_versions(), _live()) == (["1", "2"], "2")


def test_a_rolled_back_alias_is_pinned_apply_leaves_it_and_latest_unpins(
    aws: AwsContext, tmp_path: Path
) -> None:
    _apply(aws, tmp_path)
    _apply(aws, tmp_path, handler="def main(event, context):\n    return 2\n")
    store = aws.versions
    assert store is not None
    store.point(FUNCTION, "live", "1", pinned=True)  # what sched rollback does
    assert store.pinned(FUNCTION, "live")

    desired = compile_for(load_catalogue(tmp_path / "jobs.yaml"), aws, tmp_path / "build")
    plan = make_plan(desired, read_back(aws, "acme", desired))
    assert plan.pending == ()
    assert plan.pinned == (Alias(FUNCTION, "live", "1", pinned=True),)
    # A code change publishes version 3; the pinned alias stays on 1.
    _apply(aws, tmp_path, handler="def main(event, context):\n    return 3\n")
    assert (_versions(), _live()) == (["1", "2", "3"], "1")
    assert _plan(aws, tmp_path) == []

    store.point(FUNCTION, "live", "3")  # sched rollback --latest
    assert not store.pinned(FUNCTION, "live")
    assert _plan(aws, tmp_path) == []
    _apply(aws, tmp_path, handler="def main(event, context):\n    return 4\n")
    assert (_versions(), _live()) == (["3", "4"], "4")


def test_pruning_never_deletes_the_version_the_alias_points_at(
    aws: AwsContext, tmp_path: Path
) -> None:
    _apply(aws, tmp_path)
    for n in (2, 3):
        _apply(aws, tmp_path, handler=f"def main(e, c):\n    return {n}\n")
    client = boto3.client("lambda", region_name=REGION)
    client.update_alias(FunctionName=FUNCTION, Name="live", FunctionVersion="2")

    clients = Clients(new_session(region_name=REGION), client_config())
    deleted = Versions(clients, pacing=Pacing((0.0,))).prune(FUNCTION, "live", keep=1)

    assert (deleted, _versions(), _live()) == ([], ["2", "3"], "2")


def test_deployments_know_the_values_of_the_kept_versions(aws: AwsContext, tmp_path: Path) -> None:
    _apply(aws, tmp_path)
    _apply(aws, tmp_path, handler="def main(event, context):\n    return 2\n")
    client = boto3.client("lambda", region_name=REGION)
    first = client.get_function_configuration(FunctionName=FUNCTION, Qualifier="1")
    now = client.get_function_configuration(FunctionName=FUNCTION)

    (found,) = aws.deployments.deployments([FUNCTION], versioned=[FUNCTION]).values()

    assert found.deploy == now["Environment"]["Variables"]["SCHED_DEPLOY"]
    assert found.versions == {first["Environment"]["Variables"]["SCHED_DEPLOY"]}


def _zip(tmp_path: Path, body: str) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", body)
    return buffer.getvalue()


def test_a_new_alias_points_at_a_version_of_the_current_code(
    aws: AwsContext, tmp_path: Path
) -> None:
    # $LATEST changed while unversioned: the newest version left behind runs stale code.
    _apply(aws, tmp_path)
    client = boto3.client("lambda", region_name=REGION)
    client.delete_alias(FunctionName=FUNCTION, Name="live")
    client.update_function_code(FunctionName=FUNCTION, ZipFile=_zip(tmp_path, "x = 3\n"))

    clients = Clients(new_session(region_name=REGION), client_config())
    AliasWriter(clients, pacing=Pacing((0.0,))).create(Alias(FUNCTION, "live"))

    latest = client.get_function_configuration(FunctionName=FUNCTION)["CodeSha256"]
    live = client.get_function_configuration(FunctionName=FUNCTION, Qualifier="live")
    assert live["CodeSha256"] == latest


def test_an_alias_on_a_newest_version_older_than_latest_is_drift(
    aws: AwsContext, tmp_path: Path
) -> None:
    _apply(aws, tmp_path)
    client = boto3.client("lambda", region_name=REGION)
    client.update_function_code(FunctionName=FUNCTION, ZipFile=_zip(tmp_path, "x = 3\n"))

    assert (Action.UPDATE, f"alias {FUNCTION}:live") in _plan(aws, tmp_path)


def test_pruning_never_deletes_a_version_another_alias_points_at(
    aws: AwsContext, tmp_path: Path
) -> None:
    _apply(aws, tmp_path)
    for n in (2, 3):
        _apply(aws, tmp_path, handler=f"def main(e, c):\n    return {n}\n")
    client = boto3.client("lambda", region_name=REGION)
    client.create_alias(FunctionName=FUNCTION, Name="theirs", FunctionVersion="2")

    clients = Clients(new_session(region_name=REGION), client_config())
    deleted = Versions(clients, pacing=Pacing((0.0,))).prune(FUNCTION, "live", keep=1)

    assert (deleted, _versions(), _live()) == ([], ["2", "3"], "3")


def test_pruning_never_deletes_a_version_an_alias_routes_a_share_to(
    aws: AwsContext, tmp_path: Path
) -> None:
    _apply(aws, tmp_path)
    for n in (2, 3):
        _apply(aws, tmp_path, handler=f"def main(e, c):\n    return {n}\n")
    client = boto3.client("lambda", region_name=REGION)
    client.create_alias(
        FunctionName=FUNCTION,
        Name="canary",
        FunctionVersion="3",
        RoutingConfig={"AdditionalVersionWeights": {"2": 0.1}},
    )

    clients = Clients(new_session(region_name=REGION), client_config())
    deleted = Versions(clients, pacing=Pacing((0.0,))).prune(FUNCTION, "live", keep=1)

    assert (deleted, _versions()) == ([], ["2", "3"])
