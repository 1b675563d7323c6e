"""A local run has exactly the job's own permissions: the example log backup copies its objects
with them, fails with AccessDenied without its write permission (naming the entry to add), and
nothing of the stand-in identity is left behind."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scheduler.access import denial_hint
from scheduler.app.connect import Connection, connect_local, local_dir
from scheduler.app.operate import run
from scheduler.catalogue.loader import load
from scheduler.catalogue.model import Catalogue
from scheduler.history.model import RunStatus

ROOT = Path(__file__).parent.parent.parent
WRITE = "      - S3WritePolicy: {BucketName: acme-app-logs-backup}\n"


def _catalogue(tmp_path: Path, text: str) -> Catalogue:
    (tmp_path / "jobs.yaml").write_text(text)
    if not (tmp_path / "jobs").exists():
        shutil.copytree(ROOT / "jobs", tmp_path / "jobs")
    catalogue = load(tmp_path / "jobs.yaml").catalogue
    assert catalogue is not None
    return catalogue


@pytest.fixture
def buckets(tmp_path: Path) -> None:
    with connect_local(local_dir(tmp_path / "jobs.yaml")) as aws:
        s3 = aws.session.client("s3")
        for bucket in ("acme-app-logs", "acme-app-logs-backup"):
            s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket="acme-app-logs", Key="app/web.log", Body=b"GET /\n")


@pytest.mark.usefixtures("buckets")
def test_the_log_backup_copies_its_objects_with_its_own_permissions(tmp_path: Path) -> None:
    text = (ROOT / "jobs.yaml").read_text()
    assert WRITE in text
    catalogue = _catalogue(tmp_path, text)
    job = catalogue.job("log-backup")
    assert job is not None
    now = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
    outcome = run(catalogue, job, Connection(local=True), now=now, scheduled_time=now)
    assert (outcome.status, outcome.hint) == (RunStatus.SUCCEEDED, None)
    with connect_local(local_dir(tmp_path / "jobs.yaml")) as aws:
        copied = aws.session.client("s3").list_objects_v2(Bucket="acme-app-logs-backup")
        assert [o["Key"] for o in copied["Contents"]] == ["2026-11-30/app/web.log"]
        users = aws.session.client("iam").list_users()["Users"]
        assert users == []  # the stand-in for the job's role is gone


@pytest.mark.usefixtures("buckets")
def test_without_its_write_permission_the_backup_is_refused_and_told_what_to_add(
    tmp_path: Path,
) -> None:
    catalogue = _catalogue(tmp_path, (ROOT / "jobs.yaml").read_text().replace(WRITE, ""))
    job = catalogue.job("log-backup")
    assert job is not None
    outcome = run(catalogue, job, Connection(local=True), now=datetime.now(UTC))
    assert (outcome.status, outcome.error_type) == (RunStatus.FAILED, "AccessDenied")
    assert outcome.hint == (
        'its role does not allow s3:PutObject; add to job "log-backup" in jobs.yaml, under '
        "permissions: - S3WritePolicy: {BucketName: acme-app-logs-backup}"
    )
    # What history and status read back: S3's "Access Denied" names the operation only.
    assert denial_hint(outcome.error_message) == (
        "its role was refused s3 CopyObject, which needs s3:GetObject and s3:PutObject; add to"
        " its permissions: - {Effect: Allow, Action: [s3:GetObject, s3:PutObject], Resource:"
        ' "<the ARN it needs>"}'
    )
    with connect_local(local_dir(tmp_path / "jobs.yaml")) as aws:
        assert (
            aws.session.client("s3").list_objects_v2(Bucket="acme-app-logs-backup")["KeyCount"] == 0
        )
