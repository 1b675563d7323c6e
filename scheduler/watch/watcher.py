"""One pass of the watcher through the ports: read its last state from its own log group, read
each alerting job's runs as `sched status` does (history/: believing only the lines its deployed
function's SCHED_DEPLOY wrote, read from `deployments`), decide (`decide`), send each alert to
its channels (SNS topics, webhooks), and emit the new state line. The same pass runs in the deployed
function, in `sched local tick` and, without publishing or emitting, in `sched alerts`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from scheduler.catalogue.model import Job
from scheduler.history.fetch import DEFAULT_WORKERS, Prefetched, fetch
from scheduler.history.read import job_histories
from scheduler.history.targets import bindings, job_deployments
from scheduler.history.window import job_read
from scheduler.ports import DeploymentSource, LogBatchSource, LogSource, Publisher
from scheduler.runtime.contract import iso_ms
from scheduler.schedule import ScheduleError, parse
from scheduler.watch.config import WatchConfig
from scheduler.watch.decide import Alert, JobDecision, decide_job, message, subject
from scheduler.watch.state import JobState, WatchState, latest_state, state_line
from scheduler.watch.webhook import HookSender

# How far back the watcher looks for its own last state line: a few of its periods, and, when
# that finds none (a pass that failed, a pause), up to a day before starting afresh.
STATE_LOOKBACK_PERIODS = 3
MAX_STATE_LOOKBACK = timedelta(days=1)
# The runs read per job: enough fires for `after` in a row, never less than this.
MIN_WINDOW = timedelta(hours=1)
MAX_WINDOW = timedelta(days=35)


Emit = Callable[[str], None]


@dataclass(frozen=True)
class Sent:
    """One alert to one channel: `topic` is its SNS topic ARN, or for a webhook the reference
    of its URL's secret; `message_id` SNS's id, or the webhook's `HTTP 200`."""

    alert: Alert
    channel: str
    topic: str
    message_id: str | None
    error: str | None = None


def deliver(
    config: WatchConfig,
    channel: str,
    subject: str,
    text: str,
    fields: Mapping[str, Any],
    publisher: Publisher,
    hooks: HookSender | None,
) -> tuple[str, str]:
    """Send one message to `channel`: (where: topic ARN or secret reference, receipt). Raises
    what the channel's service raised; NoChannel when the channel has no way to send."""
    topic = config.topic(channel)
    if topic is not None:
        return topic, publisher.publish(topic, subject, text)
    hook = config.hook(channel)
    if hook is None:
        raise NoChannel(f"no channel {channel!r}")
    if hooks is None:
        raise NoChannel(f"channel {channel!r} is a webhook, and nothing here can send to one")
    return hook.secret, hooks.send(hook, subject, text, fields)


def _where(config: WatchConfig, channel: str) -> str:
    hook = config.hook(channel)
    return config.topic(channel) or (hook.secret if hook is not None else "")


class NoChannel(LookupError):
    """The configuration names no way to send to a channel."""


def alert_fields(alert: Alert, catalogue: str) -> dict[str, Any]:
    """An alert as a generic webhook's JSON document holds it."""
    return {
        "catalogue": catalogue,
        "job": alert.job,
        "outcome": alert.outcome,
        "fire": None if alert.fire is None else iso_ms(alert.fire),
        "streak": alert.streak,
        "repeat": alert.repeat,
        "detail": alert.detail,
    }


@dataclass(frozen=True)
class Pass:
    """What one pass decided (every watched job, with why), sent and now remembers."""

    now: datetime
    decisions: tuple[JobDecision, ...]
    sent: tuple[Sent, ...]
    state: WatchState
    fresh: bool  # no earlier state was found: jobs are watched from now

    @property
    def alerts(self) -> tuple[Alert, ...]:
        return tuple(d.alert for d in self.decisions if d.alert is not None)

    @property
    def failed(self) -> tuple[Sent, ...]:
        return tuple(s for s in self.sent if s.error is not None)


def _ms(when: datetime) -> int:
    return int(when.timestamp() * 1000)


def read_state(config: WatchConfig, logs: LogSource, *, now: datetime) -> WatchState | None:
    recent = min(config.every * STATE_LOOKBACK_PERIODS, MAX_STATE_LOOKBACK)
    for lookback in dict.fromkeys((recent, MAX_STATE_LOOKBACK)):
        events = logs.events(config.log_group, _ms(now - lookback), _ms(now) + 1)
        found = latest_state(events)
        if found is not None:
            return found
    return None


def _window(job: Job) -> timedelta:
    assert job.alert is not None
    try:
        period = parse(job.schedule).min_interval(job.timezone) or MIN_WINDOW
    except ScheduleError:
        period = MIN_WINDOW
    wanted = period * (job.alert.after + 1) + job.alert.grace
    return min(max(wanted, MIN_WINDOW), MAX_WINDOW)


def decide(
    config: WatchConfig,
    logs: LogSource | LogBatchSource,
    previous: WatchState | None,
    *,
    now: datetime,
    first_seen: Mapping[str, datetime] | None = None,
    deployments: DeploymentSource | None = None,
) -> tuple[JobDecision, ...]:
    """Each watched job's decision. A job the state does not know yet is watched from its
    `first_seen` time when given (its deployment: local mode, `sched alerts`), else from now.
    With `deployments`, a job's runs are only those logged by its function as deployed (any
    function may write to its log group: a forged line must neither raise nor hide an alert)."""
    known = previous.jobs if previous is not None else {}
    bound = (
        bindings(job_deployments(config.catalogue, deployments)) if deployments is not None else {}
    )
    spans: dict[str, tuple[datetime, timedelta]] = {}
    for job in config.jobs:
        assert job.alert is not None
        state = known.get(job.name) or JobState(since=(first_seen or {}).get(job.name, now))
        spans[job.name] = (max(state.since, now - _window(job)), job.alert.grace)
    # Every job's logs in one hand-over (Logs Insights covers 50 groups a query), then each job.
    reads = (
        job_read(config.catalogue, j, now=now, since=spans[j.name][0], grace=spans[j.name][1])
        for j in config.jobs
    )
    fetched = Prefetched(fetch(logs, reads, workers=DEFAULT_WORKERS))
    decisions = []
    for job in config.jobs:
        assert job.alert is not None
        state = known.get(job.name) or JobState(since=(first_seen or {}).get(job.name, now))
        since = spans[job.name][0]
        [history] = job_histories(
            config.catalogue,
            fetched,
            now=now,
            since=since,
            jobs=[job.name],
            grace=job.alert.grace,
            workers=1,
            bindings=bound,
        )
        decisions.append(decide_job(job, history.runs, state, now=now))
    return tuple(decisions)


def run_pass(
    config: WatchConfig,
    logs: LogSource,
    publisher: Publisher,
    emit: Emit,
    *,
    now: datetime,
    first_seen: Mapping[str, datetime] | None = None,
    deployments: DeploymentSource | None = None,
    hooks: HookSender | None = None,
    reads: LogBatchSource | None = None,
) -> Pass:
    """One full pass: decide, publish (SNS channels through `publisher`, webhooks through
    `hooks`), and emit the state line the next pass starts from. The jobs' logs are read
    through `reads` when given (Logs Insights), else through `logs`."""
    previous = read_state(config, logs, now=now)
    decisions = decide(
        config,
        reads or logs,
        previous,
        now=now,
        first_seen=first_seen,
        deployments=deployments,
    )
    sent: list[Sent] = []
    name = config.catalogue.name
    for alert in (d.alert for d in decisions if d.alert is not None):
        head, text, fields = subject(alert, name), message(alert, name), alert_fields(alert, name)
        for channel in alert.channels:
            try:
                where, receipt = deliver(config, channel, head, text, fields, publisher, hooks)
            except NoChannel as error:
                sent.append(Sent(alert, channel, "", None, str(error)))
            except Exception as error:  # one channel failing must not silence the others
                failed = f"{type(error).__name__}: {error}"
                sent.append(Sent(alert, channel, _where(config, channel), None, failed))
            else:
                sent.append(Sent(alert, channel, where, receipt))
    # An alert no channel took is not told: the job keeps its old state, so the next pass retries.
    told = {s.alert.job for s in sent if s.error is None}
    untold = {s.alert.job for s in sent} - told
    known = previous.jobs if previous is not None else {}
    state = WatchState(
        {
            d.job: known.get(d.job, JobState(since=now)) if d.job in untold else d.state
            for d in decisions
        }
    )
    records = [
        {
            "job": s.alert.job,
            "outcome": s.alert.outcome,
            "channel": s.channel,
            "message_id": s.message_id,
            **({"error": s.error} if s.error else {}),
        }
        for s in sent
    ]
    emit(state_line(state, now=now, sent=records))
    return Pass(now, decisions, tuple(sent), state, previous is None)


def merged(passes: Sequence[Pass]) -> Pass:
    """The passes of several watchers (shards) at one time, as one."""
    return Pass(
        passes[0].now,
        tuple(d for p in passes for d in p.decisions),
        tuple(s for p in passes for s in p.sent),
        WatchState(
            {job: st for p in passes for job, st in p.state.jobs.items()},
            passes[0].state.at,
            tuple(u for p in passes for u in p.state.unsent),
        ),
        any(p.fresh for p in passes),
    )
