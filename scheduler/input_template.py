"""EventBridge input-transformer templates: a structure holding `Placeholder`s (the event's
`<time>`, `<id>`) rendered as the template text a rule's target takes. Compile fills the job
event of `runtime/contract.py` with placeholders and renders it here.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Placeholder:
    """An input-transformer variable, written `<name>` in a template: EventBridge puts the JSON
    value of the path it names there (strings quoted)."""

    name: str


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
