"""Rules about the Lambda runtime a job names (`python3.12`, `nodejs22.x`): that Lambda knows it,
that a handler sched packages runs on Python, and how close AWS is to retiring it.

The runtime table and its dates live in `limits.LAMBDA_RUNTIMES`; `now` comes from the Context.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from enum import Enum, auto
from functools import partial
from typing import ClassVar, assert_never

from scheduler import limits
from scheduler.catalogue.model import Compute, Job
from scheduler.diagnostics import Diagnostic, Severity, echo
from scheduler.limits import LambdaRuntime, RuntimeLanguage
from scheduler.rules.base import Context, Rule, RuleDoc

SOON = timedelta(days=180)
"""How far ahead a coming deprecation is reported (AWS's own emails give 60 days' notice)."""


def _today(now: datetime) -> date:
    """AWS gives its dates as calendar days; read `now` in UTC when it carries a zone."""
    return (now.astimezone(UTC) if now.tzinfo else now).date()


def _version(runtime: LambdaRuntime) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", runtime.identifier))


def current(language: RuntimeLanguage, today: date) -> list[LambdaRuntime]:
    """The generally available runtimes of `language` not deprecated by `today`, newest first."""
    return sorted(
        (
            runtime
            for runtime in limits.LAMBDA_RUNTIMES.values()
            if runtime.language is language
            and not runtime.preview
            and (runtime.deprecated is None or today < runtime.deprecated)
        ),
        key=_version,
        reverse=True,
    )


def _newest_hint(job: Job, runtime: LambdaRuntime, today: date) -> str:
    """Point at the newest Python runtime; for a function in another language, at its newest."""
    language = runtime.language if job.handler is None else RuntimeLanguage.PYTHON
    newest = current(language, today)
    if not newest:  # Go's only runtime is retired: Go programs run on the OS-only runtimes
        language, newest = RuntimeLanguage.OS_ONLY, current(RuntimeLanguage.OS_ONLY, today)
    where = "set runtime:" if job.handler is not None else "move the function to"
    if not newest:  # only when the table in limits.py has not been kept up to date
        return f"{where} a supported {language} runtime"
    return f"{where} {newest[0].identifier}, the newest {language} runtime"


def _either(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def _checked(context: Context) -> list[Job]:
    """Jobs whose runtime means something: sched builds their function from a handler, or the
    job names a runtime itself. An inherited default on a `function:` job has no effect.
    Found once per validation for the five rules that ask."""
    return context.memo("runtime jobs", partial(_runtime_jobs, context))


def _runtime_jobs(context: Context) -> list[Job]:
    return list(_with_runtime(context))


def _with_runtime(context: Context) -> Iterator[Job]:
    for job in context.catalogue.jobs:
        if job.compute is not Compute.LAMBDA:
            continue
        if job.handler is not None or context.source_map.has(("jobs", job.name, "runtime")):
            yield job


def _known(context: Context) -> list[tuple[Job, LambdaRuntime]]:
    """Checked jobs on a runtime Lambda knows, leaving out handlers on another language (a
    handler that must move to Python anyway gets SCH211, not also a deprecation)."""
    return context.memo("known runtimes", partial(_known_runtimes, context))


def _known_runtimes(context: Context) -> list[tuple[Job, LambdaRuntime]]:
    return list(_on_known(context))


def _on_known(context: Context) -> Iterator[tuple[Job, LambdaRuntime]]:
    for job in _checked(context):
        runtime = limits.LAMBDA_RUNTIMES.get(job.runtime)
        if runtime is None:
            continue
        if job.handler is not None and runtime.language is not RuntimeLanguage.PYTHON:
            continue
        yield job, runtime


class UnknownRuntime(Rule):
    doc = RuleDoc(
        "SCH210",
        Severity.ERROR,
        "unknown Lambda runtime",
        "The runtime is not one Lambda accepts, so creating the function would fail. "
        "Identifiers are lower case and exact: python3.12, nodejs22.x, java21, provided.al2023.",
        "runtime: python3.21",
        "runtime: python3.12",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        today = _today(context.now)
        python = ", ".join(r.identifier for r in current(RuntimeLanguage.PYTHON, today))
        # Suggest only what `current` would: a typo should not lead to a retired runtime.
        valid = [
            runtime.identifier
            for language in RuntimeLanguage
            for runtime in current(language, today)
        ]
        for job in _checked(context):
            if job.runtime in limits.LAMBDA_RUNTIMES:
                continue
            close = difflib.get_close_matches(job.runtime, valid, n=3)
            guess = f"did you mean {_either(close)}? " if close else ""
            yield self.report(
                context.setting_span(job, "runtime"),
                f'job "{job.name}" names runtime {echo(job.runtime)}, which Lambda does not have',
                f"{guess}current Python runtimes: {python}",
            )


class HandlerNeedsPython(Rule):
    doc = RuleDoc(
        "SCH211",
        Severity.ERROR,
        "handler job on a runtime that is not Python",
        "sched packages a `handler:` as Python code with its Python wrapper, so the function "
        "must run on a Python runtime. A `function:` job points at an existing function, which "
        "may use any runtime.",
        "handler: jobs/log_backup/handler.py:main\nruntime: nodejs22.x",
        "handler: jobs/log_backup/handler.py:main\nruntime: python3.12",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        for job in _checked(context):
            runtime = limits.LAMBDA_RUNTIMES.get(job.runtime)
            if job.handler is None or runtime is None:
                continue
            if runtime.language is not RuntimeLanguage.PYTHON:
                yield self.report(
                    context.setting_span(job, "runtime"),
                    f'job "{job.name}" has a Python handler but runtime {echo(job.runtime, str)} '
                    f"({runtime.language})",
                    f"{_newest_hint(job, runtime, _today(context.now))}; code in another "
                    "language runs from an existing function (function: <ARN>)",
                )


class Stage(Enum):
    """How far AWS is in retiring a runtime, as of one day."""

    SOON = auto()  # deprecated within SOON
    DEPRECATED = auto()  # deprecated; Lambda still creates functions on it
    BLOCKED = auto()  # Lambda refuses to create functions on it


def stage(runtime: LambdaRuntime, today: date) -> Stage | None:
    """The retirement stage of `runtime` on `today`; None while it is supported for a while."""
    if runtime.block_create is not None and today >= runtime.block_create:
        return Stage.BLOCKED
    if runtime.deprecated is None or today + SOON < runtime.deprecated:
        return None
    return Stage.DEPRECATED if today >= runtime.deprecated else Stage.SOON


def _retirement(job: Job, runtime: LambdaRuntime, today: date, at: Stage) -> str:
    uses = f'job "{job.name}" uses {job.runtime}'
    deprecated, created, updated = runtime.deprecated, runtime.block_create, runtime.block_update
    match at:
        case Stage.SOON:
            assert deprecated is not None  # stage() is SOON only for a dated runtime
            days = (deprecated - today).days
            return f"{uses}, which AWS deprecates on {deprecated} (in {days} days)"
        case Stage.DEPRECATED:
            until = f"; Lambda blocks new functions on it from {created}" if created else ""
            return f"{uses}, deprecated since {deprecated}{until}"
        case Stage.BLOCKED:
            since = f", deprecated since {deprecated}" if deprecated else ""
            also = f" and updates since {updated}" if updated and today >= updated else ""
            return f"{uses}{since}; Lambda blocks new functions on it since {created}{also}"
        case _:
            assert_never(at)


class _RetirementRule(Rule):
    """One code a stage: a severity belongs to a code, and the stages differ in severity."""

    stage: ClassVar[Stage]

    def check(self, context: Context) -> Iterator[Diagnostic]:
        today = _today(context.now)
        for job, runtime in _known(context):
            if stage(runtime, today) is self.stage:
                yield self.report(
                    context.setting_span(job, "runtime"),
                    _retirement(job, runtime, today, self.stage),
                    _newest_hint(job, runtime, today),
                )


class BlockedRuntime(_RetirementRule):
    stage = Stage.BLOCKED
    doc = RuleDoc(
        "SCH212",
        Severity.ERROR,
        "deprecated runtime that Lambda no longer creates functions on",
        "AWS deprecated this runtime and now refuses to create functions on it (and later to "
        "update them), so deploying the job fails. See "
        "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html",
        "runtime: python3.7",
        "runtime: python3.12",
    )


class DeprecatedRuntime(_RetirementRule):
    stage = Stage.DEPRECATED
    doc = RuleDoc(
        "SCH213",
        Severity.WARNING,
        "deprecated runtime",
        "AWS no longer patches this runtime. Lambda still creates functions on it until the "
        "date in the message; after that deploying the job fails (SCH212).",
        "runtime: python3.10",
        "runtime: python3.12",
        source_url="https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html",
    )


class RuntimeDeprecatedSoon(_RetirementRule):
    stage = Stage.SOON
    doc = RuleDoc(
        "SCH214",
        Severity.WARNING,
        "runtime deprecated within 180 days",
        "AWS stops patching this runtime on the date in the message, and some weeks later "
        "blocks creating and then updating functions on it. Plan the move now.",
        "runtime: python3.11  # AWS deprecates it on 2027-06-30",
        "runtime: python3.14",
        source_url="https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html",
    )
