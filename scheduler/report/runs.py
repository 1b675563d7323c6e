"""Render the runs sched starts and waits for (`sched run`, `sched trigger --local`, `sched local
tick`): one run's outcome against its expected runtime and Lambda's limit, with a failing
handler's traceback, and what a tick did, job by job.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from scheduler import limits
from scheduler.catalogue.model import Job
from scheduler.history import RunStatus
from scheduler.history.model import RunOutcome
from scheduler.report.history import human_duration
from scheduler.report.style import safe


def _status(status: RunStatus) -> str:
    return status.value.replace("_", " ")


def outcome_line(outcome: RunOutcome, job: Job) -> str:
    """`log-backup: succeeded in 1.2s (0% of expected 5m, 0.1% of Lambda's 15m)`; a run that did
    not succeed gets a second line, `  error: ValueError: bucket app-logs not found`, then the
    handler's traceback when there is one, and a hint when sched has one."""
    expected = outcome.duration / job.expected_runtime
    limit = outcome.duration / limits.LAMBDA_MAX_TIMEOUT
    line = (
        f"{job.name}: {_status(outcome.status)} in {human_duration(outcome.duration)} "
        f"({expected:.0%} of expected {human_duration(job.expected_runtime)}, "
        f"{limit:.1%} of Lambda's {human_duration(limits.LAMBDA_MAX_TIMEOUT)})"
    )
    if outcome.ok:
        return line
    error = ": ".join(
        part for part in (outcome.error_type or "Error", outcome.error_message) if part
    )
    hint = f"\n  hint: {outcome.hint}" if outcome.hint else ""
    frames = "".join(f"\n  {safe(text)}" for text in (outcome.traceback or "").splitlines())
    return f"{line}\n  error: {safe(error)}{frames}{hint}"  # the logged error, as history shows it


def triggered_text(job: str, function: str, request_id: str | None, *, endpoint: str | None) -> str:
    """What `sched trigger` did: an asynchronous invoke was accepted, which is not a run; an
    emulator may accept it and run nothing (moto's Lambda without Docker)."""
    request = f" (request {request_id})" if request_id else ""
    follow = f"  follow it with: sched history {job} --since 1h"
    if endpoint is None:
        return f"{job}: invoked {function} asynchronously{request}; Lambda queued the run\n{follow}"
    return (
        f"{job}: invoked {function} asynchronously at {endpoint}{request}; the endpoint accepted "
        f"it\n{follow}\n  if nothing shows in history within a minute, the endpoint may not run "
        "functions (moto's Lambda without Docker runs nothing)"
    )


def nothing_due(since: datetime, upcoming: tuple[datetime, Job] | None) -> str:
    """`sched local tick` with nothing due: up to when it ran, and the next fire."""
    text = f"nothing due: the last tick ran fires up to {since.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
    return f"{text}; {_next_fire(upcoming)}"


def nothing_fired(since: datetime, until: datetime, upcoming: tuple[datetime, Job] | None) -> str:
    """`sched local tick` over a span in which no deployed job fired, and the next fire."""
    span = f"{since.astimezone(UTC):%Y-%m-%d %H:%M} and {until.astimezone(UTC):%Y-%m-%d %H:%M}"
    return f"nothing due between {span} UTC; {_next_fire(upcoming)}"


def _next_fire(upcoming: tuple[datetime, Job] | None) -> str:
    if upcoming is None:
        return "no deployed job fires in the next year"
    when, job = upcoming
    local = when.astimezone(ZoneInfo(job.timezone))
    shown = f"{local:%a %Y-%m-%d %H:%M %Z}"
    if local.utcoffset() != timedelta(0):
        shown += f" ({when.astimezone(UTC):%H:%M} UTC)"
    return f"next: {job.name} at {shown}"


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _job_line(job: str, outcomes: Sequence[RunOutcome]) -> str:
    runs = _plural(len(outcomes), "run")
    counts = Counter(o.status for o in outcomes)
    if counts[RunStatus.SUCCEEDED] == len(outcomes):
        return f"{job}: {runs}, {'succeeded' if len(outcomes) == 1 else 'all succeeded'}"
    parts = [f"{counts[RunStatus.SUCCEEDED]} succeeded"] if counts[RunStatus.SUCCEEDED] else []
    for status in (RunStatus.FAILED, RunStatus.TIMED_OUT):
        if counts[status]:
            errors = Counter(o.error_type or "Error" for o in outcomes if o.status is status)
            kinds = ", ".join(safe(kind) for kind, _ in errors.most_common())
            detail = f" ({kinds})" if status is RunStatus.FAILED else ""
            parts.append(f"{counts[status]} {_status(status)}{detail}")
    return f"{job}: {runs}, {', '.join(parts)}"


def python_note(job: Job, here: tuple[int, int]) -> str | None:
    """A local run's note when this Python (`here`, major and minor) is not the job's runtime,
    whose behaviour (and wheels) may differ; None when they match or the runtime is not Python."""
    version = job.runtime.removeprefix("python")
    if version == job.runtime or version == f"{here[0]}.{here[1]}":
        return None
    return (
        f"note: {job.name} runs on {job.runtime} on Lambda; here it runs on Python "
        f"{here[0]}.{here[1]}"
    )


def skipped_line(job: str) -> str:
    return f"{job}: skipped, not deployed to the local AWS"


def tick_summary(outcomes: Iterable[RunOutcome], skipped: Iterable[str] = ()) -> str:
    """One line per job that ran (by name: `tmp-cleanup: 24 runs, 24 failed (NoSuchBucket)`,
    `role-canary: 96 runs, all succeeded`), one per job skipped as not deployed, then a total
    (`120 runs, 24 failed; 1 job skipped`). Error types are listed most frequent first."""
    runs = list(outcomes)
    by_job: dict[str, list[RunOutcome]] = {}
    for outcome in runs:
        by_job.setdefault(outcome.job, []).append(outcome)
    lines = [_job_line(job, by_job[job]) for job in sorted(by_job)]
    passed = sorted(skipped)
    lines += [skipped_line(job) for job in passed]
    failed = sum(not o.ok for o in runs)
    total = f"{_plural(len(runs), 'run')}, {failed} failed"
    if passed:
        total += f"; {_plural(len(passed), 'job')} skipped"
    return "\n".join([*lines, total])
