"""`secrets:` in a local run: the wrapper reads each reference before the handler runs, with
the job's own role (which may read exactly those), and a secret it cannot read fails the run
before the handler, naming it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from scheduler.app.connect import Connection, connect_local, local_dir
from scheduler.app.operate import run
from scheduler.catalogue.loader import load
from scheduler.catalogue.model import Catalogue, Job
from scheduler.history.model import RunStatus

CATALOGUE = """\
catalogue: acme
jobs:
  export:
    schedule: rate(1 day)
    expected_runtime: 10s
    handler: jobs/export/handler.py:main
    secrets:
      API_TOKEN: secretsmanager:acme/export#token
      DB_URL: ssm:/acme/export/db-url
"""
HANDLER = """\
import os

API_TOKEN = os.environ.get("API_TOKEN")  # read at import, as handlers often do


def main(event, context):
    return {"token": API_TOKEN, "db": os.environ["DB_URL"]}
"""


@pytest.fixture
def catalogue(tmp_path: Path) -> tuple[Catalogue, Job]:
    (tmp_path / "jobs" / "export").mkdir(parents=True)
    (tmp_path / "jobs" / "export" / "handler.py").write_text(HANDLER)
    (tmp_path / "jobs.yaml").write_text(CATALOGUE)
    loaded = load(tmp_path / "jobs.yaml").catalogue
    assert loaded is not None
    job = loaded.job("export")
    assert job is not None
    return loaded, job


def _store(tmp_path: Path, *, with_parameter: bool) -> None:
    with connect_local(local_dir(tmp_path / "jobs.yaml")) as aws:
        aws.session.client("secretsmanager").create_secret(
            Name="acme/export", SecretString='{"token": "t0k3n", "other": "x"}'
        )
        if with_parameter:
            aws.session.client("ssm").put_parameter(
                Name="/acme/export/db-url", Value="postgres://db", Type="SecureString"
            )


def test_the_handler_sees_its_secrets_in_the_environment(
    tmp_path: Path, catalogue: tuple[Catalogue, Job]
) -> None:
    _store(tmp_path, with_parameter=True)
    outcome = run(*catalogue, Connection(local=True), now=datetime.now(UTC))
    assert outcome.status is RunStatus.SUCCEEDED, outcome.error_message
    assert outcome.result == {"token": "t0k3n", "db": "postgres://db"}


def test_a_secret_that_cannot_be_read_fails_the_run_before_the_handler(
    tmp_path: Path, catalogue: tuple[Catalogue, Job]
) -> None:
    _store(tmp_path, with_parameter=False)
    outcome = run(*catalogue, Connection(local=True), now=datetime.now(UTC))
    assert (outcome.status, outcome.error_type) == (RunStatus.FAILED, "SecretUnavailable")
    assert outcome.error_message is not None
    assert outcome.error_message.startswith(
        "secret DB_URL (ssm:/acme/export/db-url) cannot be read: ParameterNotFound"
    )
