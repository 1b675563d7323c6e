"""Checking the built data against `schema.py`'s specs and resolving it into a `Catalogue`.

Owns the document's shape (SCH004: empty, not a mapping, `jobs` not a mapping) and the wording of
pydantic's errors as SCH005 (unknown key), SCH006 (wrong type or value) and SCH007 (missing key),
each at its exact span. Each job is validated on its own so that one bad job hides no other.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, get_args

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from scheduler import limits
from scheduler.catalogue.model import Catalogue
from scheduler.catalogue.schema import (
    CatalogueSpec,
    JobSpec,
    resolve_alerts,
    resolve_ignores,
    resolve_jobs,
    resolve_policy,
)
from scheduler.catalogue.source_map import DataPath, SourceMap
from scheduler.catalogue.union_errors import NO_FORM, untagged
from scheduler.diagnostics import ECHO_LIMIT, Diagnostic, Severity, Span, echo


class Checker:
    """Validates the built data against the pydantic models and resolves the valid jobs."""

    def __init__(self, source_map: SourceMap, path: Path) -> None:
        self.map = source_map
        self.path = path
        self.diagnostics: list[Diagnostic] = []

    def run(self, has_document: bool, data: object) -> tuple[Catalogue | None, frozenset[str]]:
        if not has_document or data is None:
            self.report(
                "SCH004",
                f"{self.map.file} is empty",
                Span(self.map.file, 1, 1),
                "start with `catalogue: <name>` and a `jobs:` mapping",
            )
            return None, frozenset()
        if not isinstance(data, dict):
            self.report(
                "SCH004",
                f"the top level must be a mapping (catalogue:, jobs:, ...), got {_kind(data)}",
                self.map.span(()),
                "start with `catalogue: <name>` and a `jobs:` mapping",
            )
            return None, frozenset()
        # `x-` keys at the top level are free for YAML anchors shared by jobs (as in Compose).
        spec = self.top_level({k: v for k, v in data.items() if k != "jobs" and not _extension(k)})
        checked = self.jobs(data.get("jobs"))
        if checked is None:
            return None, frozenset()
        specs, invalid = checked
        if spec is None:
            return None, invalid
        policy = resolve_policy(spec.policy)
        alerts = resolve_alerts(spec.alerts)
        channels = tuple(c.name for c in alerts.channels) if alerts else ()
        jobs = resolve_jobs(specs, spec.defaults, policy, channels)
        ignores = resolve_ignores(spec, specs)
        catalogue = Catalogue(
            spec.catalogue, self.path, policy, jobs, alerts, ignores, roles=spec.defaults.roles
        )
        return catalogue, invalid

    def top_level(self, data: dict[Any, Any]) -> CatalogueSpec | None:
        try:
            return CatalogueSpec.model_validate(data)
        except ValidationError as error:
            errors = untagged(error.errors(include_url=False), CatalogueSpec)
        for detail in errors:
            self.schema_error(detail, CatalogueSpec, (), None)
        # Unknown keys are reported, but need not keep the rest of the catalogue from loading.
        if any(detail["type"] != "extra_forbidden" for detail in errors):
            return None
        for detail in errors:
            data = _without(data, detail["loc"])
        try:
            return CatalogueSpec.model_validate(data)
        except ValidationError:
            return None

    def jobs(self, jobs: object) -> tuple[list[tuple[str, JobSpec]], frozenset[str]] | None:
        """The valid jobs and the names of invalid ones; None when `jobs` is no mapping."""
        if jobs is None:
            return [], frozenset()
        if not isinstance(jobs, dict):
            self.report(
                "SCH004",
                f"jobs must be a mapping of job names to their settings, got {_kind(jobs)}",
                self.map.span(("jobs",)),
                "write each job as `name:` indented under `jobs:`, with its settings below it",
            )
            return None
        specs: list[tuple[str, JobSpec]] = []
        invalid: set[str] = set()
        validate = JobSpec.model_validate
        for name, value in jobs.items():
            if not isinstance(name, str):
                invalid.add(_yaml_text(name))
                self.report(
                    "SCH006",
                    f"job name must be text, got {_show(name)}",
                    self.map.key_span(("jobs", name)),
                    f"put the name in quotes: {echo(_yaml_text(name))}:",
                )
                continue
            try:
                specs.append((name, validate(value)))
            except ValidationError as error:
                invalid.add(name)
                for detail in untagged(error.errors(include_url=False), JobSpec):
                    self.schema_error(detail, JobSpec, ("jobs", name), name)
        return specs, frozenset(invalid)

    def schema_error(
        self, detail: ErrorDetails, model: type[BaseModel], base: DataPath, job: str | None
    ) -> None:
        loc = tuple(detail["loc"])
        kind, value = detail["type"], detail.get("input")
        if kind == "extra_forbidden":
            key, owner = loc[-1], loc[:-1]
            valid = list(_model_at(model, owner).model_fields)
            close = difflib.get_close_matches(str(key), valid, n=1, cutoff=0.6)
            self.report(
                "SCH005",
                f"unknown key {echo(str(key))} in {_place(job, owner)}",
                self.map.key_span((*base, *loc)),
                f'did you mean "{close[0]}"?' if close else f"valid keys: {', '.join(valid)}",
            )
        elif kind == "missing":
            key, owner = loc[-1], loc[:-1]
            field = _model_at(model, owner).model_fields.get(str(key))
            described = f" ({field.description})" if field and field.description else ""
            self.report(
                "SCH007",
                f'{_place(job, owner)} is missing required key "{key}"',
                self.map.key_span((*base, *owner)),
                f"add `{key}: ...`{described}",
            )
        elif not loc and job is not None:
            self.report(
                "SCH006",
                f'job "{job}" must be a mapping of settings, got {_show(value)}',
                self.map.key_span(base),
                "indent its settings (schedule:, expected_runtime:, ...) below the job's name",
            )
        elif loc[-1] == "[key]":
            self.report(
                "SCH006",
                f"keys of {_dotted(loc[:-2])} must be text, got {_show(value)}",
                self.map.key_span((*base, *loc[:-1])),
                "put the key in quotes",
            )
        else:
            message, hint = _value_error(detail, loc, value)
            self.report("SCH006", message, self.map.span((*base, *loc)), hint)

    def report(self, code: str, message: str, span: Span, hint: str) -> None:
        self.diagnostics.append(Diagnostic(code, Severity.ERROR, message, span, hint))


_EXPECTED = {
    "string_type": (
        "text",
        "put it in quotes; unquoted 3, 1.5, yes, no, on, off and null are not text",
    ),
    "int_type": ("an integer", "write a whole number without quotes"),
    "float_type": ("a number", "write a number without quotes, e.g. 0.8"),
    "bool_type": ("true or false", "write true or false without quotes"),
    "dict_type": ("a mapping", "write `key: value` pairs indented below it, or {key: value}"),
    "model_type": ("a mapping", "write `key: value` pairs indented below it, or {key: value}"),
    "list_type": ("a list", "write [a, b], or one `- item` per line below it"),
}
# An example of each whole-number setting, with the values it takes: the example a hint gives
# must be one the setting accepts (256 is memory's, not retries').
_WHOLE_NUMBERS = {
    "memory": (256, f"MB, {limits.LAMBDA_MIN_MEMORY_MB}-{limits.LAMBDA_MAX_MEMORY_MB}"),
    "retries": (
        limits.LAMBDA_MAX_RETRY_ATTEMPTS,
        f"0-{limits.LAMBDA_MAX_RETRY_ATTEMPTS}: Lambda re-runs a failed run at most twice",
    ),
    "delivery_retries": (
        2,
        f"0-{limits.EVENTBRIDGE_MAX_RETRY_ATTEMPTS}: EventBridge's retries of a refused delivery",
    ),
    "versions": (3, "published versions kept"),
    "log_retention": (
        14,
        f"days: {', '.join(str(d) for d in limits.CLOUDWATCH_LOG_RETENTION_DAYS[:8])}, ...",
    ),
    "max_concurrent_jobs": (100, "at least 1"),
    "after": (2, "consecutive bad fires, at least 1"),
}
_BOUNDS = {
    "greater_than_equal": ("ge", "at least"),
    "greater_than": ("gt", "greater than"),
    "less_than_equal": ("le", "at most"),
    "less_than": ("lt", "less than"),
}


def _value_error(
    detail: ErrorDetails, loc: tuple[int | str, ...], value: object
) -> tuple[str, str]:
    kind, ctx, name = detail["type"], detail.get("ctx", {}), _dotted(loc)
    if kind == NO_FORM:
        forms = [_EXPECTED[k] for k in ctx.get("kinds", ()) if k in _EXPECTED]
        expected = " or ".join(e for e, _ in forms)
        return f"{name} must be {expected}, got {_show(value)}", "; or ".join(h for _, h in forms)
    if kind in _EXPECTED:
        expected, hint = _EXPECTED[kind]
        if kind == "int_type":
            hint += _whole_number_example(loc)
        return f"{name} must be {expected}, got {_show(value)}", hint
    if kind == "enum":
        expected = str(ctx.get("expected", "")).replace("'", '"')
        return f"{name} must be {expected}, got {_show(value)}", f"use {expected}"
    if kind in _BOUNDS:
        key, words = _BOUNDS[kind]
        return f"{name} must be {words} {ctx.get(key)}, got {_show(value)}", (
            f"use a value {words} {ctx.get(key)}"
        )
    if kind == "too_short":
        least = ctx.get("min_length")
        return f"{name} must have at least {least} item(s), got {ctx.get('actual_length')}", (
            "add the missing item(s)"
        )
    if kind == "value_error":
        reason = str(ctx.get("error", detail["msg"]))
        if "duration" in reason:
            return (
                f"{name}: {reason.split(';', 1)[0]}",
                "write a duration like 90s, 5m, 1h30m or PT5M",
            )
        return f"{name}: {reason}", "fix the value"
    return f"{name}: {detail['msg']}", "fix the value"


def _whole_number_example(loc: tuple[int | str, ...]) -> str:
    known = _WHOLE_NUMBERS.get(str(loc[-1])) if loc else None
    if known is None:
        return ""
    example, values = known
    return f", e.g. {loc[-1]}: {example} ({values})"


def _model_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel]:
    for part in loc:
        field = model.model_fields.get(str(part))
        inner = _model_in(field.annotation) if field is not None else None
        if inner is None:
            break
        model = inner
    return model


def _model_in(annotation: object) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next((m for a in get_args(annotation) if (m := _model_in(a)) is not None), None)


def _without(data: dict[Any, Any], loc: tuple[int | str, ...]) -> dict[Any, Any]:
    """A copy of `data` without the entry at `loc` (a path of mapping keys)."""
    copy = dict(data)
    if len(loc) == 1:
        copy.pop(loc[0], None)
    elif isinstance(copy.get(loc[0]), dict):
        copy[loc[0]] = _without(copy[loc[0]], loc[1:])
    return copy


def _place(job: str | None, owner: tuple[int | str, ...]) -> str:
    if job is not None:
        return f"job {echo(job)}" + (f" ({_dotted(owner)})" if owner else "")
    return _dotted(owner) if owner else "the top level"


def _dotted(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            shown = str(part) if len(str(part)) <= ECHO_LIMIT else echo(str(part))
            out += f".{shown}" if out else shown
    return out


def _kind(value: object) -> str:
    match value:
        case None:
            return "nothing"
        case dict():
            return "a mapping"
        case list():
            return "a list"
        case _:
            return f"the value {_show(value)}"


def _show(value: object) -> str:
    match value:
        case None | bool():
            return _yaml_text(value)
        case str():
            return echo(value)
        case int() | float():
            shown = repr(value)
            return shown if len(shown) <= ECHO_LIMIT else echo(shown, str)
        case dict():
            return "a mapping"
        case list():
            return "a list"
        case bytes():
            return "binary data"
        case _:
            return type(value).__name__


def _yaml_text(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _extension(key: object) -> bool:
    return isinstance(key, str) and key.startswith("x-")
