"""pydantic's errors for a setting that takes more than one form (`alert:` a mapping or true/false,
a `permissions:` entry a name or a mapping), as a user reads them: pydantic reports each form's
failure under a tag of its type (`alert.AlertSpec.after`, `alert.bool`), which names no key the
user wrote. Tags are dropped; a mapping's errors are the mapping form's alone (the user chose
it); a value that fits no form gets one error naming them all.
"""

from __future__ import annotations

import types
from collections.abc import Sequence
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic import BaseModel
from pydantic_core import ErrorDetails

# The `type` of the one error a value that fits none of a setting's forms gets; its ctx["kinds"]
# are each form's own error type, in the order the forms are declared.
NO_FORM = "sched_no_form"
_Loc = tuple[int | str, ...]


def untagged(errors: Sequence[ErrorDetails], model: type[BaseModel]) -> list[ErrorDetails]:
    """`errors` (of validating `model`) with the union tags taken out of their locations."""
    out: list[ErrorDetails] = []
    merged: dict[_Loc, int] = {}  # a no-form error's place in `out`, by its location
    for detail in errors:
        loc = tuple(detail["loc"])
        tag = _tag_at(model, loc)
        if tag is None:
            out.append(detail)
            continue
        at = loc[:tag] + loc[tag + 1 :]
        whole = tag == len(loc) - 1  # the form failed on the value itself, not inside it
        if whole and isinstance(detail.get("input"), dict) and detail["type"] != "model_type":
            continue  # a mapping was meant as the mapping form: its own errors say what is wrong
        if not whole:
            out.append({**detail, "loc": at})
        elif at in merged:
            first = out[merged[at]]
            kinds = (*first.get("ctx", {}).get("kinds", (first["type"],)), detail["type"])
            out[merged[at]] = {**first, "type": NO_FORM, "ctx": {"kinds": kinds}}
        else:
            merged[at] = len(out)
            out.append({**detail, "loc": at})
    return out


def _tag_at(model: type[BaseModel], loc: _Loc) -> int | None:
    """The index in `loc` of a union's member tag, walking the annotations from `model`."""
    annotation: Any = model
    for index, part in enumerate(loc):
        members = _forms(annotation)
        if len(members) > 1:
            return index
        annotation = _inner(members[0] if members else annotation, part)
        if annotation is None:
            return None
    return None


def _forms(annotation: Any) -> tuple[Any, ...]:
    """A union's members other than None (a lone `X | None` is one form: pydantic tags none)."""
    if get_origin(annotation) in (Union, types.UnionType):
        return tuple(a for a in get_args(annotation) if a is not type(None))
    return (annotation,)


def _inner(annotation: Any, part: int | str) -> Any:
    """The annotation at `part` inside `annotation`, or None where the walk cannot go on."""
    if get_origin(annotation) is Annotated:
        return _inner(get_args(annotation)[0], part)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(str(part))
        return field.annotation if field is not None else None
    origin, args = get_origin(annotation), get_args(annotation)
    if origin in (list, tuple) and args and isinstance(part, int):
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    return None
