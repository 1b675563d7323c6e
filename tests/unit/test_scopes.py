"""Which scopes found in an account are a catalogue's old names (`old_scopes`), and the part of a
read that one environment's scope owns (`within`)."""

from __future__ import annotations

from scheduler import naming
from scheduler.ports import TaggedResource
from scheduler.resource_state import ResourceState
from scheduler.resources import (
    Function,
    Permission,
    RetryPolicy,
    Role,
    Rule,
    Schedule,
    ScheduleGroup,
    Target,
)
from scheduler.scopes import OldScope, Scope, old_scopes, within

REGION, ACCOUNT = "eu-west-1", "123456789012"
JOBS = ("backup", "export", "reindex", "cleanup")


def tagged(
    kind: str, catalogue: str, job: str | None, environment: str | None = None
) -> TaggedResource:
    tags = naming.ownership_tags(catalogue, job)
    if environment is not None:
        tags[naming.ENVIRONMENT_TAG] = environment
    name = f"{catalogue}-{job or 'sched-watcher'}"
    arn = (
        naming.function_arn(REGION, ACCOUNT, name)
        if kind == "function"
        else naming.rule_arn(REGION, ACCOUNT, name)
    )
    return TaggedResource(arn, tuple(sorted(tags.items())))


def deployed(catalogue: str, jobs: tuple[str, ...], environment: str | None = None) -> list:
    found = [tagged("function", catalogue, None, environment)]  # the watcher: no job tag
    for job in jobs:
        found += [tagged("function", catalogue, job, environment)]
        found += [tagged("rule", catalogue, job, environment)]
    return found


def test_a_renamed_catalogue_finds_its_old_name_with_its_jobs_and_counts() -> None:
    listed = [*deployed("acme", JOBS), *deployed("acme-ops", JOBS)]

    assert old_scopes(listed, Scope("acme-ops"), JOBS) == (
        OldScope(Scope("acme"), shared=tuple(sorted(JOBS)), others=(), functions=5, rules=4),
    )


def test_a_job_dropped_in_the_rename_is_named_as_one_the_catalogue_no_longer_has() -> None:
    listed = deployed("acme", (*JOBS, "legacy"))

    (old,) = old_scopes(listed, Scope("acme-ops"), JOBS)

    assert (old.shared, old.others) == (("backup", "cleanup", "export", "reindex"), ("legacy",))


def test_another_catalogue_sharing_a_job_name_is_not_an_old_name() -> None:
    # billing has one of its two jobs in common: not half of acme-ops's four.
    listed = [*deployed("billing", ("backup", "invoices")), *deployed("acme-ops", JOBS)]

    assert old_scopes(listed, Scope("acme-ops"), JOBS) == ()


def test_a_small_catalogue_whose_jobs_are_a_few_of_ours_is_not_an_old_name() -> None:
    # All of tiny's jobs are ours, but they are one of our four.
    assert old_scopes(deployed("tiny", ("backup",)), Scope("acme-ops"), JOBS) == ()


def test_a_rename_that_also_adds_a_job_is_found_by_the_majority_of_each() -> None:
    three = ("backup", "export", "reindex")

    (old,) = old_scopes(deployed("acme", three), Scope("acme-ops"), JOBS)

    assert (old.scope, old.shared) == (Scope("acme"), three)


def test_two_small_catalogues_sharing_one_job_name_of_two_are_not_each_other_s() -> None:
    listed = deployed("billing", ("cleanup", "invoices"))

    assert old_scopes(listed, Scope("acme-ops"), ("cleanup", "backup")) == ()


def test_the_same_catalogue_in_an_environment_it_no_longer_has_needs_one_shared_job() -> None:
    listed = deployed("acme-ops", ("backup", "gone-1", "gone-2"), "staging")

    (old,) = old_scopes(listed, Scope("acme-ops", "dev"), JOBS, siblings=("prod",))

    assert (old.scope, old.shared, old.others) == (
        Scope("acme-ops", "staging"),
        ("backup",),
        ("gone-1", "gone-2"),
    )


def test_the_current_scope_and_the_catalogue_s_other_environments_are_never_old_names() -> None:
    listed = [
        *deployed("acme-ops", JOBS, "dev"),
        *deployed("acme-ops", JOBS, "prod"),
        *deployed("acme", JOBS, "prod"),  # the old name's prod: prod's predecessor, not dev's
        *deployed("acme", JOBS, "dev"),
        *deployed("acme-ops", JOBS, "development"),  # an environment renamed to dev
        *deployed("acme-ops", JOBS),  # before the catalogue had environments
    ]

    found = old_scopes(listed, Scope("acme-ops", "dev"), JOBS, siblings=("prod",))

    assert [o.scope for o in found] == [
        Scope("acme", "dev"),
        Scope("acme-ops"),
        Scope("acme-ops", "development"),
    ]


def test_resources_without_sched_s_ownership_tags_are_no_scope() -> None:
    stranger = TaggedResource(
        naming.function_arn(REGION, ACCOUNT, "acme-backup"),
        ((naming.CATALOGUE_TAG, "acme"), (naming.JOB_TAG, "backup")),  # no managed-by
    )

    assert old_scopes([stranger], Scope("acme-ops"), ("backup",)) == ()


def _job(name: str, environment: str | None) -> list:
    tags = naming.ownership_tags("acme", "backup")
    if environment is not None:
        tags[naming.ENVIRONMENT_TAG] = environment
    pairs = tuple(sorted(tags.items()))
    rule = naming.rule_arn(REGION, ACCOUNT, name)
    return [
        Role(name=name, trust_policy="{}", tags=pairs),
        Function(
            name=name,
            runtime="python3.12",
            handler="h.main",
            role_arn=naming.role_arn(REGION, ACCOUNT, name),
            memory_mb=128,
            timeout_seconds=60,
            code_sha256="x",
            tags=pairs,
        ),
        Rule(name=name, schedule_expression="rate(1 hour)", tags=pairs),
        Target(rule=name, id="sched", arn=naming.function_arn(REGION, ACCOUNT, name)),
        Permission(function=name, statement_id=name, principal="events", source_arn=rule),
    ]


def test_within_keeps_one_environment_s_resources_and_what_hangs_on_them() -> None:
    group = ScheduleGroup(name="acme-dev", tags=(("sched:environment", "dev"),))
    schedule = Schedule(
        group="acme-dev",
        name="acme-dev-export",
        expression="rate(1 hour)",
        timezone="UTC",
        target_arn="arn",
        role_arn="arn",
        input="{}",
        retry_policy=RetryPolicy(0, 60),
    )
    read = ResourceState.of(
        [*_job("acme-backup", None), *_job("acme-dev-backup", "dev"), group, schedule]
    )

    assert set(within(read, None)) == set(_job("acme-backup", None))
    assert set(within(read, "dev")) == {*_job("acme-dev-backup", "dev"), group, schedule}
    assert within(read, "prod").resources == ()
