"""A local run under a shared role (defaults: {roles: shared}) refused for want of a permission:
the hint names the catalogue line to add and the other jobs that use the role."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

from scheduler.app.connect import Connection, connect_local, local_dir
from scheduler.app.operate import run
from scheduler.catalogue.loader import load
from scheduler.history.model import RunStatus

ROOT = Path(__file__).parent.parent.parent
JOB = """\
  {name}:
    schedule: cron(0 2 ? * MON *)
    expected_runtime: 5m
    handler: jobs/log_backup/handler.py:main
    input: {{source_bucket: acme-app-logs, backup_bucket: acme-app-logs-backup, prefix: app/}}
    permissions: [{{S3ReadPolicy: {{BucketName: acme-app-logs}}}}]
"""


def test_the_hint_names_the_jobs_sharing_the_role(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "jobs", tmp_path / "jobs")
    jobs = "".join(JOB.format(name=name) for name in ("backup", "backup-eu", "backup-us"))
    path = tmp_path / "jobs.yaml"
    path.write_text(f"catalogue: acme\ndefaults: {{roles: shared}}\njobs:\n{jobs}")
    catalogue = load(path).catalogue
    assert catalogue is not None
    with connect_local(local_dir(path)) as aws:
        s3 = aws.session.client("s3")
        for bucket in ("acme-app-logs", "acme-app-logs-backup"):
            s3.create_bucket(Bucket=bucket)
        s3.put_object(Bucket="acme-app-logs", Key="app/web.log", Body=b"GET /\n")
    job = catalogue.job("backup")
    assert job is not None

    outcome = run(catalogue, job, Connection(local=True), now=datetime.now(UTC))

    assert (outcome.status, outcome.error_type) == (RunStatus.FAILED, "AccessDenied")
    assert outcome.hint == (
        "its role, shared with jobs backup-eu, backup-us, does not allow s3:PutObject; add to "
        'job "backup" in jobs.yaml, under permissions: - S3WritePolicy: '
        "{BucketName: acme-app-logs-backup} (it then gets a role of its own; theirs is unchanged)"
    )
