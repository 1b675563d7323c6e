"""Rebuild a job's runs from the CloudWatch Logs events of its Lambda function.

Records are grouped by request id; one request id is at most one run. Lambda's own retries of an
asynchronous invocation reuse the request id: each START after the previous attempt ended begins
a new attempt (at most Lambda's retry limit plus one), and the run is the last attempt, with its
attempt number. Log lines are untrusted (any function in the account may write to the group):
a line that does not validate, a sched line naming another request than the one running on its
stream, or one not carrying the deployed function's deployment value, is skipped and counted
(`Skipped`), never believed or raised. Platform records alone (the wrapper cannot log its run
line when Lambda kills a timed-out or out-of-memory invocation) make a run only when they start
with a START and the function runs no other job of the catalogue.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import attrgetter

from scheduler import limits
from scheduler.history.assemble import run_of
from scheduler.history.collect import Attempt, Binding, Collector
from scheduler.history.model import Run, Skipped, timeline_key
from scheduler.history.records import WrapperStart
from scheduler.ports import LogEvent

_TIMESTAMP = attrgetter("timestamp_ms")  # the sort key of events: no Python frame per event

# A START older than the longest possible invocation (plus a minute for log delivery) whose end
# was never logged cannot still be running.
DEFAULT_RUNNING_HORIZON = limits.LAMBDA_MAX_TIMEOUT + timedelta(minutes=1)
# How long before the window read a fire logged in it can have been: EventBridge keeps retrying
# a delivery for up to a day, Lambda an asynchronous event for up to six hours, then the run.
MAX_FIRE_AGE = (
    timedelta(
        seconds=limits.EVENTBRIDGE_MAX_EVENT_AGE_SECONDS + limits.LAMBDA_MAX_EVENT_AGE_SECONDS
    )
    + 2 * limits.LAMBDA_MAX_TIMEOUT
)
# ... and how far after its end (clocks disagree a little).
MAX_FIRE_LEAD = timedelta(minutes=5)


@dataclass(frozen=True)
class Reconstructed:
    """The runs found, and the log lines left out."""

    runs: list[Run]
    skipped: Skipped


def _attributable(
    group: list[Attempt], *, shared: bool, binding: Binding | None, rejected: bool
) -> bool:
    """Whether platform records alone (no sched line believed) make a run of the job: only
    when they begin with a START, no other job runs on the function, and no sched line of the
    request was refused. A function bound to a deployment logs the wrapper's start line before
    any handler runs, so since that deployment a request without one is not the job's."""
    starts = [a.start_ms for a in group if a.start_ms is not None]
    if shared or rejected or not starts:
        return False
    return binding is None or min(starts) < binding.since_ms


def _attempt_of(attempts: list[Attempt]) -> Attempt:
    """The attempt that stands for the request: the last, with the origin of the latest that
    logged one when the last did not (Lambda killed it before the wrapper could)."""
    last = attempts[-1]
    if last.origin is None:
        known = next((a for a in reversed(attempts) if a.origin is not None), None)
        if known is not None:
            last.start_line = known.start_line or last.start_line
            if last.start_line is None and known.wrapper is not None:
                last.start_line = WrapperStart(
                    known.wrapper.request_id,
                    known.wrapper.job,
                    known.wrapper.trigger,
                    known.wrapper.scheduled_time,
                    known.wrapper.attempt,
                    known.wrapper.deploy,
                )
    return last


def reconstruct(
    events: Iterable[LogEvent],
    job: str,
    *,
    now: datetime,
    running_horizon: timedelta = DEFAULT_RUNNING_HORIZON,
    shared: bool = False,
    binding: Binding | None = None,
    window: tuple[datetime, datetime] | None = None,
) -> Reconstructed:
    """The runs of `job` found in `events` (one function's log group), oldest first, and the
    lines left out (see module doc).

    A request whose wrapper lines name another job is left out (a shared log group). With
    `shared` (another job of the catalogue runs on the same function) platform records alone
    are not attributed. `binding` is the deployed function's deployment value, when it has one.
    `window` is the span the events were read from: a fire time no line logged in it can carry
    (see MAX_FIRE_AGE) makes the line malformed. A START with no end is `running` while younger
    than `running_horizon`, else `unknown`.
    """
    fires = (window[0] - MAX_FIRE_AGE, window[1] + MAX_FIRE_LEAD) if window else None
    collector = Collector(binding, fires)
    for event in sorted(events, key=_TIMESTAMP):
        collector.add(event)
    chosen: list[Attempt] = []
    unattributed = 0
    for request_id, group in collector.by_id.items():
        if request_id in collector.skips:
            continue  # an either-day job's second fire of a day: it ran nothing
        if any(a.origin and a.origin.job and a.origin.job != job for a in group):
            continue  # another job's run, in a log group the two share
        if all(a.origin is None for a in group) and not _attributable(
            group, shared=shared, binding=binding, rejected=request_id in collector.rejected
        ):
            unattributed += collector.lines.get(request_id, 0)
            continue
        chosen.append(_attempt_of(group))
    chosen += [a for a in collector.unnamed if not (a.wrapper and a.wrapper.job not in (None, job))]
    runs = sorted((run_of(a, job, now, running_horizon) for a in chosen), key=timeline_key)
    skipped = Skipped(
        malformed=collector.malformed,
        unbound=collector.unbound,
        repeated=collector.repeated,
        unattributed=unattributed,
    )
    return Reconstructed(runs, skipped)


def reconstruct_runs(
    events: Iterable[LogEvent],
    job: str,
    *,
    now: datetime,
    running_horizon: timedelta = DEFAULT_RUNNING_HORIZON,
) -> list[Run]:
    """The runs of `job` found in `events` (see `reconstruct`), without what was skipped."""
    return reconstruct(events, job, now=now, running_horizon=running_horizon).runs
