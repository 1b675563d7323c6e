"""The local data on moto: local-data.yaml loaded into a new local AWS (through the session a
handler would use), not again on top of a saved state, and again after `sched local reset`."""

from __future__ import annotations

import json
import os
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

import boto3
import pytest

from scheduler.app import connect as app_connect
from scheduler.errors import LocalDataInvalid
from scheduler.local import data, embedded, state_file
from scheduler.local_data.read import parse_local_data

DATA = """\
buckets:
  acme-app-logs:
    app/web-1.log: "GET /health 200\\n"
    app/worker-1.log: {file: logs/worker-1.log}
  acme-app-logs-backup: {}
tables:
  orders:
    key: {order_id: S, line: N}
    items:
      - {order_id: "1001", line: 1, total: 42.5, tags: [gift], address: {city: Paris}}
      - {order_id: "1001", line: 2, total: 7, paid: true, note: null}
parameters:
  /acme/sftp-host: sftp.example.com
  /acme/api-token: {value: local-only, type: SecureString}
secrets:
  acme/sftp: {username: export, password: local-only}
  acme/webhook: https://hooks.example.com/x
queues:
  acme-dlq: {}
  acme-dlq.fifo:
"""


@pytest.fixture
def catalogue(tmp_path: Path) -> Path:
    """A folder with a catalogue (its content plays no part here) and its local data."""
    (tmp_path / "local-data" / "logs").mkdir(parents=True)
    (tmp_path / "local-data" / "logs" / "worker-1.log").write_bytes(b"job done\n")
    (tmp_path / "local-data.yaml").write_text(DATA)
    path = tmp_path / "jobs.yaml"
    path.write_text("catalogue: acme\njobs: {}\n")
    return path


def _running(catalogue: Path) -> Any:
    """The local AWS of `catalogue`'s folder, started as every --local command starts it."""
    directory = app_connect.local_dir(catalogue)
    data_file = app_connect.local_data_file(catalogue)
    return embedded.running(directory, seed=partial(data.load_file, path=data_file))


def _contents(session: boto3.Session) -> dict[str, object]:
    """Everything the local data can create, as a handler would read it."""
    s3 = session.client("s3")
    buckets = {
        b["Name"]: {
            o["Key"]: s3.get_object(Bucket=b["Name"], Key=o["Key"])["Body"].read()
            for o in s3.list_objects_v2(Bucket=b["Name"]).get("Contents", [])
        }
        for b in s3.list_buckets()["Buckets"]
    }
    orders = session.resource("dynamodb").Table("orders")
    ssm = session.client("ssm")
    parameters = {
        p["Name"]: (p["Type"], p["Value"])
        for p in ssm.get_parameters_by_path(Path="/acme", WithDecryption=True)["Parameters"]
    }
    secrets = session.client("secretsmanager")
    sqs = session.client("sqs")
    queues = {
        url.rsplit("/", 1)[-1]: sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])[
            "Attributes"
        ].get("FifoQueue", "false")
        for url in sqs.list_queues().get("QueueUrls", [])
    }
    return {
        "buckets": buckets,
        "key": orders.key_schema,
        "items": orders.scan()["Items"],
        "parameters": parameters,
        "secrets": {
            name: secrets.get_secret_value(SecretId=name)["SecretString"]
            for name in ("acme/sftp", "acme/webhook")
        },
        "queues": queues,
    }


EXPECTED = {
    "buckets": {
        "acme-app-logs": {"app/web-1.log": b"GET /health 200\n", "app/worker-1.log": b"job done\n"},
        "acme-app-logs-backup": {},
    },
    "key": [
        {"AttributeName": "order_id", "KeyType": "HASH"},
        {"AttributeName": "line", "KeyType": "RANGE"},
    ],
    "items": [
        {
            "order_id": "1001",
            "line": 1,
            "total": pytest.approx(42.5),
            "tags": ["gift"],
            "address": {"city": "Paris"},
        },
        {"order_id": "1001", "line": 2, "total": 7, "paid": True, "note": None},
    ],
    "parameters": {
        "/acme/sftp-host": ("String", "sftp.example.com"),
        "/acme/api-token": ("SecureString", "local-only"),
    },
    "secrets": {
        "acme/sftp": json.dumps({"username": "export", "password": "local-only"}),
        "acme/webhook": "https://hooks.example.com/x",
    },
    "queues": {"acme-dlq": "false", "acme-dlq.fifo": "true"},  # for dead_letter_queue: ARNs
}


def test_a_new_local_aws_starts_with_the_data(catalogue: Path) -> None:
    with _running(catalogue) as env:
        assert _contents(env.session) == EXPECTED

    # Saved: the next start restores it, DynamoDB, SSM and Secrets Manager included.
    state = app_connect.local_dir(catalogue) / state_file.STATE_FILE
    assert state.is_file()
    with _running(catalogue) as env:
        assert _contents(env.session) == EXPECTED


def test_every_local_command_connects_with_the_data(catalogue: Path) -> None:
    with app_connect.connect(app_connect.Connection(local=True), catalogue):
        pass

    with _running(catalogue) as env:
        assert _contents(env.session) == EXPECTED


def test_the_data_is_never_loaded_on_top_of_a_saved_state(catalogue: Path) -> None:
    with _running(catalogue) as env:
        env.session.client("s3").delete_object(Bucket="acme-app-logs", Key="app/web-1.log")
        env.session.client("ssm").put_parameter(
            Name="/acme/sftp-host", Value="changed", Type="String", Overwrite=True
        )
    (catalogue.parent / "local-data.yaml").write_text(DATA + "  acme/added: later\n")

    with _running(catalogue) as env:
        found = _contents(env.session)
        names = [
            s["Name"] for s in env.session.client("secretsmanager").list_secrets()["SecretList"]
        ]

    assert found["buckets"] == {
        "acme-app-logs": {"app/worker-1.log": b"job done\n"},
        "acme-app-logs-backup": {},
    }
    assert found["parameters"] == {
        "/acme/sftp-host": ("String", "changed"),
        "/acme/api-token": ("SecureString", "local-only"),
    }
    assert sorted(names) == ["acme/sftp", "acme/webhook"]


def test_reset_starts_again_from_the_data(catalogue: Path) -> None:
    with _running(catalogue) as env:
        env.session.client("s3").delete_object(Bucket="acme-app-logs", Key="app/web-1.log")
        env.session.client("s3").create_bucket(Bucket="made-by-a-job")

    done = app_connect.reset_local(catalogue)

    assert done.directory == app_connect.local_dir(catalogue)
    assert done.data_file == catalogue.parent / "local-data.yaml"
    assert done.loaded is not None
    summary = "2 buckets (2 objects), 1 table (2 items), 2 parameters, 2 secrets, 2 queues"
    assert done.loaded.summary() == summary
    with _running(catalogue) as env:
        assert _contents(env.session) == EXPECTED


def test_reset_without_a_data_file_leaves_an_empty_folder(catalogue: Path) -> None:
    (catalogue.parent / "local-data.yaml").unlink()
    with _running(catalogue):
        pass

    done = app_connect.reset_local(catalogue)

    assert done.loaded is None
    assert os.listdir(done.directory) == [embedded.LOCK_FILE]


def test_a_bad_file_creates_nothing_and_is_loaded_once_fixed(catalogue: Path) -> None:
    data_file = catalogue.parent / "local-data.yaml"
    data_file.write_text(DATA.replace("acme-app-logs-backup", "Acme_Backup"))

    with pytest.raises(LocalDataInvalid) as raised, _running(catalogue):
        pass

    assert [m for m, _ in raised.value.problems] == [
        f'{data_file}:5:3: bucket "Acme_Backup" is not a name S3 accepts: it contains "A", "B", "_"'
    ]
    assert not (app_connect.local_dir(catalogue) / state_file.STATE_FILE).exists()

    data_file.write_text(DATA)
    with _running(catalogue) as env:
        assert _contents(env.session) == EXPECTED


def test_reset_with_a_bad_file_wipes_nothing(catalogue: Path) -> None:
    with _running(catalogue) as env:
        env.session.client("s3").create_bucket(Bucket="made-by-a-job")
    (catalogue.parent / "local-data.yaml").write_text("tables:\n  orders: {}\n")

    with pytest.raises(LocalDataInvalid):
        app_connect.reset_local(catalogue)

    with _running(catalogue) as env:
        names = [b["Name"] for b in env.session.client("s3").list_buckets()["Buckets"]]
    assert "made-by-a-job" in names


def test_what_the_local_aws_refuses_is_reported_at_its_line_and_nothing_is_saved(
    tmp_path: Path,
) -> None:
    directory = tmp_path / "local"

    def seed(session: boto3.Session) -> None:
        session.client("s3").create_bucket(Bucket="half-done")  # must not be saved
        # A table the parser passes, loaded twice: the local AWS refuses the second.
        declared = parse_local_data("tables:\n  orders: {key: {id: S}}\n", "d.yaml", tmp_path)
        data.load(session, replace(declared, tables=declared.tables * 2))

    with pytest.raises(LocalDataInvalid) as raised, embedded.running(directory, seed=seed):
        pass

    [(message, hint)] = raised.value.problems
    assert message == (
        'd.yaml:2:3: the local AWS refused table "orders": ResourceInUseException: '
        "Table already exists: orders"
    )
    assert hint == "fix it in the file"
    assert not (directory / state_file.STATE_FILE).exists()


def test_buckets_outside_us_east_1_are_created_in_their_region(catalogue: Path) -> None:
    directory = app_connect.local_dir(catalogue)
    data_file = app_connect.local_data_file(catalogue)

    with app_connect.connect_local(directory, region="eu-west-1", data_file=data_file):
        pass

    with embedded.running(directory, region="eu-west-1") as env:
        location = env.session.client("s3").get_bucket_location(Bucket="acme-app-logs")
        assert location["LocationConstraint"] == "eu-west-1"
