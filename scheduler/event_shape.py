"""The event a job's target delivers to its function, `{"sched": {...}, "input": ...}`, built once
for everyone: compile fills it with EventBridge's placeholders (a rule's input template, a
schedule's input), local runs and `sched trigger` with real values, and the runtime wrapper reads
it (scheduler/runtime.py `read_event`). Also renders a structure as an input-transformer template.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, assert_never

from scheduler.catalogue.model import Backend

FIRST_ATTEMPT = "1"


@dataclass(frozen=True)
class Placeholder:
    """An input-transformer variable, written `<name>` in a template: EventBridge puts the JSON
    value of the path it names there (strings quoted)."""

    name: str


Value = str | Placeholder


def job_event(
    backend: Backend,
    *,
    job: str,
    job_input: Mapping[str, Any] | None,
    scheduled_time: Value,
    trigger_id: Value,
    attempt: Value = FIRST_ATTEMPT,
    manual: bool = False,
) -> dict[str, Any]:
    """The event for `job`: a rule's carries the event id, a schedule's the execution id and the
    attempt number (as text, the way Scheduler fills it in). `manual` marks a run started by hand,
    which the wrapper logs as `manual` rather than as a fire of the schedule."""
    sched: dict[str, Any] = {"job": job, "scheduled_time": scheduled_time}
    match backend:
        case Backend.RULES:
            sched["event_id"] = trigger_id
        case Backend.SCHEDULER:
            sched["execution_id"] = trigger_id
            sched["attempt"] = attempt
        case _:
            assert_never(backend)
    if manual:
        sched["manual"] = True
    return {"sched": sched, "input": dict(job_input or {})}


def template_literal(value: object) -> str:
    """JSON for a constant inside an input template. `<` and `>` cannot be escaped in templates
    and would read as placeholders, so they become JSON unicode escapes (they only occur in
    strings)."""
    text = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e")


def _holds_placeholder(value: object) -> bool:
    if isinstance(value, Placeholder):
        return True
    if isinstance(value, Mapping):
        return any(_holds_placeholder(v) for v in value.values())
    if isinstance(value, list | tuple):
        return any(_holds_placeholder(v) for v in value)
    return False


def input_template(value: object) -> str:
    """`value` as an input-transformer template: each `Placeholder` bare (`<time>`); an object or
    array holding one keeps its key order; anything else is a `template_literal`."""
    if isinstance(value, Placeholder):
        return f"<{value.name}>"
    if not _holds_placeholder(value):
        return template_literal(value)
    if isinstance(value, Mapping):
        members = (f"{template_literal(str(k))}:{input_template(v)}" for k, v in value.items())
        return "{" + ",".join(members) + "}"
    assert isinstance(value, list | tuple)
    return "[" + ",".join(input_template(v) for v in value) + "]"
