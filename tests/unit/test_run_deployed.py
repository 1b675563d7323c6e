"""`sched run` on AWS: the deployed function invoked synchronously with a manual event (so its
wrapper logs the run as manual and history shows it), the outcome read from Lambda's answer
and log tail, and the handler's traceback shown without sched's own frames."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace

import pytest
from run_support import at, catalogue, fargate_job, job

from scheduler.app.operate import invoke_async, run_deployed
from scheduler.errors import CannotRun
from scheduler.history import RunStatus
from scheduler.ports import Invoked
from scheduler.report.runs import outcome_line

NOW = at("2026-11-25T09:11:00")
RID = "5b6cxmpl-7d8e-4f90-a1b2-c3d4e5f6a7b8"


def _line(**fields: object) -> str:
    return json.dumps(fields)


START = _line(
    sched="start", v=1, job="broken", catalogue="acme-ops", trigger="manual",
    trigger_id="sched-run-1", scheduled_time="2026-11-25T09:11:00Z", attempt=None,
    request_id=RID, deploy=None,
)  # fmt: skip
RUN = _line(
    sched="run", v=1, job="broken", catalogue="acme-ops", trigger="manual",
    trigger_id="sched-run-1", scheduled_time="2026-11-25T09:11:00Z", attempt=None,
    request_id=RID, start="2026-11-25T09:11:00.210Z", end="2026-11-25T09:11:00.251Z",
    duration_ms=41.0, status="failed", error_type="KeyError", error_message="'missing'",
    expected_runtime_ms=300000, overran=False,
)  # fmt: skip
TAIL = "\n".join(
    [
        f"START RequestId: {RID} Version: $LATEST",
        START,
        RUN,
        "[ERROR] KeyError: 'missing'\rTraceback (most recent call last):\r"
        '  File "/var/task/sched_runtime/wrapper.py", line 280, in handler\r',
        f"END RequestId: {RID}",
        f"REPORT RequestId: {RID}\tDuration: 45.10 ms\tBilled Duration: 46 ms\t"
        "Memory Size: 256 MB\tMax Memory Used: 61 MB\t",
        "",
    ]
)
ERROR = {
    "errorMessage": "'missing'",
    "errorType": "KeyError",
    "requestId": RID,
    "stackTrace": [
        '  File "/var/task/sched_runtime/wrapper.py", line 280, in handler\n'
        "    raise executed.error\n",
        '  File "/var/task/handler.py", line 3, in main\n    return event["missing"]\x1b[2J\n',
    ],
}


@dataclass
class SyncInvoker:
    answer: Invoked
    calls: list[tuple[str, str]] = field(default_factory=list)

    def invoke_async(self, function_name: str, payload: str) -> str | None:
        raise AssertionError("sched run waits for the run")

    def invoke_sync(self, function_name: str, payload: str) -> Invoked:
        self.calls.append((function_name, payload))
        return self.answer


def failing() -> SyncInvoker:
    return SyncInvoker(Invoked(RID, json.dumps(ERROR), "Unhandled", TAIL))


def test_it_invokes_the_deployed_function_with_a_manual_event() -> None:
    broken = job("broken", "cron(0 2 * * ? *)")
    invoker = failing()
    run_deployed(catalogue(broken), broken, invoker, now=NOW)
    [(function, payload)] = invoker.calls
    event = json.loads(payload)
    assert function == "acme-ops-broken"
    assert event["sched"]["manual"] is True
    assert (event["sched"]["job"], event["sched"]["scheduled_time"]) == (
        "broken",
        "2026-11-25T09:11:00Z",
    )


def test_a_failing_deployed_run_shows_its_error_and_the_handlers_frames() -> None:
    broken = job("broken", "cron(0 2 * * ? *)")
    outcome = run_deployed(catalogue(broken), broken, failing(), now=NOW)
    assert (outcome.status, outcome.request_id, outcome.error_type, outcome.error_message) == (
        RunStatus.FAILED,
        RID,
        "KeyError",
        "'missing'",
    )
    assert outcome_line(outcome, broken).splitlines() == [
        "broken: failed in 45ms (0% of expected 5m, 0.0% of Lambda's 15m)",
        "  error: KeyError: 'missing'",
        "  Traceback (most recent call last):",
        '    File "/var/task/handler.py", line 3, in main',
        '      return event["missing"][2J',
    ]


def test_a_deployed_run_that_succeeds_reads_its_duration_from_report() -> None:
    ok = job("broken", "cron(0 2 * * ? *)")
    tail = TAIL.replace('"status": "failed", "error_type": "KeyError", "error_message": '
                        "\"'missing'\"", '"status": "succeeded", "error_type": null, '
                        '"error_message": null')  # fmt: skip
    tail = "\n".join(line for line in tail.split("\n") if not line.startswith("[ERROR]"))
    invoker = SyncInvoker(Invoked(RID, '"done"', None, tail))
    outcome = run_deployed(catalogue(ok), ok, invoker, now=NOW)
    assert (outcome.status, outcome.result, outcome.traceback) == (
        RunStatus.SUCCEEDED,
        "done",
        None,
    )
    assert outcome_line(outcome, ok) == (
        "broken: succeeded in 45ms (0% of expected 5m, 0.0% of Lambda's 15m)"
    )


def test_a_fargate_job_cannot_be_run() -> None:
    reindex = fargate_job("reindex", "cron(0 3 * * ? *)")
    with pytest.raises(CannotRun, match="runs on Fargate"):
        run_deployed(catalogue(reindex), reindex, failing(), now=NOW)


def test_a_versioned_job_runs_the_live_alias_its_schedule_invokes() -> None:
    broken = replace(job("broken", "cron(0 2 * * ? *)"), versions=2)
    invoker = failing()
    run_deployed(catalogue(broken), broken, invoker, now=NOW)
    [(function, _)] = invoker.calls
    assert function == "acme-ops-broken:live"


def test_a_versioned_job_is_triggered_through_the_live_alias() -> None:
    broken = replace(job("broken", "cron(0 2 * * ? *)"), versions=2)
    invoker = AsyncInvoker()
    invoke_async(catalogue(broken), broken, invoker, now=NOW)
    assert invoker.calls == ["acme-ops-broken:live"]


@dataclass
class AsyncInvoker:
    calls: list[str] = field(default_factory=list)

    def invoke_async(self, function_name: str, payload: str) -> str | None:
        self.calls.append(function_name)
        return RID

    def invoke_sync(self, function_name: str, payload: str) -> Invoked:
        raise AssertionError("sched trigger does not wait")
