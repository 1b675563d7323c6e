"""Local ticks (due_fires, tick, the last tick file), the scheduled event's shape, and trigger."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from ops_fakes import FakeInvoker, FakeLogs
from ops_support import at, catalogue, fargate_job, group, job, scheduler_job

from scheduler import compile as compiled
from scheduler.catalogue.model import Job
from scheduler.history import RunStatus
from scheduler.ops.errors import CannotRun, LocalStateError, TooManyRuns
from scheduler.ops.events import scheduled_event
from scheduler.ops.history import history_for
from scheduler.ops.local_runs import due_fires, read_last_tick, tick, write_last_tick
from scheduler.ops.trigger import Triggered, trigger

FIRE = at("2026-11-23T02:00:00")


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


def test_a_tick_runs_each_due_job_in_order_and_history_reads_them(tmp_path: Path) -> None:
    for name, body in (("ok", "return 'ok'"), ("boom", "raise RuntimeError('no')")):
        folder = tmp_path / "jobs" / name
        folder.mkdir(parents=True)
        (folder / "handler.py").write_text(f"def main(event, context):\n    {body}\n")
    cat = catalogue(
        job("ok", "cron(0 */8 * * ? *)"), job("boom", "cron(0 12 * * ? *)"), base=tmp_path
    )
    sink = FakeLogs()
    ids = iter(f"id-{i}" for i in range(10))
    readings = iter(float(i) / 10 for i in range(100))
    # The wall clock as each run starts: the first two on time, the last one caught up late.
    starts = iter(
        at(t) for t in ("2026-11-24T08:00:02", "2026-11-24T12:00:02", "2026-11-24T17:00:00")
    )
    outcomes = tick(
        cat,
        sink,
        since=at("2026-11-24T00:00:00"),
        until=at("2026-11-24T23:00:00"),
        now_fn=starts.__next__,
        request_ids=ids.__next__,
        clock=readings.__next__,
        memory_probe=lambda: 60,
    )
    assert [
        (o.job, f"{o.scheduled_time:%H:%M}", f"{o.start:%H:%M:%S}", o.status.value, o.request_id)
        for o in outcomes
    ] == [
        ("ok", "08:00", "08:00:02", "succeeded", "id-0"),
        ("boom", "12:00", "12:00:02", "failed", "id-1"),
        ("ok", "16:00", "17:00:00", "succeeded", "id-2"),
    ]
    assert [write[0] for write in sink.writes] == [group("ok"), group("boom"), group("ok")]
    history = history_for(cat, sink, now=at("2026-11-25T00:00:00"), since=at("2026-11-23T23:00:00"))
    assert [(r.job, f"{r.scheduled_time:%H:%M}", r.status, r.late) for r in history.runs] == [
        ("ok", "00:00", RunStatus.MISSED, False),  # before the tick's span
        ("ok", "08:00", RunStatus.SUCCEEDED, False),
        ("boom", "12:00", RunStatus.FAILED, False),
        ("ok", "16:00", RunStatus.SUCCEEDED, True),
    ]


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
    with pytest.raises(LocalStateError) as caught:
        read_last_tick(path)
    assert caught.value.message == f"{path} does not hold a last tick time"


def test_trigger_invokes_the_function_with_the_scheduled_event() -> None:
    backup = job("log-backup", "cron(0 2 ? * MON *)", input={"bucket": "b"})
    invoker = FakeInvoker()
    sent = trigger(
        catalogue(backup), backup, invoker, now=at("2026-11-25T08:00:00.750"), trigger_id="ev-9"
    )
    payload = (
        '{"input":{"bucket":"b"},"sched":{"event_id":"ev-9","job":"log-backup",'
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
    assert (
        tick(
            catalogue(*mixed()),
            sink,
            since=FIRE,
            until=FIRE + timedelta(minutes=1),
            now_fn=lambda: FIRE,
        )
        == []
    )
    assert sink.writes == []
