"""What the functional tests share: a small catalogue on disk, compile, read back, a writer that
records what it was asked to do."""

from __future__ import annotations

import threading
from pathlib import Path

from scheduler.aws import AwsContext
from scheduler.catalogue.loader import load
from scheduler.catalogue.model import Catalogue, Compute
from scheduler.compile import compile_catalogue
from scheduler.package import RUNTIME_SOURCE, build_package
from scheduler.ports import ReadScope, ResourceWriter
from scheduler.resource_state import DeployedState, DesiredState, key_of
from scheduler.resources import Resource

ACCOUNT = "123456789012"
REGION = "eu-west-1"
LEGACY = "legacy-thing"
LEGACY_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{LEGACY}"
DLQ = f"arn:aws:sqs:{REGION}:{ACCOUNT}:acme-dlq"
# A statement the user keeps in the dead-letter queue's policy: sched must never touch it.
USER_QUEUE_STATEMENT = {
    "Sid": "OpsReads",
    "Effect": "Allow",
    "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
    "Action": "sqs:ReceiveMessage",
    "Resource": DLQ,
}

# Both backends, a `function:` job, disabled jobs, a Fargate job, dead letters, a retry window.
CATALOGUE = f"""\
catalogue: acme
defaults:
  tags: {{team: platform}}
jobs:
  backup:
    description: Weekly backup
    schedule: cron(0 2 ? * MON *)
    expected_runtime: 5m
    timeout: 10m
    handler: jobs/backup/handler.py:main
    input: {{bucket: app-logs, days: 7}}
    dead_letter_queue: {DLQ}
  export:
    description: Nightly export
    schedule: "30 1 * * *"
    backend: scheduler
    timezone: Europe/Paris
    expected_runtime: 3m
    memory: 512
    handler: jobs/export/handler.py:main
    input: {{table: orders}}
    retries: 1
    max_event_age: 1h
    delivery_max_event_age: 2h
    dead_letter_queue: {DLQ}
  paused:
    schedule: rate(6 hours)
    backend: scheduler
    expected_runtime: 1m
    handler: jobs/export/handler.py:main
    enabled: false
  legacy:
    schedule: rate(1 hour)
    expected_runtime: 1m
    function: {LEGACY_ARN}
    enabled: false
    delivery_retries: 0
  reindex:
    schedule: "0 3 * * 0"
    expected_runtime: 45m
    compute: fargate
    fargate:
      cluster: batch
      task_definition: reindex
      subnets: [subnet-2, subnet-1]
      security_groups: [sg-1]
      container: app
"""

HANDLER = "def main(event, context):\n    return {'echo': event}\n"


def write_catalogue(root: Path, text: str = CATALOGUE) -> Path:
    """`jobs.yaml` and the handlers it names, under `root`."""
    for job in ("backup", "export"):
        folder = root / "jobs" / job
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "handler.py").write_text(HANDLER)
    path = root / "jobs.yaml"
    path.write_text(text)
    return path


def mixed_catalogue(jobs: int, name: str = "acme") -> str:
    """A catalogue of `jobs` jobs on one handler, even ones on rules, odd ones on Scheduler."""
    lines = [f"catalogue: {name}", "jobs:"]
    for i in range(jobs):
        lines += [
            f"  job-{i}:",
            f"    schedule: rate({i + 2} hours)",
            "    expected_runtime: 1m",
            "    handler: jobs/backup/handler.py:main",
            f"    backend: {'rules' if i % 2 == 0 else 'scheduler'}",
        ]
    return "\n".join(lines) + "\n"


def load_catalogue(path: Path) -> Catalogue:
    loaded = load(path)
    assert loaded.catalogue is not None, loaded.diagnostics
    assert not loaded.diagnostics, loaded.diagnostics
    return loaded.catalogue


def compile_for(catalogue: Catalogue, aws: AwsContext, build_dir: Path) -> DesiredState:
    packages = {
        job.name: build_package(job, catalogue.base_dir, RUNTIME_SOURCE, build_dir)
        for job in catalogue.jobs
        if job.compute is Compute.LAMBDA and job.handler is not None
    }
    return compile_catalogue(catalogue, account=aws.account, region=aws.region, packages=packages)


def read_back(aws: AwsContext, catalogue: str, desired: DesiredState) -> DeployedState:
    scope = ReadScope.for_desired(catalogue, desired, account=aws.account, region=aws.region)
    return aws.reader.read(scope)


class RecordingWriter:
    """Delegates to a real writer and records each call as (operation, kind, name)."""

    def __init__(self, inner: ResourceWriter) -> None:
        self.inner = inner
        self.calls: list[tuple[str, str, str]] = []
        self._lock = threading.Lock()

    def _note(self, operation: str, resource: Resource) -> None:
        kind, name = key_of(resource)
        with self._lock:
            self.calls.append((operation, kind.value, name))

    def create(self, resource: Resource) -> None:
        self.inner.create(resource)
        self._note("create", resource)

    def update(self, before: Resource, after: Resource) -> None:
        self.inner.update(before, after)
        self._note("update", after)

    def delete(self, resource: Resource) -> None:
        self.inner.delete(resource)
        self._note("delete", resource)


def without_dead_letters(text: str) -> str:
    """The catalogue without its dead-letter queue, which the local AWS does not have."""
    return text.replace(f"    dead_letter_queue: {DLQ}\n", "")


def without_job(text: str, job: str) -> str:
    """The catalogue text with one job's block removed."""
    lines = text.splitlines(keepends=True)
    start = lines.index(f"  {job}:\n")
    end = next(
        (
            i
            for i in range(start + 1, len(lines))
            if lines[i].startswith("  ") and lines[i][2] != " "
        ),
        len(lines),
    )
    return "".join(lines[:start] + lines[end:])
