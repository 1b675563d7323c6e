"""One apply of a catalogue at a time: the lock is a tagged SSM parameter created by a
conditional write; the loser fails at once naming the holder, a killed apply's lock expires,
--force-unlock takes it whoever holds it, and a lock is released only by its holder."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import boto3
import pytest
from aws_support import load_catalogue, write_catalogue

from scheduler.app import deploy
from scheduler.aws import AwsContext
from scheduler.errors import Locked

NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
NAME = "/sched/acme/apply-lock"


def test_a_second_apply_fails_at_once_naming_the_holder(aws: AwsContext) -> None:
    aws.lock.acquire("acme", "ann@ci (pid 1)", NOW, ttl=HOUR)

    with pytest.raises(Locked) as raised:
        aws.lock.acquire("acme", "bob@laptop (pid 2)", NOW + timedelta(minutes=5), ttl=HOUR)

    assert raised.value.message == (
        'catalogue "acme" is being applied by ann@ci (pid 1) since 2026-12-02T03:00:00+00:00 '
        "(its lock expires 2026-12-02T04:00:00+00:00); nothing was changed"
    )
    assert "--force-unlock" in raised.value.hint
    tags = boto3.client("ssm").list_tags_for_resource(ResourceType="Parameter", ResourceId=NAME)
    assert {t["Key"]: t["Value"] for t in tags["TagList"]} == {
        "managed-by": "sched",
        "sched:catalogue": "acme",
    }


def test_only_the_holder_releases_and_then_the_next_apply_gets_it(aws: AwsContext) -> None:
    aws.lock.acquire("acme", "ann", NOW, ttl=HOUR)
    aws.lock.release("acme", "bob")
    with pytest.raises(Locked):
        aws.lock.acquire("acme", "bob", NOW, ttl=HOUR)

    aws.lock.release("acme", "ann")
    aws.lock.acquire("acme", "bob", NOW, ttl=HOUR)

    assert "bob" in boto3.client("ssm").get_parameter(Name=NAME)["Parameter"]["Value"]


def test_a_killed_apply_s_lock_expires_and_force_takes_a_live_one(aws: AwsContext) -> None:
    aws.lock.acquire("acme", "killed", NOW, ttl=HOUR)
    aws.lock.acquire("acme", "later", NOW + 2 * HOUR, ttl=HOUR)
    assert "later" in boto3.client("ssm").get_parameter(Name=NAME)["Parameter"]["Value"]

    aws.lock.acquire("acme", "forced", NOW + 2 * HOUR, ttl=HOUR, force=True)

    assert "forced" in boto3.client("ssm").get_parameter(Name=NAME)["Parameter"]["Value"]


def test_another_catalogue_is_not_locked_out(aws: AwsContext) -> None:
    aws.lock.acquire("acme", "ann", NOW, ttl=HOUR)
    aws.lock.acquire("acme-ops", "bob", NOW, ttl=HOUR)


def test_an_apply_holding_the_lock_keeps_a_second_from_reading_or_writing(
    aws: AwsContext, tmp_path: Path
) -> None:
    catalogue = load_catalogue(write_catalogue(tmp_path))
    with deploy.locked(catalogue, aws, now=NOW):
        aws.calls.reset()
        with pytest.raises(Locked), deploy.locked(catalogue, aws, now=NOW):
            deploy.plan(catalogue, aws)  # never reached
        assert set(aws.calls.counts()) == {"ssm:PutParameter", "ssm:GetParameter"}

    with deploy.locked(catalogue, aws, now=NOW):
        pass
    assert boto3.client("ssm").describe_parameters()["Parameters"] == []
