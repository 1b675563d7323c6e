"""Log lines are untrusted input (any function in the account can write to a job's log group):
a line that does not validate is skipped and counted, never raised; every computation is bound
by the window; one Lambda request id is at most one run; platform records alone are attributed
only when no other job could own them."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from run_fakes import FakeLogs
from run_support import at, catalogue, group, job, ms, run_events

from scheduler.history import RunStatus
from scheduler.history.expected import rate_grid
from scheduler.history.parse import parse_message
from scheduler.history.read import History, history_for
from scheduler.history.records import Malformed
from scheduler.history.targets import bindings
from scheduler.ports import Deployment, LogEvent

NOW = at("2026-11-25T08:00:00")
SINCE = at("2026-11-20T00:00:00")
DAILY = job("log-backup", "cron(0 2 * * ? *)")
FIRE = at("2026-11-23T02:00:00")
RID = "1b2cxmpl-3d4e-4f5a-8b6c-7d8e9f0a1b2c"


def run_line(**changes: Any) -> dict[str, Any]:
    line: dict[str, Any] = {
        "sched": "run",
        "v": 1,
        "job": "log-backup",
        "catalogue": "acme-ops",
        "trigger": "rule",
        "trigger_id": "ev",
        "scheduled_time": "2026-11-23T02:00:00Z",
        "attempt": 1,
        "request_id": RID,
        "start": "2026-11-23T02:00:01.000Z",
        "end": "2026-11-23T02:00:02.000Z",
        "duration_ms": 1000.0,
        "status": "succeeded",
        "error_type": None,
        "error_message": None,
        "expected_runtime_ms": 300000,
        "overran": False,
    }
    line.update(changes)
    return line


def invocation(*lines: str, request_id: str = RID, stream: str = "s") -> list[LogEvent]:
    """START, the given lines, END and REPORT of one invocation of the 23rd's fire."""
    begin = ms(FIRE + timedelta(seconds=1))
    return [
        LogEvent(begin, f"START RequestId: {request_id} Version: $LATEST", stream),
        *(LogEvent(begin + 1 + i, text, stream) for i, text in enumerate(lines)),
        LogEvent(begin + 1000, f"END RequestId: {request_id}", stream),
        LogEvent(
            begin + 1001,
            f"REPORT RequestId: {request_id}\tDuration: 1000.00 ms\tBilled Duration: 1000 ms",
            stream,
        ),
    ]


def good_day() -> list[LogEvent]:
    return run_events("log-backup", at("2026-11-22T02:00:00"), request_id="aaaa-1")


def history(*events: LogEvent, jobs: tuple[Any, ...] = (DAILY,)) -> History:
    logs = FakeLogs({group("log-backup"): [*good_day(), *events]})
    return history_for(catalogue(*jobs), logs, now=NOW, since=SINCE)


def statuses(found: History) -> list[tuple[str, str]]:
    return [(f"{r.scheduled_time:%m-%d}", r.status.value) for r in found.runs]


BAD_LINES = {
    "NaN duration": json.dumps(run_line(duration_ms=float("nan"))),
    "Infinity duration": json.dumps(run_line(duration_ms=float("inf"))),
    "a duration no timedelta holds": json.dumps(run_line(duration_ms=1e20)),
    "a scheduled time before year 1 in UTC": json.dumps(
        run_line(scheduled_time="0001-01-01T00:00:00+05:00")
    ),
    "an end after year 9999 in UTC": json.dumps(run_line(end="9999-12-31T23:59:59-05:00")),
    "an attempt of 4301 digits": json.dumps(run_line()).replace(
        '"attempt": 1,', '"attempt": ' + "9" * 4301 + ","
    ),
    "an attempt as huge float": json.dumps(run_line(attempt=1e308)),
    "a status sched never writes": json.dumps(run_line(status="great")),
    "a status that is a list": json.dumps(run_line(status=[])),
    "a trigger that is an object": json.dumps(run_line(trigger={"rule": 1})),
    "a job that is not text": json.dumps(run_line(job=["log-backup"])),
    "nesting deep enough to exhaust the parser": '{"sched": "run", "job": '
    + "[" * 100_000
    + "]" * 100_000
    + "}",
    "a scheduled time decades before its log time": json.dumps(
        run_line(scheduled_time="1990-11-23T02:00:00Z")
    ),
}


@pytest.mark.parametrize("text", BAD_LINES.values(), ids=BAD_LINES.keys())
def test_a_wrapper_line_that_does_not_validate_is_skipped_and_counted(text: str) -> None:
    found = history(*invocation(text))
    (job_history,) = found.jobs
    assert job_history.skipped.malformed == 1
    # The other day's run is still there; the invocation itself is a platform-only run.
    assert ("11-22", "succeeded") in statuses(found)


@pytest.mark.parametrize(
    "text",
    [
        "REPORT RequestId: r\tDuration: nan ms",
        "REPORT RequestId: r\tDuration: inf ms\tMax Memory Used: 1e400 MB",
        '{"type": "platform.report", "record": {"requestId": "r", "metrics": {"durationMs": NaN}}}',
        '{"type": "platform.report", "record": {"requestId": "r", "metrics":'
        ' {"maxMemoryUsedMB": 1e999}}}',
    ],
)
def test_a_platform_record_with_numbers_no_run_can_have_is_malformed(text: str) -> None:
    assert isinstance(parse_message(text), Malformed)


def test_a_lone_surrogate_reaches_no_output_as_such() -> None:
    line = json.dumps(run_line(status="failed", error_type="Oops\ud800", error_message="x\udfff"))
    found = history(*invocation(line))
    run = next(r for r in found.runs if r.request_id == RID)
    assert run.error_type is not None and run.error_message is not None
    (run.error_type + run.error_message).encode("utf-8")  # would raise on a lone surrogate


def test_a_scheduled_time_in_year_1_does_not_walk_the_grid_from_year_1() -> None:
    hourly = job("log-backup", "rate(1 hour)")
    ancient = json.dumps(run_line(scheduled_time="0001-01-01T00:00:00Z"))
    found = history(*invocation(ancient), jobs=(hourly,))
    assert found.jobs[0].skipped.malformed == 1


def test_the_rate_grid_starts_at_the_window_whatever_the_anchor() -> None:
    year_one = at("0001-01-01T00:00:00")
    fires = rate_grid([year_one], timedelta(minutes=1), at("2026-11-25T08:03:00"), since=NOW)
    assert fires == [NOW + timedelta(minutes=n) for n in (1, 2, 3)]


def test_a_run_line_the_handler_printed_is_not_a_second_run() -> None:
    fake = json.dumps(run_line(status="failed", error_type="Fake"))
    real = json.dumps(run_line())
    found = history(*invocation(fake, real))
    assert statuses(found)[2:] == [
        ("11-22", "succeeded"),
        ("11-23", "succeeded"),
        ("11-24", "missed"),
        ("11-25", "missed"),
    ]
    assert found.jobs[0].skipped.repeated == 1


def test_a_run_line_naming_another_request_than_the_one_running_is_skipped() -> None:
    fake = json.dumps(run_line(request_id="made-up-id", scheduled_time="2026-11-24T02:00:00Z"))
    found = history(*invocation(fake, json.dumps(run_line())))
    assert statuses(found)[4] == ("11-24", "missed")
    assert found.jobs[0].skipped.unbound == 1


def test_ten_thousand_starts_of_one_request_id_are_one_run() -> None:
    begin = ms(FIRE + timedelta(seconds=1))
    starts = [
        LogEvent(begin + i, f"START RequestId: {RID} Version: $LATEST", "s") for i in range(10_000)
    ]
    found = history(*starts, *invocation(json.dumps(run_line()))[1:])
    assert [r.request_id for r in found.runs if r.status is not RunStatus.MISSED] == ["aaaa-1", RID]


def test_a_retry_of_lambda_is_an_attempt_of_the_same_fire_not_another_run() -> None:
    first = invocation(json.dumps(run_line(status="failed", error_type="Boom")))
    second = [
        LogEvent(e.timestamp_ms + 60_000, e.message, "s2")
        for e in invocation(json.dumps(run_line(attempt=2)))
    ]
    found = history(*first, *second)
    (run,) = [r for r in found.runs if r.request_id == RID]
    assert (run.status, run.attempt) == (RunStatus.SUCCEEDED, 2)


def test_a_bare_platform_report_is_no_run() -> None:
    report = LogEvent(
        ms(at("2026-11-24T02:00:03")),
        json.dumps(
            {
                "time": "2026-11-24T02:00:03.000Z",
                "type": "platform.report",
                "record": {
                    "requestId": "ghost",
                    "metrics": {"durationMs": 5.0},
                    "status": "success",
                },
            }
        ),
        "s",
    )
    found = history(report)
    assert statuses(found)[4] == ("11-24", "missed")
    assert found.jobs[0].skipped.unattributed == 1


def test_two_jobs_on_one_function_do_not_count_each_others_platform_only_runs() -> None:
    arn = "arn:aws:lambda:eu-west-1:123456789012:function:shared"
    first = job("first", "cron(0 2 * * ? *)", handler=None, function=arn)
    second = job("second", "cron(0 3 * * ? *)", handler=None, function=arn)
    platform_only = invocation()
    logs = FakeLogs({"/aws/lambda/shared": platform_only})
    found = history_for(catalogue(first, second), logs, now=NOW, since=SINCE)
    ran = [(r.job, r.request_id) for r in found.runs if r.status is not RunStatus.MISSED]
    assert ran == []
    assert [jh.skipped.unattributed for jh in found.jobs] == [3, 3]


def test_two_jobs_on_one_function_each_count_the_runs_their_wrapper_lines_name() -> None:
    arn = "arn:aws:lambda:eu-west-1:123456789012:function:shared"
    first = job("log-backup", "cron(0 2 * * ? *)", handler=None, function=arn)
    second = job("other", "cron(0 3 * * ? *)", handler=None, function=arn)
    logs = FakeLogs({"/aws/lambda/shared": invocation(json.dumps(run_line()))})
    found = history_for(catalogue(first, second), logs, now=NOW, since=SINCE)
    ran = [(r.job, r.request_id) for r in found.runs if r.status is not RunStatus.MISSED]
    assert ran == [("log-backup", RID)]


DEPLOYED = at("2026-11-22T12:00:00")


def bound_history(*events: LogEvent, deploy: str | None = "v2") -> History:
    logs = FakeLogs({group("log-backup"): list(events)})
    found = {"log-backup": Deployment(DEPLOYED, deploy)}
    return history_for(
        catalogue(DAILY),
        logs,
        now=NOW,
        since=SINCE,
        deployed={"log-backup": DEPLOYED},
        bindings=bindings(found),
    )


def wrapper_run(fire: str, request_id: str, deploy: str | None) -> list[LogEvent]:
    when = at(fire)
    line = run_line(
        scheduled_time=f"{when:%Y-%m-%dT%H:%M:%SZ}",
        request_id=request_id,
        start=f"{when:%Y-%m-%dT%H:%M:%S}.400Z",
        end=f"{when:%Y-%m-%dT%H:%M:%S}.900Z",
        deploy=deploy,
    )
    begin = ms(when) + 400
    return [
        LogEvent(begin, f"START RequestId: {request_id} Version: $LATEST", request_id),
        LogEvent(begin + 1, json.dumps(line), request_id),
        LogEvent(begin + 500, f"END RequestId: {request_id}", request_id),
    ]


def test_since_a_deployment_only_lines_carrying_its_value_are_believed() -> None:
    found = bound_history(
        *wrapper_run("2026-11-22T02:00:00", "before", "v1"),  # an earlier deployment's
        *wrapper_run("2026-11-23T02:00:00", "ours", "v2"),
        *wrapper_run("2026-11-24T02:00:00", "forged", None),  # no value: not the wrapper's
        *wrapper_run("2026-11-25T02:00:00", "stale", "v1"),  # an old value after the deploy
    )
    assert [(f"{r.scheduled_time:%m-%d}", r.request_id or r.status.value) for r in found.runs] == [
        ("11-22", "before"),
        ("11-23", "ours"),
        ("11-24", "missed"),
        ("11-25", "missed"),
    ]
    # The refused lines, then their requests' START and END, which no believed line ties to it.
    assert (found.jobs[0].skipped.unbound, found.jobs[0].skipped.unattributed) == (2, 4)


def test_a_function_without_a_deployment_value_is_read_as_before() -> None:
    found = bound_history(*wrapper_run("2026-11-24T02:00:00", "old-wrapper", None), deploy=None)
    assert [r.request_id for r in found.runs if r.request_id] == ["old-wrapper"]
    assert found.jobs[0].skipped.total == 0
