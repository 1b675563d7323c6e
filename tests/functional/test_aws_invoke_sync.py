"""The synchronous invoke of `sched run` against moto's Lambda (its Docker-less backend, which
answers with the event it was sent): the payload is sent and read back, no FunctionError, and
the log tail is empty when Lambda returns none; and `sched run` refusing a job not deployed, then
sending the deployed one its manual event."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aws_support import LEGACY, REGION
from moto import mock_aws
from run_support import job

from scheduler import naming
from scheduler.app import operate
from scheduler.app.connect import Connection
from scheduler.aws import connect
from scheduler.aws.clients import new_session
from scheduler.catalogue.model import Catalogue
from scheduler.errors import CannotRun
from scheduler.history import RunStatus


def test_a_synchronous_invoke_returns_the_functions_answer() -> None:
    with mock_aws(config={"lambda": {"use_docker": False}}):
        session = new_session(region_name=REGION)
        role = session.client("iam").create_role(RoleName="r", AssumeRolePolicyDocument="{}")
        session.client("lambda").create_function(
            FunctionName=LEGACY,
            Runtime="python3.12",
            Role=role["Role"]["Arn"],
            Handler="h.main",
            Code={"ZipFile": b"PK\x05\x06" + b"\0" * 18},
        )
        event = json.dumps({"sched": {"job": "legacy", "manual": True}, "input": {}})
        with connect(region=REGION) as aws:
            invoked = aws.invoker.invoke_sync(LEGACY, event)
            counts = aws.calls.counts()
    assert (json.loads(invoked.payload), invoked.function_error, invoked.log_tail) == (
        json.loads(event),
        None,
        "",
    )
    assert invoked.request_id
    assert counts == {"lambda:Invoke": 1}


def test_sched_run_on_aws_sends_the_deployed_function_a_manual_event(tmp_path: Path) -> None:
    catalogue = Catalogue(
        name="acme", path=tmp_path / "jobs.yaml", jobs=(job("daily", "cron(0 2 * * ? *)"),)
    )
    daily = catalogue.jobs[0]
    now = datetime(2026, 11, 25, 9, 11, tzinfo=UTC)
    with mock_aws(config={"lambda": {"use_docker": False}}):
        where = Connection(region=REGION)
        with pytest.raises(CannotRun, match='job "daily" is not deployed'):
            operate.run(catalogue, daily, where, now=now)
        session = new_session(region_name=REGION)
        role = session.client("iam").create_role(RoleName="r", AssumeRolePolicyDocument="{}")
        session.client("lambda").create_function(
            FunctionName="acme-daily",
            Runtime="python3.12",
            Role=role["Role"]["Arn"],
            Handler="h.main",
            Code={"ZipFile": b"PK\x05\x06" + b"\0" * 18},
            Tags=naming.ownership_tags("acme", "daily"),
        )
        outcome = operate.run(catalogue, daily, where, now=now)
    # moto's Docker-less Lambda answers with the event it was sent.
    assert outcome.status is RunStatus.SUCCEEDED
    assert outcome.result["sched"]["manual"] is True
    assert outcome.result["sched"]["scheduled_time"] == "2026-11-25T09:11:00Z"
    assert outcome.log_group == "/sched/acme/daily"


def test_sched_run_and_trigger_never_invoke_a_function_of_the_jobs_name_sched_did_not_make(
    tmp_path: Path,
) -> None:
    """Someone else's function holding the job's name (the taken name `plan` refuses to
    overwrite) is not sent the job's input, synchronously or not."""
    catalogue = Catalogue(
        name="acme", path=tmp_path / "jobs.yaml", jobs=(job("daily", "cron(0 2 * * ? *)"),)
    )
    daily = catalogue.jobs[0]
    now = datetime(2026, 11, 25, 9, 11, tzinfo=UTC)
    with mock_aws(config={"lambda": {"use_docker": False}}):
        session = new_session(region_name=REGION)
        role = session.client("iam").create_role(RoleName="r", AssumeRolePolicyDocument="{}")
        session.client("lambda").create_function(
            FunctionName="acme-daily",
            Runtime="python3.12",
            Role=role["Role"]["Arn"],
            Handler="h.main",
            Code={"ZipFile": b"PK\x05\x06" + b"\0" * 18},
            Tags={"team": "theirs"},
        )
        where = Connection(region=REGION)
        refused = "function acme-daily exists but was not created by sched"
        with pytest.raises(CannotRun, match=refused):
            operate.run(catalogue, daily, where, now=now)
        with pytest.raises(CannotRun, match=refused):
            operate.trigger(catalogue, daily, where, now=now)
