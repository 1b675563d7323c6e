"""What the AWS benchmarks share: a moto server on 127.0.0.1, the environment that points boto3
at it, a synthetic catalogue mixing both backends, and one timed plan / apply through `app`.

Not a benchmark itself; `bench_calls.py` and `bench_apply.py` import it.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from gen_catalogue import SCHEDULES

from scheduler.app import check as app_check
from scheduler.app import deploy as app_deploy
from scheduler.apply import ApplyResult, apply_plan
from scheduler.aws import AwsContext
from scheduler.catalogue.model import Catalogue

REGION = "us-east-1"
NOW = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)
SERVER_START_SECONDS = 60.0
SERVER_STOP_SECONDS = 10.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass(frozen=True)
class Server:
    url: str
    pid: int

    def cpu_seconds(self) -> float:
        """User + system CPU time the server process has used so far (Linux /proc)."""
        fields = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def moto_server() -> Iterator[Server]:
    """A fresh `moto_server` on 127.0.0.1, started with no options; stopped on exit."""
    port = _free_port()
    env = dict(os.environ)  # plainly: without AWS's managed policies, which sched needs none of
    env.pop("MOTO_IAM_LOAD_MANAGED_POLICIES", None)
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while True:
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("moto server did not start") from None
                time.sleep(0.1)
        yield Server(url, server.pid)
    finally:
        server.terminate()
        try:
            server.wait(timeout=SERVER_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=SERVER_STOP_SECONDS)


@contextlib.contextmanager
def pointed_at(endpoint: str) -> Iterator[None]:
    """boto3's environment while the block runs: `endpoint`, fake credentials, us-east-1."""
    saved = dict(os.environ)
    for name in list(os.environ):
        if name.startswith("AWS_"):
            del os.environ[name]
    os.environ.update(
        AWS_ENDPOINT_URL=endpoint,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION=REGION,
    )
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def write_catalogue(
    folder: Path,
    jobs: int,
    *,
    name: str = "bench",
    versions: int | None = None,
    shared_roles: bool = False,
) -> Path:
    """`jobs.yaml` with `jobs` Lambda jobs sharing one handler: even ones on EventBridge rules,
    odd ones on EventBridge Scheduler (Europe/Paris), with gen_catalogue's schedules;
    `versions` sets `versions:` under defaults (each job's live alias), `shared_roles` sets
    `roles: shared` (one role for all)."""
    lines = [f"catalogue: {name}", "defaults:", "  tags: {team: bench}"]
    if versions is not None:
        lines.append(f"  versions: {versions}")
    if shared_roles:
        lines.append("  roles: shared")
    lines.append("jobs:")
    for i in range(jobs):
        lines += [
            f"  job-{i:05d}:",
            f"    description: synthetic job {i}",
            f"    schedule: {SCHEDULES[i % len(SCHEDULES)]}",
            "    expected_runtime: 1m",
            "    handler: jobs/bench/handler.py:main",
            f"    input: {{item: {i}, bucket: bench-bucket}}",
        ]
        if i % 2:
            lines += ["    backend: scheduler", "    timezone: Europe/Paris"]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "jobs.yaml"
    path.write_text("\n".join(lines) + "\n")
    handler = folder / "jobs" / "bench" / "handler.py"
    handler.parent.mkdir(parents=True, exist_ok=True)
    handler.write_text("def main(event, context):\n    return None\n")
    return path


def rules_jobs(jobs: int) -> int:
    return (jobs + 1) // 2


def load(path: Path) -> Catalogue:
    return app_check.check(path, now=NOW).catalogue


@dataclass(frozen=True)
class Timed:
    seconds: float
    calls: dict[str, int]
    cpu_seconds: float  # of this process (all its threads)

    @property
    def total(self) -> int:
        return sum(self.calls.values())


def timed_plan(catalogue: Catalogue, aws: AwsContext) -> tuple[app_deploy.Planned, Timed]:
    """`sched plan`: package + compile + read + diff, with its wall time and API calls."""
    aws.calls.reset()
    cpu, start = time.process_time(), time.perf_counter()
    planned = app_deploy.plan(catalogue, aws)
    elapsed = time.perf_counter() - start
    return planned, Timed(elapsed, aws.calls.counts(), time.process_time() - cpu)


def timed_apply(
    planned: app_deploy.Planned, aws: AwsContext, concurrency: int
) -> tuple[ApplyResult, Timed]:
    aws.calls.reset()
    cpu, start = time.process_time(), time.perf_counter()
    result = apply_plan(planned.plan, aws.writer, concurrency=concurrency)
    elapsed = time.perf_counter() - start
    return result, Timed(elapsed, aws.calls.counts(), time.process_time() - cpu)


def machine() -> str:
    model = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} CPU ({model}), Python {sys.version.split()[0]}"
