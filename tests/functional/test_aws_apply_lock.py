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
from scheduler.errors import Conflict, Locked

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


def _put_parameter_by_hand(value: str, tags: list[dict[str, str]]) -> None:
    boto3.client("ssm").put_parameter(Name=NAME, Value=value, Type="String", Tags=tags)


@pytest.mark.parametrize("force", [True, False])
def test_a_parameter_sched_did_not_tag_for_the_catalogue_is_never_deleted(
    aws: AwsContext, force: bool
) -> None:
    # An expired-looking lock value, but tagged for another catalogue (force) or not at all.
    value = '{"expires": "2026-12-02T01:00:00+00:00", "holder": "x", "since": "s"}'
    tags = [{"Key": "managed-by", "Value": "sched"}, {"Key": "sched:catalogue", "Value": "a.cme"}]
    _put_parameter_by_hand(value, tags if force else [{"Key": "team", "Value": "ops"}])

    with pytest.raises(Conflict) as raised:
        aws.lock.acquire("acme", "ann", NOW, ttl=HOUR, force=force)

    assert str(raised.value) == (
        f"ssm:DeleteParameter: the parameter {NAME} was not created by sched for catalogue acme;"
        " it was left as it is"
    )
    assert boto3.client("ssm").get_parameter(Name=NAME)["Parameter"]["Value"] == value


def test_catalogues_whose_names_differ_only_in_replaced_characters_have_their_own_locks(
    aws: AwsContext,
) -> None:
    aws.lock.acquire("a.cme", "ann", NOW, ttl=HOUR)
    aws.lock.acquire("a-cme", "bob", NOW, ttl=HOUR)
    aws.lock.acquire("a_cme", "cid", NOW, ttl=HOUR)

    names = {p["Name"] for p in boto3.client("ssm").describe_parameters()["Parameters"]}
    assert len(names) == 3


def test_a_lock_taken_over_while_the_apply_waited_stops_it_before_its_first_write(
    aws: AwsContext,
) -> None:
    aws.lock.acquire("acme", "ann", NOW, ttl=HOUR)
    # ann's prompt waits past the TTL; bob's apply takes the expired lock.
    aws.lock.acquire("acme", "bob", NOW + 2 * HOUR, ttl=HOUR)

    with pytest.raises(Locked):
        aws.lock.refresh("acme", "ann", NOW + 2 * HOUR, ttl=HOUR)

    assert "bob" in boto3.client("ssm").get_parameter(Name=NAME)["Parameter"]["Value"]


def test_a_held_lock_is_refreshed_before_the_first_write(aws: AwsContext) -> None:
    aws.lock.acquire("acme", "ann", NOW, ttl=HOUR)

    aws.lock.refresh("acme", "ann", NOW + 50 * timedelta(minutes=1), ttl=HOUR)

    with pytest.raises(Locked) as raised:
        aws.lock.acquire("acme", "bob", NOW + 70 * timedelta(minutes=1), ttl=HOUR)
    assert raised.value.holder == "ann"


def test_an_apply_whose_lock_was_taken_while_it_waited_writes_nothing(
    aws: AwsContext, tmp_path: Path
) -> None:
    catalogue = load_catalogue(write_catalogue(tmp_path))
    with deploy.locked(catalogue, aws, now=NOW) as lock:
        planned = deploy.plan(catalogue, aws)
        assert planned.plan.has_changes
        # The confirmation prompt waits past the TTL; a second apply takes the expired lock.
        aws.lock.acquire("acme", "bob", NOW + 2 * HOUR, ttl=HOUR)
        aws.calls.reset()

        with pytest.raises(Locked) as raised:
            deploy.apply(
                planned,
                aws,
                on_progress=lambda *_: None,
                on_interrupt=lambda _: None,
                lock=lock,
                now=NOW + 2 * HOUR,
            )

    assert raised.value.holder == "bob"
    assert set(aws.calls.counts()) == {"ssm:GetParameter"}
