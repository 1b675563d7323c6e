"""AWS errors become the ports' typed errors naming the action and resource; failing to reach
AWS at all becomes one line and a hint. botocore's Stubber plays the failing service."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from aws_support import REGION
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from moto import mock_aws

from scheduler.aws import connect
from scheduler.aws.clients import Clients, client_config, new_session
from scheduler.aws.errors import from_client_error
from scheduler.aws.reader import AwsStateReader
from scheduler.aws.writer import AwsResourceWriter
from scheduler.errors import (
    AccessDenied,
    AwsError,
    AwsFailure,
    Conflict,
    InvalidRequest,
    NotFound,
    QuotaExceeded,
    ThrottledError,
)
from scheduler.ports import ReadScope
from scheduler.resources import Rule

ROOT = Path(__file__).resolve().parents[2]


def _error(code: str, message: str = "it failed", operation: str = "PutRule") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": message}}, operation)


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("ThrottlingException", ThrottledError),
        ("TooManyRequestsException", ThrottledError),
        ("Throttling", ThrottledError),
        ("AccessDeniedException", AccessDenied),
        ("AccessDenied", AccessDenied),
        ("LimitExceededException", QuotaExceeded),
        ("ServiceQuotaExceededException", QuotaExceeded),
        ("ResourceNotFoundException", NotFound),
        ("NoSuchEntity", NotFound),
        ("ResourceConflictException", Conflict),
        ("EntityAlreadyExists", Conflict),
        ("ResourceAlreadyExistsException", Conflict),
        ("ValidationException", InvalidRequest),
        ("InvalidParameterValueException", InvalidRequest),
        ("SomethingNew", AwsError),
    ],
)
def test_each_error_code_has_its_type(code: str, kind: type[AwsError]) -> None:
    error = from_client_error("events", _error(code), "acme-backup")

    assert type(error) is kind
    assert (error.action, error.code, error.resource) == ("events:PutRule", code, "acme-backup")
    assert error.message.startswith("events:PutRule: ")
    assert "(acme-backup)" in error.message and "it failed" in error.message
    assert error.exit_code == 3
    assert error.hint


def test_quota_errors_name_the_limit() -> None:
    rules = from_client_error("events", _error("LimitExceededException", "limit hit"), "r")
    targets = from_client_error("events", _error("LimitExceededException", operation="PutTargets"))

    assert "EventBridge allows 300 rules per event bus" in rules.message
    assert "EventBridge allows 5 targets per rule" in targets.message


def test_access_denied_says_which_permission_to_grant() -> None:
    error = from_client_error("lambda", _error("AccessDeniedException", operation="CreateFunction"))

    assert error.hint.startswith("allow lambda:CreateFunction ")


def test_expired_credentials_say_how_to_refresh() -> None:
    error = from_client_error("sts", _error("ExpiredToken", operation="GetCallerIdentity"))

    assert error.message == "sts:GetCallerIdentity: the AWS credentials have expired"
    assert "aws sso login" in error.hint


@pytest.fixture
def clients() -> Iterator[Clients]:
    with mock_aws():
        yield Clients(new_session(region_name=REGION), client_config())


def test_a_throttled_listing_fails_the_read_with_its_action(clients: Clients) -> None:
    with Stubber(clients.lambda_) as stub:
        stub.add_client_error("list_functions", "ThrottlingException", "Rate exceeded", 400)

        with pytest.raises(ThrottledError) as raised:
            AwsStateReader(clients).read(ReadScope("acme", "123456789012", REGION))

    assert raised.value.action == "lambda:ListFunctions"
    assert raised.value.message == "lambda:ListFunctions: throttled: Rate exceeded"


def test_a_denied_change_names_the_action_and_resource(clients: Clients) -> None:
    writer = AwsResourceWriter(clients, region=REGION, account="123456789012")
    with Stubber(clients.events) as stub:
        stub.add_client_error("describe_rule", "ResourceNotFoundException", "no rule", 400)
        stub.add_client_error("put_rule", "AccessDeniedException", "not allowed", 400)

        with pytest.raises(AccessDenied) as raised:
            writer.create(Rule(name="acme-backup", schedule_expression="rate(1 day)"))

    assert (raised.value.action, raised.value.resource) == ("events:PutRule", "acme-backup")
    assert raised.value.message == "events:PutRule: access denied (acme-backup): not allowed"


def _connect_in_subprocess(env: dict[str, str], region: str | None) -> list[str]:
    """Connect in a fresh interpreter (nothing imported by these tests); its report lines."""
    script = (
        "import sys\n"
        "from scheduler.aws import connect\n"
        "from scheduler.errors import AwsFailure\n"
        "try:\n"
        f"    with connect(region={region!r}):\n"
        "        print('connected')\n"
        "except AwsFailure as error:\n"
        "    print(type(error).__name__)\n"
        "    print(error.message)\n"
        "    print(error.hint)\n"
        "print('moto imported' if 'moto' in sys.modules else 'moto not imported')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
        check=True,
    )
    assert done.stderr == ""
    return done.stdout.splitlines()


def _bare_environment(tmp_path: Path) -> dict[str, str]:
    keep = {"PATH", "HOME", "SYSTEMROOT", "LANG"}
    env = {k: v for k, v in os.environ.items() if k in keep}
    env.update(
        AWS_CONFIG_FILE=str(tmp_path / "no-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-credentials"),
        AWS_EC2_METADATA_DISABLED="true",
    )
    return env


def test_missing_credentials_are_one_line_and_real_mode_never_loads_moto(tmp_path: Path) -> None:
    lines = _connect_in_subprocess(_bare_environment(tmp_path), "eu-west-1")

    assert lines[:2] == ["AwsFailure", "sts: no usable AWS credentials found"]
    assert "AWS_PROFILE" in lines[2] and "--local" in lines[2]
    assert lines[3] == "moto not imported"


def test_a_missing_region_is_one_line(tmp_path: Path) -> None:
    env = _bare_environment(tmp_path)
    env.update(AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY="secret")

    lines = _connect_in_subprocess(env, None)

    assert lines[:2] == ["AwsFailure", "no AWS region configured"]
    assert lines[2] == "pass --region, set AWS_REGION, or set a region in the profile"


def test_an_unknown_profile_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(AwsFailure) as raised, connect(profile="nope", region=REGION):
        pass

    assert raised.value.message == "The config profile (nope) could not be found"


def test_an_unreachable_endpoint_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")  # discard port: nothing listens
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")

    with pytest.raises(AwsFailure) as raised, connect(region=REGION):
        pass

    assert raised.value.message.startswith("sts: cannot reach AWS: Could not connect")
    assert "AWS_ENDPOINT_URL" in raised.value.hint
