"""The synchronous invoke of `sched run` against moto's Lambda (its Docker-less backend, which
answers with the event it was sent): the payload is sent and read back, no FunctionError, and
the log tail is empty when Lambda returns none."""

from __future__ import annotations

import json

from aws_support import LEGACY, REGION
from moto import mock_aws

from scheduler.aws import connect
from scheduler.aws.clients import new_session


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
