"""Functional tests run the boto3 adapters against moto, in this process: never real AWS."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from aws_support import LEGACY, REGION, USER_QUEUE_STATEMENT
from moto import mock_aws
from moto.core.botocore_stubber import BotocoreStubber

from scheduler.aws import AwsContext, connect
from scheduler.aws.clients import new_session


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No profile, endpoint or instance metadata of the machine running the tests plays a part."""
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)


@pytest.fixture(autouse=True)
def _moto_answers_one_request_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """moto's backends are not thread-safe, and sched reads and applies from several threads:
    two CreateRole calls at once once failed a test with moto's "dictionary changed size during
    iteration". AWS has no such limit, so here moto answers in turn, as local mode makes it
    (`scheduler.local.embedded`). Reentrant: moto may call itself while answering."""
    answer = BotocoreStubber.__call__
    turn = threading.RLock()

    def in_turn(self: BotocoreStubber, event_name: str, request: Any, **kwargs: Any) -> Any:
        with turn:
            return answer(self, event_name, request, **kwargs)

    monkeypatch.setattr(BotocoreStubber, "__call__", in_turn)


@pytest.fixture
def aws() -> Iterator[AwsContext]:
    """The real-AWS code path (boto3's chain) answered by moto, with an existing function
    `legacy-thing` for `function:` jobs and an existing queue `acme-dlq` for dead letters."""
    with mock_aws():
        session = new_session(region_name=REGION)
        role = session.client("iam").create_role(
            RoleName="legacy-role", AssumeRolePolicyDocument="{}"
        )
        session.client("lambda").create_function(
            FunctionName=LEGACY,
            Runtime="python3.12",
            Role=role["Role"]["Arn"],
            Handler="h.main",
            Code={"ZipFile": b"PK\x05\x06" + b"\0" * 18},
        )
        # The jobs' dead-letter queue is the user's, with a statement of the user's own.
        session.client("sqs").create_queue(
            QueueName="acme-dlq",
            Attributes={
                "Policy": json.dumps({"Version": "2012-10-17", "Statement": [USER_QUEUE_STATEMENT]})
            },
        )
        with connect(region=REGION) as context:
            yield context
