"""The watcher's pure decision: runs × what was told × now → the alert to send, and why."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from run_support import at, job

from scheduler.catalogue.model import AlertRule
from scheduler.history.model import Run, RunStatus, Trigger
from scheduler.report.alerts import preview_text
from scheduler.watch.decide import Alert, decide_job, message, subject
from scheduler.watch.state import JobState

RULE = AlertRule(channels=("ops",), grace=timedelta(minutes=10))
BACKUP = job("log-backup", "rate(1 hour)", alert=RULE)
SINCE = at("2026-12-01T00:00:00")
NOW = at("2026-12-01T05:30:00")


def _run(hour: int, status: RunStatus = RunStatus.SUCCEEDED, **changes: object) -> Run:
    fire = at(f"2026-12-01T0{hour}:00:00")
    fields: dict[str, object] = {
        "job": "log-backup",
        "request_id": "" if status is RunStatus.MISSED else f"r{hour}",
        "status": status,
        "scheduled_time": fire,
        "trigger": None if status is RunStatus.MISSED else Trigger.RULE,
    }
    fields.update(changes)
    return Run(**fields)  # type: ignore[arg-type]


def test_a_failed_fire_alerts_its_channels_once_with_the_error() -> None:
    runs = [_run(1), _run(2, RunStatus.FAILED, error_type="KeyError", error_message="'x'")]
    decided = decide_job(BACKUP, runs, JobState(since=SINCE), now=NOW)
    assert decided.alert == Alert(
        "log-backup",
        "failed",
        ("ops",),
        at("2026-12-01T02:00:00"),
        1,
        "the fire of 2026-12-01 02:00 UTC failed: KeyError: 'x'",
    )
    assert decided.state == JobState(
        since=SINCE, open=True, outcome="failed", fire=at("2026-12-01T02:00:00"), sent=NOW
    )
    again = decide_job(BACKUP, runs, decided.state, now=NOW + timedelta(minutes=5))
    assert again.alert is None
    assert again.why.startswith("still failed: told at 2026-12-01 05:30 UTC")


def test_after_n_waits_for_n_bad_fires_in_a_row() -> None:
    two = replace(BACKUP, alert=replace(RULE, after=2))
    one_bad = [_run(1), _run(2, RunStatus.MISSED)]
    assert decide_job(two, one_bad, JobState(since=SINCE), now=NOW).alert is None
    two_bad = [*one_bad, _run(3, RunStatus.TIMED_OUT)]
    decided = decide_job(two, two_bad, JobState(since=SINCE), now=NOW)
    assert decided.alert is not None
    assert (decided.alert.outcome, decided.alert.streak) == ("timed_out", 2)
    assert decided.state.fire == at("2026-12-01T02:00:00")


def test_the_next_good_fire_sends_recovered_and_closes_the_alert() -> None:
    opened = JobState(since=SINCE, open=True, outcome="missed", fire=at("2026-12-01T02:00:00"))
    runs = [_run(2, RunStatus.MISSED), _run(3)]
    decided = decide_job(BACKUP, runs, opened, now=NOW)
    assert decided.alert is not None
    assert decided.alert.outcome == "recovered"
    assert decided.alert.detail == "the fire of 2026-12-01 03:00 UTC succeeded, after missed"
    assert decided.state == JobState(since=SINCE)
    assert decide_job(BACKUP, runs, decided.state, now=NOW).alert is None


def test_repeat_sends_again_while_still_bad_and_only_then() -> None:
    hourly = replace(BACKUP, alert=replace(RULE, repeat=timedelta(hours=1)))
    sent = NOW - timedelta(minutes=59)
    opened = JobState(since=SINCE, open=True, outcome="failed", sent=sent)
    runs = [_run(4, RunStatus.FAILED)]
    assert decide_job(hourly, runs, opened, now=NOW).alert is None
    later = decide_job(hourly, runs, opened, now=sent + timedelta(hours=1))
    assert later.alert is not None and later.alert.repeat
    assert later.state.sent == sent + timedelta(hours=1)
    assert subject(later.alert, "acme-ops") == "sched: log-backup still failed (acme-ops)"


def test_manual_runs_outcomes_not_asked_for_and_fires_before_watching_do_not_count() -> None:
    only_missed = replace(BACKUP, alert=replace(RULE, when=("missed",)))
    runs = [
        _run(1, RunStatus.MISSED),  # before the job was watched
        _run(2, RunStatus.FAILED),  # not in when:
        _run(
            3,
            RunStatus.FAILED,
            trigger=Trigger.MANUAL,
            scheduled_time=None,
            start=at("2026-12-01T03:10:00"),
        ),
        _run(4, RunStatus.RUNNING),
    ]
    decided = decide_job(only_missed, runs, JobState(since=at("2026-12-01T01:30:00")), now=NOW)
    assert decided.alert is None
    assert decided.why == "no fire to judge since 2026-12-01 01:30 UTC"


def test_a_retried_fire_is_judged_by_its_last_attempt() -> None:
    runs = [
        _run(2, RunStatus.FAILED, attempt=1, start=at("2026-12-01T02:00:01")),
        _run(2, RunStatus.SUCCEEDED, attempt=2, start=at("2026-12-01T02:01:00")),
    ]
    assert decide_job(BACKUP, runs, JobState(since=SINCE), now=NOW).alert is None


def test_late_and_overran_alert_only_when_asked_for() -> None:
    slow = _run(2, duration=timedelta(minutes=9), late=True, delay=timedelta(minutes=3))
    assert decide_job(BACKUP, [slow], JobState(since=SINCE), now=NOW).alert is None
    late = replace(BACKUP, alert=replace(RULE, when=("late",)))
    decided = decide_job(late, [slow], JobState(since=SINCE), now=NOW)
    assert decided.alert is not None and decided.alert.outcome == "late"
    overran = replace(BACKUP, alert=replace(RULE, when=("overran",)))
    decided = decide_job(overran, [slow], JobState(since=SINCE), now=NOW)
    assert decided.alert is not None
    assert decided.alert.detail == "the fire of 2026-12-01 02:00 UTC ran 9m, over its expected 5m"


def test_a_run_under_a_tenth_of_its_expected_runtime_alerts_as_fast_when_asked_for() -> None:
    quick = _run(2, duration=timedelta(seconds=12))  # expected 5m: a tenth is 30s
    fair = _run(3, duration=timedelta(seconds=31))
    assert decide_job(BACKUP, [quick], JobState(since=SINCE), now=NOW).alert is None
    fast = replace(BACKUP, alert=replace(RULE, when=("fast", "recovered")))
    decided = decide_job(fast, [quick], JobState(since=SINCE), now=NOW)
    assert decided.alert is not None
    assert (decided.alert.outcome, decided.alert.detail) == (
        "fast",
        "the fire of 2026-12-01 02:00 UTC succeeded in 12s, under a tenth of its expected 5m",
    )
    again = decide_job(fast, [quick, fair], decided.state, now=NOW)
    assert again.alert is not None and again.alert.outcome == "recovered"
    failed = _run(2, RunStatus.FAILED, duration=timedelta(seconds=1))
    assert decide_job(fast, [failed], JobState(since=SINCE), now=NOW).alert is None


def test_a_long_subject_is_cut_to_what_sns_takes_in_ascii() -> None:
    alert = Alert("j" * 90, "timed_out", ("ops",), None, 1, "")
    text = subject(alert, "acme-ops")
    assert len(text) == 99 and text.endswith("...") and text.isascii()


def test_logged_control_characters_reach_neither_the_dry_run_nor_the_mail() -> None:
    """A handler's exception text is anyone's who can write to the log group: an OSC title
    change, a bell and a screen clear must not reach `sched alerts`' terminal or the email."""
    hostile = "boom \x1b]0;pwned\x07\x1b[2J\u202e"
    runs = [_run(2, RunStatus.FAILED, error_type="E\x1b[31m", error_message=hostile)]
    decided = decide_job(BACKUP, runs, JobState(since=SINCE), now=NOW)
    assert decided.alert is not None
    shown = preview_text("acme", [decided], remembered=True, width=200)
    sent = message(decided.alert, "acme")
    for text in (shown, sent, decided.alert.detail):
        assert not any(c in text for c in "\x1b\x07\u202e"), text
    assert "failed: E[31m: boom ]0;pwned[2J" in decided.alert.detail
