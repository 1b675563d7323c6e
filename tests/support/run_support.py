"""Builders for the ops tests: aware UTC times, jobs and catalogues, and the log events of runs
in Lambda's text log format (written out by hand, independent of the code under test)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from scheduler import naming
from scheduler.catalogue.model import Backend, Catalogue, Compute, Fargate, Job
from scheduler.ports import LogEvent

CATALOGUE = "acme-ops"


def at(text: str) -> datetime:
    """`2026-11-23T02:00:00` → aware UTC."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def job(name: str, schedule: str, **changes: Any) -> Job:
    """A Lambda job with a handler, 5m expected, 10m timeout, unless `changes` say otherwise."""
    fields: dict[str, Any] = {
        "name": name,
        "schedule": schedule,
        "expected_runtime": timedelta(minutes=5),
        "timeout": timedelta(minutes=10),
        "timeout_is_explicit": True,
        "handler": f"jobs/{name.replace('-', '_')}/handler.py:main",
    }
    fields.update(changes)
    return Job(**fields)


def fargate_job(name: str, schedule: str) -> Job:
    return job(
        name,
        schedule,
        handler=None,
        compute=Compute.FARGATE,
        expected_runtime=timedelta(minutes=45),
        fargate=Fargate(cluster="batch", task_definition=name, subnets=("subnet-1",)),
    )


def scheduler_job(name: str, schedule: str, tz: str, **changes: Any) -> Job:
    return job(name, schedule, backend=Backend.SCHEDULER, timezone=tz, **changes)


def catalogue(*jobs: Job, base: Path = Path("/catalogue")) -> Catalogue:
    return Catalogue(name=CATALOGUE, path=base / "jobs.yaml", jobs=tuple(jobs))


def group(name: str) -> str:
    """The log group of the function sched deploys for job `name`."""
    return naming.log_group_name(CATALOGUE, name)


def legacy_group(name: str) -> str:
    """Lambda's default log group of that function, where it logged before it had its own."""
    return f"/aws/lambda/{CATALOGUE}-{name}"


def ms(when: datetime) -> int:
    return int(when.timestamp() * 1000)


def _iso(when: datetime) -> str:
    return when.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def run_events(
    job_name: str,
    fire: datetime | None,
    *,
    request_id: str,
    delay: timedelta = timedelta(milliseconds=400),
    duration: timedelta = timedelta(seconds=90),
    status: str = "succeeded",
    trigger: str = "rule",
    attempt: int | None = None,
    error: tuple[str, str] | None = None,
    start: datetime | None = None,
    deploy: str | None = None,
    version: str = "$LATEST",
) -> list[LogEvent]:
    """START, the wrapper's line, END and REPORT of one run that started `delay` after `fire`;
    `deploy` is the SCHED_DEPLOY the line carries (none: a line no deployment of sched wrote);
    `version` is the function version Lambda ran (it names the log stream)."""
    begin = start or (fire + delay if fire else None)
    assert begin is not None
    end = begin + duration
    stream = f"{begin:%Y/%m/%d}/[{version}]{request_id[:8]:0>32}"
    line = {
        "sched": "run",
        "v": 1,
        "job": job_name,
        "catalogue": CATALOGUE,
        "trigger": trigger,
        "trigger_id": "ev",
        "scheduled_time": f"{fire:%Y-%m-%dT%H:%M:%SZ}" if fire else None,
        "attempt": attempt,
        "request_id": request_id,
        "start": _iso(begin),
        "end": _iso(end),
        "duration_ms": duration / timedelta(milliseconds=1),
        "status": status,
        "error_type": error[0] if error else None,
        "error_message": error[1] if error else None,
        "expected_runtime_ms": 300000,
        "overran": False,
    }
    if deploy is not None:
        line["deploy"] = deploy
    millis = duration / timedelta(milliseconds=1)
    return [
        LogEvent(ms(begin), f"START RequestId: {request_id} Version: {version}\n", stream),
        LogEvent(ms(end), json.dumps(line) + "\n", stream),
        LogEvent(ms(end) + 5, f"END RequestId: {request_id}\n", stream),
        LogEvent(
            ms(end) + 5,
            f"REPORT RequestId: {request_id}\tDuration: {millis + 5:.2f} ms\t"
            f"Billed Duration: {int(millis) + 6} ms\tMemory Size: 256 MB\t"
            "Max Memory Used: 80 MB\t\n",
            stream,
        ),
    ]
