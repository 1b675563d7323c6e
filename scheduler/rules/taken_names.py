"""SCH315: a job whose resource names are taken, by sched's own resources (the alert watcher,
the Scheduler and ECS roles) or by another job's once sched has shortened one of them."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from scheduler import limits, naming
from scheduler.catalogue.model import Job
from scheduler.diagnostics import Diagnostic, Severity, echo
from scheduler.rules.base import Context, Rule, RuleDoc

_ROLE = "execution role"
_VALID = re.compile(limits.NAME_PATTERN)
# The shortest limit of the names below: one within it is every kind's name, unshortened.
_SHORTEST = min(
    limits.LAMBDA_FUNCTION_NAME_MAX,
    limits.IAM_ROLE_NAME_MAX,
    limits.EVENTBRIDGE_RULE_NAME_MAX,
    limits.SCHEDULER_SCHEDULE_NAME_MAX,
    limits.LAMBDA_STATEMENT_ID_MAX,
)
# Each kind of name a job gets, and how sched derives it (every one, whatever the job's backend
# and compute: a name taken now would clash as soon as the job changes either).
_JOB_NAMES: tuple[tuple[str, Callable[[str, str], str]], ...] = (
    ("function", naming.function_name),
    (_ROLE, naming.job_role_name),
    ("rule", naming.rule_name),
    ("schedule", naming.schedule_name),
    ("permission statement", naming.statement_id),
)


def _own_names(catalogue: str) -> dict[tuple[str, str], str]:
    """(kind, name) → what of sched's own, per catalogue, holds that name."""
    watcher = naming.watcher_name(catalogue)
    return {
        ("function", watcher): "sched's alert watcher function",
        (_ROLE, watcher): "sched's alert watcher role",
        ("rule", watcher): "sched's alert watcher rule",
        (
            _ROLE,
            naming.scheduler_role_name(catalogue),
        ): "sched's EventBridge Scheduler role",
        (_ROLE, naming.ecs_role_name(catalogue)): "sched's ECS role",
    }


class TakenName(Rule):
    doc = RuleDoc(
        "SCH315",
        Severity.ERROR,
        "job whose resource names are taken",
        "A job's function, role, rule and schedule are named <catalogue>-<job>, shortened with a "
        "hash past AWS's limits. The names sched gives its own resources (<catalogue>-sched-"
        "watcher, -sched-scheduler, -sched-ecs) cannot be a job's, nor can a name that is "
        "another job's shortened one: the two jobs would share (and overwrite) one resource.",
        "jobs:\n  sched-watcher: {...}",
        "jobs:\n  watcher: {...}",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        catalogue = context.catalogue.prefix
        own = _own_names(catalogue)
        seen: dict[tuple[str, str], Job] = {}
        for job in context.catalogue.jobs:
            names = _names(catalogue, job.name)
            taken = _taken(job, names, own, seen)
            if taken is not None:
                yield self.report(context.key_span(job), *taken)
            for key in names:
                seen.setdefault(key, job)


def _names(catalogue: str, job: str) -> tuple[tuple[str, str], ...]:
    """(kind, name) of each of the job's names. A name AWS takes as it is stays whole in every
    kind, so it is built once, not shortened five times."""
    full = f"{catalogue}-{job}"
    if len(full) <= _SHORTEST and _VALID.fullmatch(full):
        return tuple((kind, full) for kind in _KINDS)
    return tuple((kind, derive(catalogue, job)) for kind, derive in _JOB_NAMES)


_KINDS = tuple(kind for kind, _ in _JOB_NAMES)


def _taken(
    job: Job,
    names: tuple[tuple[str, str], ...],
    own: dict[tuple[str, str], str],
    seen: dict[tuple[str, str], Job],
) -> tuple[str, str] | None:
    """The message and hint for the first of the job's names that is taken, if one is."""
    for key in names:
        other = seen.get(key)
        if key not in own and (other is None or other.name == job.name):
            continue
        named = f"job {echo(job.name)} would name its {key[0]} {echo(key[1])}"
        if key in own:
            return (
                f"{named}, the name of {own[key]}",
                "rename the job; the names ending in sched-watcher, sched-scheduler and "
                "sched-ecs are sched's own",
            )
        assert other is not None
        return (
            f"{named}, as job {echo(other.name)} does once sched shortens its name",
            "rename one of the two jobs",
        )
    return None
