"""The deployment adapter against moto's Lambda: each wanted function's LastModified from one paged
ListFunctions listing (no per-function calls), absent when the function does not exist; the same
in local mode, across connections. botocore's Stubber plays the pages moto does not make."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import boto3
import pytest
from aws_support import (
    CATALOGUE,
    LEGACY,
    REGION,
    compile_for,
    load_catalogue,
    read_back,
    without_dead_letters,
    without_job,
    write_catalogue,
)
from botocore.stub import Stubber
from moto import mock_aws

from scheduler.app.connect import connect_local
from scheduler.apply import apply_plan
from scheduler.aws import AwsContext
from scheduler.aws.clients import Clients, client_config, new_session
from scheduler.aws.deployments import AwsDeploymentSource, parse_last_modified
from scheduler.errors import AccessDenied
from scheduler.history.targets import bindings, deployment_times, job_deployments
from scheduler.plan import make_plan
from scheduler.resources import ResourceKind

FUNCTION = ResourceKind.FUNCTION


def _last_modified(name: str) -> datetime:
    text = boto3.client("lambda").get_function(FunctionName=name)["Configuration"]["LastModified"]
    when = parse_last_modified(text)
    assert when is not None
    return when


def test_existing_functions_answer_with_their_last_modified_in_one_listing(
    aws: AwsContext,
) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    lam = boto3.client("lambda")
    role = boto3.client("iam").get_role(RoleName="legacy-role")["Role"]["Arn"]
    lam.create_function(
        FunctionName="acme-fresh",
        Runtime="python3.12",
        Role=role,
        Handler="h.main",
        Code={"ZipFile": b"PK\x05\x06" + b"\0" * 18},
    )
    aws.calls.reset()

    found = aws.deployments.deployed_at(["acme-fresh", LEGACY, "acme-never-deployed"])

    assert found == {"acme-fresh": _last_modified("acme-fresh"), LEGACY: _last_modified(LEGACY)}
    assert found["acme-fresh"].tzinfo is UTC
    assert before <= found["acme-fresh"] <= datetime.now(UTC)
    assert aws.calls.counts() == {"lambda:ListFunctions": 1}


def test_asking_for_nothing_calls_nothing(aws: AwsContext) -> None:
    aws.calls.reset()
    assert aws.deployments.deployed_at([]) == {}
    assert aws.calls.total == 0


def test_local_mode_keeps_deployment_times_between_connections(tmp_path: Path) -> None:
    path = write_catalogue(tmp_path, without_dead_letters(without_job(CATALOGUE, "legacy")))
    state = tmp_path / ".sched" / "local"
    catalogue = load_catalogue(path)
    start = datetime.now(UTC).replace(microsecond=0)
    with connect_local(state) as aws:
        desired = compile_for(catalogue, aws, tmp_path / "build")
        assert apply_plan(make_plan(desired, read_back(aws, "acme", desired)), aws.writer).ok

    with connect_local(state) as aws:
        first = deployment_times(catalogue, aws.deployments)
    with connect_local(state) as aws:
        again = deployment_times(catalogue, aws.deployments)

    assert sorted(first) == ["backup", "export", "paused"]  # reindex runs on Fargate
    assert all(start <= when <= datetime.now(UTC) for when in first.values())
    assert again == first


def test_each_deployed_function_answers_with_the_deployment_value_compile_gave_it(
    tmp_path: Path,
) -> None:
    path = write_catalogue(tmp_path, without_dead_letters(without_job(CATALOGUE, "legacy")))
    catalogue = load_catalogue(path)
    with connect_local(tmp_path / ".sched" / "local") as aws:
        desired = compile_for(catalogue, aws, tmp_path / "build")
        assert apply_plan(make_plan(desired, read_back(aws, "acme", desired)), aws.writer).ok
        compiled = {f.name: dict(f.environment)["SCHED_DEPLOY"] for f in desired.of_kind(FUNCTION)}
        aws.calls.reset()

        found = job_deployments(catalogue, aws.deployments)

        assert aws.calls.counts() == {"lambda:ListFunctions": 1}
    assert {f"acme-{job}": d.deploy for job, d in found.items()} == compiled
    assert set(bindings(found)) == set(found)


@pytest.fixture
def clients() -> Iterator[Clients]:
    with mock_aws():
        yield Clients(new_session(region_name=REGION), client_config())


def _page(*names: str, marker: str | None = None) -> dict[str, object]:
    page: dict[str, object] = {
        "Functions": [
            {"FunctionName": name, "LastModified": f"2026-11-2{i}T09:12:33.123+0000"}
            for i, name in enumerate(names)
        ]
    }
    if marker:
        page["NextMarker"] = marker
    return page


def test_pages_are_followed_until_every_wanted_function_is_found(clients: Clients) -> None:
    with Stubber(clients.lambda_) as stub:
        stub.add_response("list_functions", _page("other", "acme-a", marker="m1"), {})
        stub.add_response("list_functions", _page("acme-b", "more", marker="m2"), {"Marker": "m1"})
        # No third page is stubbed: asking for it would fail the test.

        found = AwsDeploymentSource(clients).deployed_at(["acme-a", "acme-b"])

        stub.assert_no_pending_responses()
    assert found == {
        "acme-a": datetime(2026, 11, 21, 9, 12, 33, 123000, tzinfo=UTC),
        "acme-b": datetime(2026, 11, 20, 9, 12, 33, 123000, tzinfo=UTC),
    }


def test_a_function_on_no_page_is_absent(clients: Clients) -> None:
    with Stubber(clients.lambda_) as stub:
        stub.add_response("list_functions", _page("acme-a", marker="m1"), {})
        stub.add_response("list_functions", _page("other"), {"Marker": "m1"})

        found = AwsDeploymentSource(clients).deployed_at(["acme-a", "acme-gone"])

        stub.assert_no_pending_responses()
    assert list(found) == ["acme-a"]


def test_a_denied_listing_names_the_permission(clients: Clients) -> None:
    with Stubber(clients.lambda_) as stub:
        stub.add_client_error("list_functions", "AccessDeniedException", "not allowed", 403)

        with pytest.raises(AccessDenied) as raised:
            AwsDeploymentSource(clients).deployed_at(["acme-a"])

    assert raised.value.action == "lambda:ListFunctions"
    assert raised.value.hint.startswith("allow lambda:ListFunctions ")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-25T09:12:33.123+0000", datetime(2026, 11, 25, 9, 12, 33, 123000, tzinfo=UTC)),
        ("2026-11-25T10:12:33.123+0100", datetime(2026, 11, 25, 9, 12, 33, 123000, tzinfo=UTC)),
        ("2026-11-25T09:12:33.792980000Z", datetime(2026, 11, 25, 9, 12, 33, 792980, tzinfo=UTC)),
        ("2026-11-25T09:12:33", datetime(2026, 11, 25, 9, 12, 33, tzinfo=UTC)),
        ("yesterday", None),
        ("", None),
    ],
)
def test_last_modified_in_lambdas_and_motos_formats(text: str, expected: datetime | None) -> None:
    assert parse_last_modified(text) == expected
