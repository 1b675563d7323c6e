"""The example job `jobs/log_backup/handler.py` against moto's S3: it copies the objects of the
week before its scheduled time under `<day>/`, and skips older ones and other prefixes."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest
from aws_support import ACCOUNT
from moto import mock_aws
from moto.s3.models import s3_backends

HANDLER = Path(__file__).resolve().parents[2] / "jobs" / "log_backup" / "handler.py"
SCHEDULED = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Context:
    scheduled_time: datetime


def _handler() -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    spec = importlib.util.spec_from_file_location("log_backup_handler", HANDLER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    main: Callable[[dict[str, Any], Any], dict[str, Any]] = module.main
    return main


@pytest.fixture
def s3() -> Iterator[Any]:
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        client.create_bucket(Bucket="app-logs")
        client.create_bucket(Bucket="app-logs-backup")
        yield client


def _put(s3: Any, key: str, modified: datetime) -> None:
    """An object last modified at `modified` (set in moto's store: S3 has no API for it)."""
    s3.put_object(Bucket="app-logs", Key=key, Body=key.encode())
    stored = s3_backends[ACCOUNT]["aws"].buckets["app-logs"].keys[key]
    stored.last_modified = modified.replace(tzinfo=None)


def test_copies_last_weeks_objects_and_skips_older_ones(s3: Any) -> None:
    _put(s3, "app/monday.log", SCHEDULED - timedelta(days=1))
    _put(s3, "app/edge.log", SCHEDULED - timedelta(days=7))  # exactly a week: still copied
    _put(s3, "app/old.log", SCHEDULED - timedelta(days=7, seconds=1))
    _put(s3, "app/ancient.log", SCHEDULED - timedelta(days=40))
    _put(s3, "other/monday.log", SCHEDULED - timedelta(days=1))  # outside the prefix
    event = {
        "source_bucket": "app-logs",
        "backup_bucket": "app-logs-backup",
        "prefix": "app/",
        "days": 7,
    }

    result = _handler()(event, Context(SCHEDULED))

    assert result == {"copied": 2, "skipped": 2, "backup_prefix": "2026-11-23/"}
    copied = s3.list_objects_v2(Bucket="app-logs-backup")["Contents"]
    assert sorted(o["Key"] for o in copied) == [
        "2026-11-23/app/edge.log",
        "2026-11-23/app/monday.log",
    ]
    body = s3.get_object(Bucket="app-logs-backup", Key="2026-11-23/app/monday.log")["Body"]
    assert body.read() == b"app/monday.log"


def test_an_empty_source_copies_nothing(s3: Any) -> None:
    event = {"source_bucket": "app-logs", "backup_bucket": "app-logs-backup"}

    assert _handler()(event, Context(SCHEDULED)) == {
        "copied": 0,
        "skipped": 0,
        "backup_prefix": "2026-11-23/",
    }
    assert "Contents" not in s3.list_objects_v2(Bucket="app-logs-backup")
