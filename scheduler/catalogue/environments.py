"""Environments: the `environments:` of a catalogue and the one merge rule that gives each its own.

The rule, applied to the loaded data before it is checked: defaults → the environment's
`defaults` → the job → the environment's `jobs.<job>`; mappings merge key by key, lists append,
any other value replaces. Each merged value remembers where it was written (`Merged.moves`), so
a problem it causes is reported at the override's line. Also the findings about the declarations
themselves: SCH011 (unknown environment), SCH012 (account, region or name), SCH013 (an override
of nothing), SCH014 (two environments with the same names in one account).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from scheduler import limits, naming
from scheduler.catalogue.schema import AlertsSpec, DefaultsSpec, JobSpec, PolicySpec
from scheduler.catalogue.source_map import DataPath, SourceMap
from scheduler.diagnostics import Diagnostic, Severity, Span, echo

KEY = "environments"
SECTIONS: dict[str, frozenset[str]] = {
    "defaults": frozenset(DefaultsSpec.model_fields),
    "policy": frozenset(PolicySpec.model_fields),
    "alerts": frozenset(AlertsSpec.model_fields),
}
# A job's own `environments:` says where it runs; an environment cannot move it elsewhere.
JOB_KEYS = frozenset(JobSpec.model_fields) - {KEY}
_ACCOUNT = re.compile(r"\d{12}")
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d{1,2}")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_Moves = list[tuple[DataPath, DataPath]]


@dataclass(frozen=True)
class Merged:
    """One environment's catalogue data, and for each value taken from the environment, the
    pair (where it is written, where it sits in `data`)."""

    data: dict[Any, Any]
    moves: tuple[tuple[DataPath, DataPath], ...]


def declared(data: object) -> tuple[str, ...]:
    """The names of the environments the data declares, as written (text keys only)."""
    found = data.get(KEY) if isinstance(data, dict) else None
    return tuple(k for k in found if isinstance(k, str)) if isinstance(found, dict) else ()


def deployed_to(job: object, environment: str) -> bool:
    """Whether a job's data is deployed to `environment`: it lists it, or lists none."""
    listed = job.get(KEY) if isinstance(job, dict) else None
    return not isinstance(listed, list) or environment in listed


def elsewhere(data: dict[Any, Any], environment: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The jobs of the data not deployed to `environment`, each with the environments it lists,
    so that asking for one there is told where it is rather than that it does not exist."""
    jobs = data.get("jobs")
    if not isinstance(jobs, dict):
        return ()
    return tuple(
        (name, tuple(str(e) for e in job[KEY]))
        for name, job in jobs.items()
        if isinstance(name, str) and not deployed_to(job, environment)
    )


def merge(data: dict[Any, Any], environment: str) -> Merged:
    """The catalogue data of `environment` (one of `declared(data)`), by the merge rule."""
    declaration = _mapping(_mapping(data.get(KEY)).get(environment))
    where: DataPath = (KEY, environment)
    moves: _Moves = []
    merged = {k: v for k, v in data.items() if k != KEY}
    for section, keys in SECTIONS.items():
        over = _known(declaration.get(section), keys)
        if over:
            merged[section] = _merge(data.get(section), over, (section,), (*where, section), moves)
    jobs = data.get("jobs")
    if isinstance(jobs, dict):
        overrides = _mapping(declaration.get("jobs"))
        kept = {}
        for name, job in jobs.items():
            if not deployed_to(job, environment):
                continue
            over = _known(overrides.get(name), JOB_KEYS)
            if over and isinstance(job, dict):
                kept[name] = _merge(job, over, ("jobs", name), (*where, "jobs", name), moves)
            else:
                kept[name] = job
        merged["jobs"] = kept
    return Merged(merged, tuple(moves))


def _merge(base: object, over: object, at: DataPath, source: DataPath, moves: _Moves) -> object:
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for key, value in over.items():
            out[key] = _merge(base.get(key), value, (*at, key), (*source, key), moves)
        return out
    if isinstance(base, list) and isinstance(over, list):
        for index, value in enumerate(over):
            _moved(value, (*at, len(base) + index), (*source, index), moves)
        return [*base, *over]
    _moved(over, at, source, moves)
    return over


def _moved(value: object, at: DataPath, source: DataPath, moves: _Moves) -> None:
    moves.append((source, at))
    if isinstance(value, dict):
        for key, item in value.items():
            _moved(item, (*at, key), (*source, key), moves)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _moved(item, (*at, index), (*source, index), moves)


def _known(over: object, keys: frozenset[str]) -> dict[Any, Any]:
    # What is no key of its section is SCH013's; merged, it would be reported again as SCH005.
    return {k: v for k, v in over.items() if k in keys} if isinstance(over, dict) else {}


def _mapping(value: object) -> dict[Any, Any]:
    return value if isinstance(value, dict) else {}


def declaration_findings(
    data: dict[Any, Any], source_map: SourceMap, catalogue: str
) -> list[Diagnostic]:
    """What is wrong with the environments the data declares and the jobs' lists of them."""
    environments = _mapping(data.get(KEY))
    checks = _Checks(source_map, declared(data))
    for name, declaration in environments.items():
        if isinstance(name, str) and isinstance(declaration, dict):
            checks.declaration(name, declaration, _mapping(data.get("jobs")))
    for job, spec in _mapping(data.get("jobs")).items():
        listed = spec.get(KEY) if isinstance(spec, dict) else None
        if isinstance(listed, list):
            checks.listed(str(job), listed)
    checks.clashes(data, catalogue)
    return checks.found


class _Checks:
    def __init__(self, source_map: SourceMap, names: tuple[str, ...]) -> None:
        self.map = source_map
        self.names = names
        self.found: list[Diagnostic] = []

    def report(self, code: str, message: str, span: Span, hint: str) -> None:
        self.found.append(Diagnostic(code, Severity.ERROR, message, span, hint))

    def declaration(self, name: str, spec: dict[Any, Any], jobs: Mapping[Any, Any]) -> None:
        at: DataPath = (KEY, name)
        if not _NAME.fullmatch(name) or len(name) > limits.TAG_VALUE_MAX:
            self.report(
                "SCH012",
                f"environment name {echo(name)} cannot be part of AWS names",
                self.map.key_span(at),
                "use letters, digits, - and _ (e.g. dev, prod, eu-prod)",
            )
        account = spec.get("account")
        malformed = not _ACCOUNT.fullmatch(str(account))
        if isinstance(account, str | int) and not isinstance(account, bool) and malformed:
            self.report(
                "SCH012",
                f'environment "{name}": account {echo(str(account))} is not a 12-digit AWS '
                "account id",
                self.map.span((*at, "account")),
                'write the id in quotes, all 12 digits: account: "123456789012"',
            )
        region = spec.get("region")
        if isinstance(region, str) and not _REGION.fullmatch(region):
            self.report(
                "SCH012",
                f'environment "{name}": region {echo(region)} is not an AWS region name',
                self.map.span((*at, "region")),
                "write a region name such as us-east-1 or eu-west-1",
            )
        for section, keys in SECTIONS.items():
            self.unknown_keys(name, (*at, section), section, spec.get(section), keys)
        for job, over in _mapping(spec.get("jobs")).items():
            self.job_override(name, str(job), over, jobs)

    def unknown_keys(
        self, name: str, at: DataPath, what: str, over: object, keys: frozenset[str]
    ) -> None:
        for key in _mapping(over):
            if key in keys:
                continue
            valid = sorted(keys)
            close = difflib.get_close_matches(str(key), valid, n=1, cutoff=0.6)
            self.report(
                "SCH013",
                f'environment "{name}" overrides {echo(str(key))} in {what}, which has no such key',
                self.map.key_span((*at, key)),
                f'did you mean "{close[0]}"?' if close else f"valid keys: {', '.join(valid)}",
            )

    def job_override(self, name: str, job: str, over: object, jobs: Mapping[Any, Any]) -> None:
        at: DataPath = (KEY, name, "jobs", job)
        if job not in jobs:
            close = difflib.get_close_matches(job, [str(j) for j in jobs], n=1, cutoff=0.6)
            self.report(
                "SCH013",
                f'environment "{name}" overrides job "{job}", which the catalogue does not have',
                self.map.key_span(at),
                f'did you mean "{close[0]}"?' if close else "override a job listed under jobs:",
            )
            return
        if not deployed_to(jobs[job], name):
            self.report(
                "SCH013",
                f'environment "{name}" overrides job "{job}", which is not deployed to it',
                self.map.key_span(at),
                f"add {name} to the job's environments: list, or remove this override",
            )
            return
        self.unknown_keys(name, at, f'job "{job}"', over, JOB_KEYS)

    def listed(self, job: str, listed: list[object]) -> None:
        for index, name in enumerate(listed):
            if isinstance(name, str) and name in self.names:
                continue
            known = ", ".join(self.names)
            self.report(
                "SCH011",
                f'job "{job}" lists environment {echo(str(name))}, which the catalogue does '
                "not declare",
                self.map.span(("jobs", job, KEY, index)),
                f"declared: {known}"
                if known
                else "declare it under environments:, with its account and region",
            )

    def clashes(self, data: dict[Any, Any], catalogue: str) -> None:
        seen: dict[str, list[tuple[str, set[str]]]] = {}
        for name, spec in _mapping(data.get(KEY)).items():
            account = spec.get("account") if isinstance(spec, dict) else None
            if not isinstance(name, str) or account is None:
                continue
            names = set(_names(catalogue, name, data))
            for other, theirs in seen.get(str(account), []):
                same = sorted(names & theirs)
                if same:
                    more = f" and {len(same) - 3} more" if len(same) > 3 else ""
                    shown = ", ".join(same[:3]) + more
                    self.report(
                        "SCH014",
                        f'environments "{other}" and "{name}" both make {shown} in account '
                        f"{account}",
                        self.map.key_span((KEY, name)),
                        "rename one of the environments (or the jobs), or deploy it to another "
                        "account",
                    )
            seen.setdefault(str(account), []).append((name, names))


def _names(catalogue: str, environment: str, data: dict[Any, Any]) -> Iterator[str]:
    """The per-job names an environment makes (function and role, rule or schedule: one name)."""
    prefix = naming.scope_prefix(catalogue, environment)
    for job, spec in _mapping(data.get("jobs")).items():
        if isinstance(job, str) and deployed_to(spec, environment):
            yield naming.function_name(prefix, job)
