"""Local ticks (due_fires, tick, the last tick file), the scheduled event's shape, and trigger
(remote and local); a manual start never stands for a fire of the schedule."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from run_fakes import FakeInvoker, FakeLogs
from run_support import at, catalogue, fargate_job, group, job, ms, run_events, scheduler_job

from scheduler import compile as compiled
from scheduler.app.operate import Triggered
from scheduler.app.operate import invoke_async as trigger
from scheduler.catalogue.model import Catalogue, Job
from scheduler.errors import CannotRun, TickStateInvalid, TooManyRuns
from scheduler.history import RunStatus, Trigger
from scheduler.history.read import history_for
from scheduler.history.status import status_for
from scheduler.history.targets import bindings
from scheduler.input_template import Placeholder, input_template
from scheduler.local.invoke import trigger_locally
from scheduler.local.tick import Ticked, due_fires, read_last_tick, tick, write_last_tick
from scheduler.ports import Deployment
from scheduler.report import history as history_report
from scheduler.runtime.contract import event_time, job_event

FIRE = at("2026-11-23T02:00:00")
LONG_AGO = at("2026-01-01T00:00:00")  # deployed well before every fire these tests tick
TENTH = timedelta(milliseconds=100)


def scheduled_event(
    the_job: Job, *, scheduled_time: datetime, trigger_id: str, manual: bool = False
) -> dict[str, object]:
    """The event a run of `the_job` gets, built as local runs and `sched trigger` build it."""
    return job_event(
        the_job.backend,
        job=the_job.name,
        job_input=the_job.input,
        scheduled_time=event_time(scheduled_time),
        trigger_id=trigger_id,
        manual=manual,
    )


def test_a_rule_jobs_event_is_what_its_input_transformer_makes() -> None:
    backup = job("log-backup", "cron(0 2 ? * MON *)", input={"bucket": "<logs>", "days": 7})
    template = compiled._rule_input(backup).template
    # EventBridge fills <time> and <id> from the event, as JSON strings.
    filled = template.replace("<time>", '"2026-11-23T02:00:00Z"').replace("<id>", '"ev-1"')
    assert scheduled_event(backup, scheduled_time=FIRE, trigger_id="ev-1") == json.loads(filled)


def test_a_scheduler_jobs_event_is_what_its_schedule_input_makes() -> None:
    export = scheduler_job("nightly-export", "30 1 * * *", "Europe/Paris", input={"t": "orders"})
    filled = (
        compiled._scheduler_input(export)
        .replace(compiled.SCHEDULER_TIME, "2026-11-23T02:00:00Z")
        .replace(compiled.SCHEDULER_EXECUTION_ID, "ex-1")
        .replace(compiled.SCHEDULER_ATTEMPT, "1")
    )
    assert scheduled_event(export, scheduled_time=FIRE, trigger_id="ex-1") == json.loads(filled)


@pytest.mark.parametrize(
    "the_job",
    [
        job("log-backup", "cron(0 2 ? * MON *)", input={"bucket": "b"}),
        scheduler_job("nightly-export", "30 1 * * *", "Europe/Paris", input={"t": "orders"}),
    ],
)
def test_a_manual_event_is_the_scheduled_one_marked_manual(the_job: Job) -> None:
    fired = scheduled_event(the_job, scheduled_time=FIRE, trigger_id="x-1")
    by_hand = scheduled_event(the_job, scheduled_time=FIRE, trigger_id="x-1", manual=True)
    assert by_hand == {**fired, "sched": {**fired["sched"], "manual": True}}


def test_an_input_template_keeps_placeholders_bare_and_escapes_literals() -> None:
    structure = {
        "z": Placeholder("time"),
        "a": [{"k": "<v>", "b": 1}, Placeholder("id")],
        "m": {"y": 2, "x": "é"},
    }
    # Where a placeholder sits, the order is kept; every other value is sorted, escaped JSON.
    assert input_template(structure) == (
        '{"z":<time>,"a":[{"b":1,"k":"\\u003cv\\u003e"},<id>],"m":{"x":"é","y":2}}'
    )
    assert input_template(Placeholder("id")) == "<id>"


def test_the_event_builder_holds_a_rules_and_a_schedules_shape() -> None:
    rule = job_event(
        compiled.Backend.RULES,
        job="j",
        job_input=None,
        scheduled_time=Placeholder("time"),
        trigger_id=Placeholder("id"),
    )
    assert (
        input_template(rule)
        == '{"sched":{"job":"j","scheduled_time":<time>,"event_id":<id>},"input":{}}'
    )
    schedule = job_event(
        compiled.Backend.SCHEDULER,
        job="j",
        job_input={"a": 1},
        scheduled_time="T",
        trigger_id="E",
        attempt="A",
    )
    assert schedule == {
        "sched": {"job": "j", "scheduled_time": "T", "execution_id": "E", "attempt": "A"},
        "input": {"a": 1},
    }


def mixed() -> list[Job]:
    return [
        job("daily", "cron(0 2 * * ? *)"),
        scheduler_job("paris", "30 1 * * *", "Europe/Paris"),
        job("six-hourly", "rate(6 hours)"),
        job("weekly", "cron(0 2 ? * MON *)"),
        job("also-daily", "0 2 * * *"),
        job("paused", "cron(0 3 * * ? *)", enabled=False),
        fargate_job("reindex", "0 3 * * *"),
        job("legacy", "cron(0 4 * * ? *)", handler=None, function="arn:aws:lambda:x:1:function:f"),
    ]


def test_due_fires_of_a_mixed_catalogue_over_a_day() -> None:
    due = due_fires(
        catalogue(*mixed()), since=at("2026-11-24T00:00:00"), until=at("2026-11-25T00:00:00")
    )
    assert [(f"{fire:%m-%d %H:%M}", j.name) for fire, j in due] == [
        ("11-24 00:30", "paris"),  # 01:30 in Paris
        ("11-24 02:00", "also-daily"),
        ("11-24 02:00", "daily"),
        ("11-24 06:00", "six-hourly"),  # local mode counts rate() from the epoch
        ("11-24 12:00", "six-hourly"),
        ("11-24 18:00", "six-hourly"),
        ("11-25 00:00", "six-hourly"),  # (since, until]: the end is included
    ]


def test_more_due_runs_than_the_limit_is_refused() -> None:
    minutely = catalogue(job("ping", "rate(1 minute)"))
    with pytest.raises(TooManyRuns) as caught:
        due_fires(minutely, since=at("2026-11-24T00:00:00"), until=at("2026-11-25T00:00:00"))
    assert caught.value.message == (
        "more than 1,000 runs are due between 2026-11-24 00:00 UTC and 2026-11-25 00:00 UTC"
    )
    assert caught.value.hint == (
        "tick a shorter span (an earlier --until), or move the last tick time forward"
    )
    assert (
        len(due_fires(minutely, since=at("2026-11-24T00:00:00"), until=at("2026-11-24T16:40:00")))
        == 1000
    )


def test_an_either_day_job_ticks_on_exactly_the_unix_days_once_each() -> None:
    # Unix runs "0 2 1,15 * 1" on the 1st, the 15th and every Monday; in June 2026 the 1st
    # and the 15th are Mondays, and each of those days runs once.
    payroll = catalogue(job("payroll", "0 2 1,15 * 1"))
    due = due_fires(payroll, since=at("2026-05-31T00:00:00"), until=at("2026-07-31T00:00:00"))
    assert [f"{fire:%m-%d %a}" for fire, _ in due] == [
        "06-01 Mon", "06-08 Mon", "06-15 Mon", "06-22 Mon", "06-29 Mon",
        "07-01 Wed", "07-06 Mon", "07-13 Mon", "07-15 Wed", "07-20 Mon", "07-27 Mon",
    ]  # fmt: skip
    assert {fire.hour for fire, _ in due} == {2}


def handlers(base: Path, **bodies: str) -> None:
    for name, body in bodies.items():
        folder = base / "jobs" / name.replace("-", "_")
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "handler.py").write_text(f"def main(event, context):\n    {body}\n")


def readings() -> Callable[[], float]:
    return iter(float(i) / 10 for i in range(1000)).__next__


def ids() -> Callable[[], str]:
    return iter(f"id-{i}" for i in range(1000)).__next__


def ok_and_boom(base: Path) -> Catalogue:
    handlers(base, ok="return 'ok'", boom="raise RuntimeError('no')")
    return catalogue(job("ok", "cron(0 */8 * * ? *)"), job("boom", "cron(0 12 * * ? *)"), base=base)


def test_a_tick_stamps_past_fires_at_their_time_and_history_reads_them_on_time(
    tmp_path: Path,
) -> None:
    cat = ok_and_boom(tmp_path)
    sink = FakeLogs()
    # The wall clock as each run starts: the first two just after their fire, the last one an
    # hour after it (a tick that caught up).
    starts = iter(
        at(t) for t in ("2026-11-24T08:00:02", "2026-11-24T12:00:02", "2026-11-24T17:00:00")
    )
    ticked = tick(
        cat,
        sink,
        since=at("2026-11-24T00:00:00"),
        until=at("2026-11-24T17:00:00"),
        now_fn=starts.__next__,
        request_ids=ids(),
        clock=readings(),
        memory_probe=lambda: 60,
    )
    assert [
        (o.job, f"{o.scheduled_time:%H:%M}", f"{o.start:%H:%M:%S}", o.status.value, o.request_id)
        for o in ticked.outcomes
    ] == [
        ("ok", "08:00", "08:00:00", "succeeded", "id-0"),
        ("boom", "12:00", "12:00:00", "failed", "id-1"),
        ("ok", "16:00", "16:00:00", "succeeded", "id-2"),
    ]
    assert [o.record["trigger"] for o in ticked] == ["rule", "rule", "rule"]
    assert ticked.skipped == ()
    assert [write[0] for write in sink.writes] == [group("ok"), group("boom"), group("ok")]
    # The fake clock reads 0.0, 0.1, ... so each run starts a tenth of a second into its fire.
    assert min(e.timestamp_ms for e in sink.writes[2][2]) == ms(at("2026-11-24T16:00:00") + TENTH)
    history = history_for(cat, sink, now=at("2026-11-25T00:00:00"), since=at("2026-11-23T23:00:00"))
    assert [
        (r.job, f"{r.scheduled_time:%H:%M}", r.status, r.late, r.delay, r.trigger)
        for r in history.runs
    ] == [
        ("ok", "00:00", RunStatus.MISSED, False, None, None),  # before the tick's span
        ("ok", "08:00", RunStatus.SUCCEEDED, False, TENTH, Trigger.RULE),
        ("boom", "12:00", RunStatus.FAILED, False, TENTH, Trigger.RULE),
        ("ok", "16:00", RunStatus.SUCCEEDED, False, TENTH, Trigger.RULE),
    ]


def test_a_tick_to_a_later_until_stamps_future_fires_now(tmp_path: Path) -> None:
    cat = ok_and_boom(tmp_path)
    now = at("2026-11-24T10:00:00")
    ticked = tick(
        cat,
        FakeLogs(),
        since=at("2026-11-24T07:00:00"),
        until=at("2026-11-24T16:00:00"),
        now_fn=lambda: now,
        request_ids=ids(),
        clock=readings(),
        memory_probe=lambda: 60,
    )
    assert [(o.job, f"{o.scheduled_time:%H:%M}", f"{o.start:%H:%M}") for o in ticked] == [
        ("ok", "08:00", "08:00"),
        ("boom", "12:00", "10:00"),
        ("ok", "16:00", "10:00"),
    ]


def test_a_fire_too_old_for_cloudwatch_logs_is_stamped_now(tmp_path: Path) -> None:
    handlers(tmp_path, ok="return 'ok'")
    # Logs older than 14 days are refused; the events are written up to the job's timeout
    # (10m) and a minute after the run starts: a fire at 00:11 fourteen days back is too old.
    cat = catalogue(job("ok", "cron(10,11,12 0 11 11 ? 2026)"), base=tmp_path)
    now = at("2026-11-25T00:00:00")
    ticked = tick(
        cat,
        FakeLogs(),
        since=at("2026-11-11T00:00:00"),
        until=now,
        now_fn=lambda: now,
        request_ids=ids(),
        clock=readings(),
        memory_probe=lambda: 60,
    )
    assert [(f"{o.scheduled_time:%m-%d %H:%M}", f"{o.start:%m-%d %H:%M}") for o in ticked] == [
        ("11-11 00:10", "11-25 00:00"),
        ("11-11 00:11", "11-25 00:00"),
        ("11-11 00:12", "11-11 00:12"),
    ]


def test_a_tick_runs_only_deployed_jobs_and_names_the_due_ones_it_skipped(
    tmp_path: Path,
) -> None:
    handlers(tmp_path, ok="return 'ok'", boom="raise RuntimeError('no')", idle="return 1")
    cat = catalogue(
        job("ok", "cron(0 */8 * * ? *)"),
        job("boom", "cron(0 12 * * ? *)"),
        job("idle", "cron(0 3 1 1 ? *)"),  # nothing due in the span
        base=tmp_path,
    )
    sink = FakeLogs()
    ticked = tick(
        cat,
        sink,
        since=at("2026-11-24T00:00:00"),
        until=at("2026-11-24T17:00:00"),
        now_fn=lambda: at("2026-11-24T17:00:00"),
        deployed={"ok": LONG_AGO},
        request_ids=ids(),
        clock=readings(),
        memory_probe=lambda: 60,
    )
    assert [(o.job, f"{o.scheduled_time:%H:%M}") for o in ticked] == [
        ("ok", "08:00"),
        ("ok", "16:00"),
    ]
    assert ticked.skipped == ("boom",)
    assert {write[0] for write in sink.writes} == {group("ok")}


def test_jobs_not_deployed_do_not_count_towards_the_run_limit() -> None:
    cat = catalogue(job("ping", "rate(1 minute)"), job("daily", "cron(0 2 * * ? *)"))
    ticked = tick(
        cat,
        FakeLogs(),
        since=at("2026-11-24T00:00:00"),
        until=at("2026-11-25T00:00:00"),
        now_fn=lambda: at("2026-11-25T00:00:00"),
        deployed={},
        limit=1,
    )
    assert ticked == Ticked((), ("ping", "daily"))


def test_the_last_tick_time_round_trips_through_its_file(tmp_path: Path) -> None:
    path = tmp_path / ".sched" / "local" / "tick.json"
    assert read_last_tick(path) is None
    when = datetime.fromisoformat("2026-11-25T09:30:00.250000+01:00")
    write_last_tick(path, when)
    assert path.read_text() == '{"last_tick": "2026-11-25T08:30:00.250000Z"}\n'
    assert read_last_tick(path) == when
    write_last_tick(path, at("2026-11-26T00:00:00"))
    assert read_last_tick(path) == at("2026-11-26T00:00:00")
    assert sorted(p.name for p in path.parent.iterdir()) == ["tick.json"]


@pytest.mark.parametrize("text", ["", "not json", "[]", '{"last_tick": "yesterday"}'])
def test_an_unreadable_last_tick_file_is_an_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "tick.json"
    path.write_text(text)
    with pytest.raises(TickStateInvalid) as caught:
        read_last_tick(path)
    assert caught.value.message == f"{path} does not hold a last tick time"


def test_trigger_invokes_the_function_with_the_scheduled_event() -> None:
    backup = job("log-backup", "cron(0 2 ? * MON *)", input={"bucket": "b"})
    invoker = FakeInvoker()
    sent = trigger(
        catalogue(backup), backup, invoker, now=at("2026-11-25T08:00:00.750"), trigger_id="ev-9"
    )
    payload = (
        '{"input":{"bucket":"b"},"sched":{"event_id":"ev-9","job":"log-backup","manual":true,'
        '"scheduled_time":"2026-11-25T08:00:00Z"}}'
    )
    assert sent == Triggered("log-backup", "acme-ops-log-backup", payload, "request-1")
    assert invoker.calls == [("acme-ops-log-backup", payload)]


def test_trigger_names_a_fresh_event_id_and_uses_an_existing_function() -> None:
    arn = "arn:aws:lambda:eu-west-1:123456789012:function:old-backup"
    legacy = job("legacy", "rate(1 day)", handler=None, function=arn)
    invoker = FakeInvoker()
    sent = trigger(catalogue(legacy), legacy, invoker, now=at("2026-11-25T08:00:00"))
    assert sent.function == arn
    event_id = json.loads(sent.payload)["sched"]["event_id"]
    assert event_id.startswith("sched-run-")
    assert len(event_id) == len("sched-run-") + 36


def test_a_fargate_job_cannot_be_triggered() -> None:
    reindex = fargate_job("reindex", "0 3 * * 0")
    invoker = FakeInvoker()
    with pytest.raises(CannotRun):
        trigger(catalogue(reindex), reindex, invoker, now=at("2026-11-25T08:00:00"))
    assert invoker.calls == []


def test_a_tick_of_nothing_due_runs_nothing() -> None:
    sink = FakeLogs()
    assert tick(
        catalogue(*mixed()),
        sink,
        since=FIRE,
        until=FIRE + timedelta(minutes=1),
        now_fn=lambda: FIRE,
        deployed={"daily": LONG_AGO, "paris": LONG_AGO},
    ) == Ticked((), ())
    assert sink.writes == []


def test_trigger_locally_refuses_a_job_whose_function_is_not_deployed(tmp_path: Path) -> None:
    handlers(tmp_path, ok="return 'ok'")
    ok = job("ok", "rate(1 hour)")
    sink = FakeLogs()
    with pytest.raises(CannotRun) as caught:
        trigger_locally(
            catalogue(ok, base=tmp_path), ok, sink, now=at("2026-11-25T09:11:00"), deployed=()
        )
    assert caught.value.message == (
        'job "ok" is not deployed to the local AWS: it has no function to trigger'
    )
    assert caught.value.hint == (
        "deploy it with `sched apply --local`, or run its handler with `sched run ok --local`"
    )
    assert sink.writes == []


def test_trigger_locally_of_a_job_on_an_existing_function_says_its_code_is_not_here() -> None:
    legacy = job("legacy", "rate(1 day)", handler=None, function="arn:aws:lambda:x:1:function:f")
    with pytest.raises(CannotRun) as caught:
        trigger_locally(
            catalogue(legacy), legacy, FakeLogs(), now=at("2026-11-25T09:11:00"), deployed=()
        )
    assert caught.value.message == (
        'job "legacy" uses the existing function arn:aws:lambda:x:1:function:f:'
        " its code is not here"
    )


def test_a_manual_start_neither_anchors_a_rate_grid_nor_fills_a_fire(tmp_path: Path) -> None:
    handlers(tmp_path, hourly="return 'ok'")
    hourly = job("hourly", "rate(1 hour)")
    cat = catalogue(hourly, base=tmp_path)
    # The schedule fired at 08:00 and 09:00; 10:00 did not run; someone triggered it at 09:11.
    logs = FakeLogs(
        {
            group("hourly"): [
                *run_events("hourly", at("2026-11-25T08:00:00"), request_id="r-0800"),
                *run_events("hourly", at("2026-11-25T09:00:00"), request_id="r-0900"),
            ]
        }
    )
    started = trigger_locally(
        cat, hourly, logs, now=at("2026-11-25T09:11:00"), deployed={"hourly"}, request_id="m-1"
    )
    assert (started.record["trigger"], started.ok) == ("manual", True)
    now = at("2026-11-25T10:30:00")
    (row,) = status_for(cat, logs, now=now)
    assert row.next_run == at("2026-11-25T11:00:00")  # the grid of 08:00 and 09:00, not 09:11
    assert row.status is not None
    assert (row.status.runs, row.status.missed, row.status.manual) == (4, 1, 1)
    history = history_for(cat, logs, now=now, since=at("2026-11-25T07:30:00"))
    assert [(r.request_id, r.status, r.trigger) for r in history.runs] == [
        ("r-0800", RunStatus.SUCCEEDED, Trigger.RULE),
        ("r-0900", RunStatus.SUCCEEDED, Trigger.RULE),
        ("m-1", RunStatus.SUCCEEDED, Trigger.MANUAL),
        ("", RunStatus.MISSED, None),
    ]
    lines = history_report.to_text(history).splitlines()
    assert lines[1:3] == [
        "hourly  11-25 08:00 UTC  08:00:00        succeeded  1m30s / 5m",
        "hourly  11-25 09:00 UTC  09:00:00        succeeded  1m30s / 5m",
    ]
    # Its duration is this process's real run time.
    assert lines[3].startswith("hourly  manual           11-25 09:11:00  succeeded  ")
    assert lines[4] == "hourly  11-25 10:00 UTC  -               missed     -"


def test_a_tick_runs_no_fire_from_before_the_job_was_deployed(tmp_path: Path) -> None:
    handlers(tmp_path, hourly="return 'ok'")
    ticked = tick(
        catalogue(job("hourly", "cron(0 * * * ? *)"), base=tmp_path),
        FakeLogs(),
        since=at("2026-11-25T00:00:00"),
        until=at("2026-11-25T06:00:00"),
        now_fn=lambda: at("2026-11-25T06:00:00"),
        deployed={"hourly": at("2026-11-25T03:30:00")},
    )
    assert [o.scheduled_time for o in ticked.outcomes] == [
        at("2026-11-25T04:00:00"),
        at("2026-11-25T05:00:00"),
        at("2026-11-25T06:00:00"),
    ]


def test_a_ticks_runs_carry_their_functions_deployment_value_and_history_believes_them(
    tmp_path: Path,
) -> None:
    cat = ok_and_boom(tmp_path)
    sink = FakeLogs()
    deployed = at("2026-11-23T00:00:00")
    ticked = tick(
        cat,
        sink,
        since=at("2026-11-24T00:00:00"),
        until=at("2026-11-24T09:00:00"),
        now_fn=lambda: at("2026-11-24T09:00:00"),
        request_ids=ids(),
        clock=readings(),
        memory_probe=lambda: 60,
        deployed={"ok": deployed, "boom": deployed},
        deploys={"ok": "ok-v7", "boom": "boom-v3"},
    )
    assert [(o.job, o.record["deploy"]) for o in ticked] == [("ok", "ok-v7")]
    found = {"ok": Deployment(deployed, "ok-v7"), "boom": Deployment(deployed, "boom-v3")}
    history = history_for(
        cat,
        sink,
        now=at("2026-11-24T09:00:00"),
        since=at("2026-11-24T07:00:00"),
        bindings=bindings(found),
    )
    assert [(r.job, r.status) for r in history.runs] == [("ok", RunStatus.SUCCEEDED)]
    assert history.skipped.total == 0
    # The same lines held to another deployment's value are not believed.
    found["ok"] = Deployment(deployed, "ok-v8")
    other = history_for(
        cat,
        sink,
        now=at("2026-11-24T09:00:00"),
        since=at("2026-11-24T07:00:00"),
        bindings=bindings(found),
    )
    assert [r.status for r in other.runs] == [RunStatus.MISSED]
    assert other.skipped.unbound == 2


def test_a_tick_counts_a_rate_from_the_jobs_local_deployment_as_aws_would(
    tmp_path: Path,
) -> None:
    handlers(tmp_path, hourly="return 'ok'")
    cat = catalogue(job("hourly", "rate(1 hour)"), base=tmp_path)
    sink = FakeLogs()
    deployed = {"hourly": at("2026-11-25T03:20:00")}
    ticked = tick(
        cat,
        sink,
        since=at("2026-11-25T00:00:00"),
        until=at("2026-11-25T06:00:00"),
        now_fn=lambda: at("2026-11-25T06:00:00"),
        deployed=deployed,
    )
    assert [o.scheduled_time for o in ticked.outcomes] == [
        at("2026-11-25T04:20:00"),
        at("2026-11-25T05:20:00"),
    ]
    history = history_for(
        cat, sink, now=at("2026-11-25T06:00:00"), since=at("2026-11-25T00:00:00"), deployed=deployed
    )
    assert [(r.status, r.scheduled_time) for r in history.runs] == [
        (RunStatus.SUCCEEDED, at("2026-11-25T04:20:00")),
        (RunStatus.SUCCEEDED, at("2026-11-25T05:20:00")),
    ]
