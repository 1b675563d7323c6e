"""The watcher's decision, pure: one job's runs (missed fires included, as history reconstructs
them) × what was told before × now → the alert to send now, if any, the job's new state, and
why, in words (`sched alerts` shows it).

A fire's outcome is that of its last attempt (Lambda's retries are attempts of one fire). Only
fires of the schedule count (manual runs never do), and only the outcomes the job's `when:`
names: others, and runs still going, neither open an alert nor close one. An alert opens once
`after` bad fires come in a row, is sent again every `repeat` while the job stays bad, and
closes with `recovered` on the next good fire.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from scheduler import limits
from scheduler.catalogue.durations import format_duration
from scheduler.catalogue.model import AlertRule, Job, Outcome
from scheduler.history.model import Run, RunStatus, Trigger
from scheduler.untrusted import safe
from scheduler.watch.state import JobState

GOOD = "ok"
# A run that succeeded this much faster than expected (a backup of nothing) is suspicious.
FAST_RATIO = 0.1
_BAD_STATUS = {
    RunStatus.FAILED: Outcome.FAILED,
    RunStatus.UNKNOWN: Outcome.FAILED,  # started, never ended: Lambda killed it unlogged
    RunStatus.TIMED_OUT: Outcome.TIMED_OUT,
    RunStatus.MISSED: Outcome.MISSED,
}


@dataclass(frozen=True)
class Alert:
    """One message to send: about `job`, its `outcome`, the fire it is about (`fire`), how many
    bad fires in a row (`streak`), to `channels`; `repeat` when it was sent before."""

    job: str
    outcome: str
    channels: tuple[str, ...]
    fire: datetime | None
    streak: int
    detail: str
    repeat: bool = False


@dataclass(frozen=True)
class JobDecision:
    job: str
    alert: Alert | None
    state: JobState
    why: str


def _last_attempts(runs: Iterable[Run]) -> list[Run]:
    """One run per fire (its last attempt), oldest fire first."""
    by_fire: dict[datetime, Run] = {}
    for run in runs:
        anchor = run.anchor
        if anchor is None or run.trigger is Trigger.MANUAL:
            continue
        kept = by_fire.get(anchor)
        if kept is None or (run.attempt or 0, run.start or anchor) >= (
            kept.attempt or 0,
            kept.start or anchor,
        ):
            by_fire[anchor] = run
    return [by_fire[a] for a in sorted(by_fire)]


def outcome_of(run: Run, job: Job, rule: AlertRule) -> str | None:
    """`GOOD`, a bad outcome the rule alerts on, or None (neither: running, or not asked for)."""
    if run.status is RunStatus.RUNNING:
        return None
    bad = _BAD_STATUS.get(run.status)
    if bad is not None:
        return bad.value if bad.value in rule.when else None
    if run.late and Outcome.LATE.value in rule.when:
        return Outcome.LATE.value
    if (
        run.duration is not None
        and job.expected_runtime > timedelta(0)
        and run.duration > job.expected_runtime
        and Outcome.OVERRAN.value in rule.when
    ):
        return Outcome.OVERRAN.value
    if (
        run.status is RunStatus.SUCCEEDED
        and run.duration is not None
        and run.duration < job.expected_runtime * FAST_RATIO
        and Outcome.FAST.value in rule.when
    ):
        return Outcome.FAST.value
    return GOOD


def _utc(when: datetime | None) -> str:
    return "-" if when is None else f"{when.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def _duration(value: timedelta | None) -> str:
    return "-" if value is None else format_duration(value)


def _detail(run: Run, outcome: str, job: Job) -> str:
    fire = f"the fire of {_utc(run.anchor)}"
    match outcome:
        case Outcome.MISSED:
            return f"{fire} did not run"
        case Outcome.LATE:
            return f"{fire} started late ({_duration(run.delay)} after its time)"
        case Outcome.OVERRAN:
            took, expected = _duration(run.duration), _duration(job.expected_runtime)
            return f"{fire} ran {took}, over its expected {expected}"
        case Outcome.FAST:
            took, expected = _duration(run.duration), _duration(job.expected_runtime)
            return f"{fire} succeeded in {took}, under a tenth of its expected {expected}"
        case _:
            # Logged text, anyone's who can write to the log group: it reaches a terminal
            # (`sched alerts`) and people's mail.
            error = safe(": ".join(p for p in (run.error_type, run.error_message) if p))
            return f"{fire} {outcome.replace('_', ' ')}" + (f": {error}" if error else "")


def decide_job(job: Job, runs: Sequence[Run], state: JobState, *, now: datetime) -> JobDecision:
    """What to send about `job` now, given its runs in the window and what was told before."""
    rule = job.alert
    assert rule is not None, "only alerting jobs are watched"
    fires = [
        (run, outcome)
        for run in _last_attempts(runs)
        if run.anchor is not None and run.anchor > state.since
        if (outcome := outcome_of(run, job, rule)) is not None
    ]
    if not fires:
        return JobDecision(job.name, None, state, f"no fire to judge since {_utc(state.since)}")
    latest, outcome = fires[-1]
    if outcome == GOOD:
        if not state.open:
            return JobDecision(job.name, None, state, f"ok: last fire {_utc(latest.anchor)}")
        closed = replace(state, open=False, outcome=None, fire=None, sent=None)
        if Outcome.RECOVERED.value not in rule.when:
            return JobDecision(job.name, None, closed, "recovered (not alerted: not in when:)")
        alert = Alert(
            job.name,
            Outcome.RECOVERED.value,
            rule.channels,
            latest.anchor,
            0,
            f"the fire of {_utc(latest.anchor)} succeeded, after {state.outcome or 'a problem'}",
        )
        return JobDecision(job.name, alert, closed, "recovered: its last fire succeeded")
    streak = 0
    for _, seen in reversed(fires):
        if seen == GOOD:
            break
        streak += 1
    first_bad = fires[-streak][0].anchor
    if streak < rule.after:
        return JobDecision(
            job.name, None, state, f"{outcome}: {streak} of {rule.after} bad fires in a row"
        )
    detail = _detail(latest, outcome, job)
    if not state.open:
        opened = replace(state, open=True, outcome=outcome, fire=first_bad, sent=now)
        alert = Alert(job.name, outcome, rule.channels, latest.anchor, streak, detail)
        return JobDecision(job.name, alert, opened, f"{outcome}: {detail}")
    if rule.repeat is not None and state.sent is not None and now - state.sent >= rule.repeat:
        again = replace(state, outcome=outcome, sent=now)
        alert = Alert(job.name, outcome, rule.channels, latest.anchor, streak, detail, True)
        return JobDecision(
            job.name, alert, again, f"still {outcome}: repeated every {_duration(rule.repeat)}"
        )
    return JobDecision(
        job.name, None, state, f"still {outcome}: told at {_utc(state.sent)}, not repeated yet"
    )


def subject(alert: Alert, catalogue: str) -> str:
    """The message's subject line (SNS caps it; email shows it)."""
    what = alert.outcome.replace("_", " ")
    head = "still " if alert.repeat else ""
    text = f"sched: {alert.job} {head}{what} ({catalogue})"
    # SNS takes ASCII subjects under 100 characters: https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
    cut = limits.SNS_SUBJECT_MAX
    return text if len(text) <= cut else text[: cut - 3] + "..."


def message(alert: Alert, catalogue: str) -> str:
    lines = [f"Job {alert.job} of catalogue {catalogue}: {alert.detail}."]
    if alert.outcome != Outcome.RECOVERED.value:
        lines.append(f"{alert.streak} bad fire(s) in a row.")
    lines.append(f"See its runs: sched history {alert.job} --since 7d")
    return "\n".join(lines) + "\n"
