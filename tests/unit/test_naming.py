"""Names fit AWS limits and characters, deterministically; ownership needs tags AND prefix."""

from __future__ import annotations

import hashlib
import re

import pytest

from scheduler import naming

OWNED = {"managed-by": "sched", "sched:catalogue": "acme-ops"}


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def test_short_names_are_catalogue_dash_job() -> None:
    assert naming.function_name("acme-ops", "log-backup") == "acme-ops-log-backup"
    assert naming.rule_name("acme-ops", "log-backup") == "acme-ops-log-backup"
    assert naming.schedule_name("acme-ops", "log-backup") == "acme-ops-log-backup"
    assert naming.statement_id("acme-ops", "log-backup") == "acme-ops-log-backup"
    assert naming.job_role_name("acme-ops", "log-backup") == "acme-ops-log-backup"


def test_per_catalogue_names() -> None:
    assert naming.scheduler_role_name("acme-ops") == "acme-ops-sched-scheduler"
    assert naming.ecs_role_name("acme-ops") == "acme-ops-sched-ecs"
    assert naming.schedule_group_name("acme-ops") == "acme-ops"


def test_a_long_name_is_cut_to_64_with_a_hash_of_the_full_name() -> None:
    job = "x" * 60
    full = f"acme-ops-{job}"
    name = naming.function_name("acme-ops", job)
    assert name == f"{full[:55]}-{_hash(full)}"
    assert len(name) == 64
    assert naming.rule_name("acme-ops", job) == name
    assert naming.function_name("acme-ops", job) == name  # deterministic


def test_statement_ids_keep_up_to_100_characters() -> None:
    job = "x" * 60
    assert naming.statement_id("acme-ops", job) == f"acme-ops-{job}"
    long_job = "y" * 95
    full = f"acme-ops-{long_job}"
    assert naming.statement_id("acme-ops", long_job) == f"{full[:91]}-{_hash(full)}"


def test_names_that_differ_past_the_cut_stay_distinct() -> None:
    a = naming.function_name("acme-ops", "a" * 60 + "-one")
    b = naming.function_name("acme-ops", "a" * 60 + "-two")
    assert a != b
    assert a[:55] == b[:55]


def test_invalid_characters_are_replaced_and_hashed() -> None:
    name = naming.function_name("acme ops", "log/backup")
    assert name == f"acme-ops-log-backup-{_hash('acme ops-log/backup')}"
    assert re.fullmatch(r"[A-Za-z0-9_.-]+", name)
    assert naming.function_name("acme-ops", "log-backup") != naming.function_name(
        "acme ops", "log-backup"
    )


def test_a_long_catalogue_keeps_the_owned_prefix_in_every_name() -> None:
    catalogue = "c" * 70
    names = [
        naming.function_name(catalogue, "job"),
        naming.statement_id(catalogue, "job"),
        naming.job_role_name(catalogue, "job"),
        naming.schedule_group_name(catalogue),
    ]
    assert all(len(n) <= 64 for n in names[:1] + names[2:])
    assert all(n.startswith(naming.owned_prefix(catalogue)) for n in names)
    assert naming.owned_prefix(catalogue) == "c" * 55


@pytest.mark.parametrize(
    ("name", "tags", "owned"),
    [
        ("acme-ops-log-backup", OWNED, True),
        ("acme-ops", OWNED, True),  # the schedule group is named after the catalogue
        ("acme-ops-log-backup", {**OWNED, "sched:job": "log-backup", "team": "x"}, True),
        ("acme-ops-log-backup", {"sched:catalogue": "acme-ops"}, False),
        ("acme-ops-log-backup", {"managed-by": "sched"}, False),
        ("acme-ops-log-backup", {**OWNED, "managed-by": "terraform"}, False),
        ("acme-ops-log-backup", {**OWNED, "sched:catalogue": "acme-ops-eu"}, False),
        ("other-log-backup", OWNED, False),
        ("acme-opsx", OWNED, False),
        ("acme-log-backup", OWNED, False),
    ],
)
def test_owns_needs_both_tags_and_the_prefix(name: str, tags: dict[str, str], owned: bool) -> None:
    assert naming.owns(name, tags, "acme-ops") is owned


def test_ownership_tags() -> None:
    assert naming.ownership_tags("acme-ops") == OWNED
    assert naming.ownership_tags("acme-ops", "log-backup") == {**OWNED, "sched:job": "log-backup"}


@pytest.mark.parametrize(
    ("region", "arn"),
    [
        ("eu-west-1", "arn:aws:lambda:eu-west-1:123456789012:function:f"),
        ("cn-north-1", "arn:aws-cn:lambda:cn-north-1:123456789012:function:f"),
        ("us-gov-west-1", "arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:f"),
    ],
)
def test_arns_use_the_region_partition(region: str, arn: str) -> None:
    assert naming.function_arn(region, "123456789012", "f") == arn


def test_other_arns() -> None:
    assert (
        naming.rule_arn("eu-west-1", "123456789012", "r")
        == "arn:aws:events:eu-west-1:123456789012:rule/r"
    )
    assert naming.role_arn("eu-west-1", "123456789012", "x") == "arn:aws:iam::123456789012:role/x"
    assert (
        naming.ecs_cluster_arn("eu-west-1", "123456789012", "batch")
        == "arn:aws:ecs:eu-west-1:123456789012:cluster/batch"
    )
    given = "arn:aws:ecs:eu-west-1:123456789012:cluster/other"
    assert naming.ecs_cluster_arn("eu-west-1", "123456789012", given) == given
    assert (
        naming.ecs_task_definition_arn("eu-west-1", "123456789012", "reindex:3")
        == "arn:aws:ecs:eu-west-1:123456789012:task-definition/reindex:3"
    )


def test_a_statement_id_and_a_rule_name_of_one_job_are_recognised_as_a_pair() -> None:
    from scheduler.naming import rule_name, same_origin, statement_id

    for job in ("backup", "x" * 70, "y" * 120, "with.dots"):
        assert same_origin(statement_id("acme", job), rule_name("acme", job)), job
    assert not same_origin(statement_id("acme", "backup"), rule_name("acme", "restore"))
    assert not same_origin("acme-backup-by-hand", rule_name("acme", "backup"))
    assert not same_origin(statement_id("acme", "y" * 120), rule_name("acme", "z" * 120))


def test_the_lock_name_is_one_per_catalogue_even_when_characters_are_replaced() -> None:
    names = {naming.lock_parameter_name(c) for c in ("acme", "a.cme", "a-cme", "a cme")}

    assert len(names) == 4
    assert naming.lock_parameter_name("acme") == "/sched/acme/apply-lock"
