"""A catalogue too large for one watcher's pass is watched by several: each job dealt to one
watcher by a hash of its name, each watcher a function, role and rule of its own (planned,
applied and pruned like every resource) told its part by its environment."""

from __future__ import annotations

import json
from pathlib import Path

from run_support import catalogue, job

from scheduler import limits, naming
from scheduler.canonical import canonical_json
from scheduler.catalogue.model import AlertRule, Alerts, Catalogue, Channel
from scheduler.compile import compile_catalogue
from scheduler.package import WATCHER_PACKAGE, PackageRef
from scheduler.resources import Function, Role, Topic
from scheduler.watch.config import (
    JOBS_PER_WATCHER,
    SHARD_ENV,
    config_for,
    shard_from_env,
    shard_of,
    shards,
)

ACCOUNT, REGION = "123456789012", "us-east-1"
RULE = AlertRule(channels=("ops",))


def _catalogue(count: int) -> Catalogue:
    base = catalogue(*(job(f"job-{i:04d}", "cron(0 2 * * ? *)", alert=RULE) for i in range(count)))
    alerts = Alerts(channels=(Channel("ops", emails=("ops@example.com",)),))
    return Catalogue(base.name, base.path, base.policy, base.jobs, alerts)


def _watch(count: int):  # type: ignore[no-untyped-def]
    config = config_for(_catalogue(count), region=REGION, account=ACCOUNT)
    assert config is not None
    return config


def test_up_to_a_thousand_jobs_one_watcher_watches_them_all_under_its_old_name() -> None:
    [only] = shards(_watch(JOBS_PER_WATCHER))
    assert (only.function, only.shards, len(only.jobs)) == ("acme-ops-sched-watcher", 1, 1000)
    assert shard_from_env(only, None) == only


def test_more_jobs_are_dealt_out_to_watchers_each_of_its_own_jobs() -> None:
    whole = _watch(2 * JOBS_PER_WATCHER + 1)
    parts = shards(whole)
    assert [p.function for p in parts] == [f"acme-ops-sched-watcher-{k}" for k in (1, 2, 3)]
    assert parts[0].log_group == "/sched/acme-ops/sched-watcher-1"
    dealt = [j.name for p in parts for j in p.jobs]
    assert sorted(dealt) == sorted(j.name for j in whole.jobs)  # each job once
    assert all(shard_of(j.name, 3) == p.shard for p in parts for j in p.jobs)
    assert all(600 < len(p.jobs) < 740 for p in parts)  # a hash spreads them evenly
    # A deployed watcher finds its own part from its environment, in the whole configuration.
    assert [shard_from_env(whole, f"{p.shard}/3") for p in parts] == parts


def test_each_watcher_is_compiled_with_its_part_in_its_environment_and_policy() -> None:
    cat = _catalogue(JOBS_PER_WATCHER + 1)
    packages = {j.name: PackageRef(j.name, Path(f"/b/{j.name}.zip"), "sha", 1) for j in cat.jobs}
    packages[WATCHER_PACKAGE] = PackageRef(WATCHER_PACKAGE, Path("/b/w.zip"), "wsha", 1)

    state = compile_catalogue(cat, account=ACCOUNT, region=REGION, packages=packages)

    functions = {r.name: r for r in state if isinstance(r, Function) and "watcher" in r.name}
    assert {n: dict(f.environment) for n, f in functions.items()} == {
        "acme-ops-sched-watcher-1": {SHARD_ENV: "0/2"},
        "acme-ops-sched-watcher-2": {SHARD_ENV: "1/2"},
    }
    assert [r.name for r in state if isinstance(r, Topic)] == ["acme-ops-alerts-ops"]
    roles = {r.name: r for r in state if isinstance(r, Role) and "watcher" in r.name}
    assert sorted(roles) == ["acme-ops-sched-watcher-1", "acme-ops-sched-watcher-2"]


def test_a_watcher_of_many_jobs_reads_by_the_catalogues_prefix_within_iams_policy_size() -> None:
    """Listed one by one, 41 jobs' groups and functions pass IAM's 10,240 characters."""
    from scheduler.permissions import watcher_policy

    def policy(jobs: int) -> dict[str, dict[str, object]]:
        document = watcher_policy(
            log_group="/sched/acme-ops/sched-watcher",
            job_log_groups=[f"/sched/acme-ops/job-{i}" for i in range(jobs)],
            topics=["arn:aws:sns:us-east-1:123456789012:t"],
            region=REGION,
            account=ACCOUNT,
            job_functions=[
                f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:acme-ops-job-{i}" for i in range(jobs)
            ],
            catalogue="acme-ops",
        )
        assert len(canonical_json(document)) <= limits.IAM_ROLE_INLINE_POLICY_MAX_CHARS
        return {s["Sid"]: s for s in document["Statement"]}

    few, many = policy(40), policy(JOBS_PER_WATCHER)
    assert len(few["ReadJobLogs"]["Resource"]) == 2 * 41  # each group, and the watcher's own
    logs = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/sched/acme-ops/"
    # The scope's namespace: exact, no `acme-ops-eu`'s group starts so.
    assert many["ReadJobLogs"]["Resource"] == [
        f"{logs}sched-watcher",
        f"{logs}sched-watcher:*",
        f"{logs}*",
    ]
    assert "ReadJobDeployments" not in many
    assert many["ReadCatalogueDeployments"] == {
        "Sid": "ReadCatalogueDeployments",
        "Effect": "Allow",
        "Action": ["lambda:GetFunctionConfiguration"],
        "Resource": [f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:acme-ops-*"],
        "Condition": {"StringEquals": {"aws:ResourceTag/sched:catalogue": "acme-ops"}},
    }


def test_a_watcher_reading_by_prefix_cannot_read_another_scope_whose_name_starts_alike() -> None:
    """Past IAM's policy size, the watcher of `acme` reads `/sched/acme/*`: not `acme-ops`'s
    groups (which `/aws/lambda/acme-*` allowed), nor a function someone named `acme-…`."""
    from moto.iam.access_control import IAMPolicy, PermissionResult

    from scheduler.permissions import watcher_policy

    document = watcher_policy(
        log_group=naming.log_group_name("acme", naming.watcher_key()),
        job_log_groups=[naming.log_group_name("acme", f"job-{i}") for i in range(JOBS_PER_WATCHER)],
        topics=[],
        region=REGION,
        account=ACCOUNT,
        catalogue="acme",
    )
    policy = IAMPolicy(canonical_json(document))

    def reads(group: str) -> bool:
        arn = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{group}:*"
        return policy.is_action_permitted("logs:FilterLogEvents", arn) is PermissionResult.PERMITTED

    assert "/sched/acme/*" in json.dumps(document)  # read by the prefix, not group by group
    assert reads(naming.log_group_name("acme", "job-7"))
    assert not reads(naming.log_group_name("acme-ops", "job-7"))
    assert not reads(naming.log_group_name("acme-ops", "sched-watcher"))
    assert not reads("/aws/lambda/acme-ops-job-7")
    assert not reads("/aws/lambda/acme-someone-elses")


def test_a_watcher_in_an_environment_reads_the_functions_its_tags_name() -> None:
    """Functions are tagged with the catalogue's and the environment's names, not with the
    scope they make (`acme-ops-dev`): the prefix policy's condition must name those."""
    import dataclasses

    from scheduler.catalogue.model import Environment

    cat = dataclasses.replace(
        _catalogue(JOBS_PER_WATCHER),
        environment=Environment("dev", account=ACCOUNT, region=REGION),
        environments=("dev",),
    )
    packages = {j.name: PackageRef(j.name, Path(f"/b/{j.name}.zip"), "sha", 1) for j in cat.jobs}
    packages[WATCHER_PACKAGE] = PackageRef(WATCHER_PACKAGE, Path("/b/w.zip"), "wsha", 1)

    state = compile_catalogue(cat, account=ACCOUNT, region=REGION, packages=packages)

    [role] = [r for r in state if isinstance(r, Role) and r.name == "acme-ops-dev-sched-watcher"]
    statements = {s["Sid"]: s for s in json.loads(role.inline_policy)["Statement"]}
    condition = statements["ReadCatalogueDeployments"]["Condition"]["StringEquals"]
    function = next(
        r for r in state if isinstance(r, Function) and r.name == "acme-ops-dev-job-0000"
    )
    tags = dict(function.tags)
    assert condition == {
        "aws:ResourceTag/sched:catalogue": "acme-ops",
        "aws:ResourceTag/sched:environment": "dev",
    }
    assert all(tags.get(key.split("/", 1)[1]) == value for key, value in condition.items())
