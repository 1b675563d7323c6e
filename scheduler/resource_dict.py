"""A resource as plain JSON-ready data (`as_dict`), as compile's JSON and the plan's JSON write
it: only compared fields, with the field metadata of `resources.py` (MAPPING, JSON, OPTIONAL)
saying which are key/value pairs, JSON documents, or left out while unset.
"""

from __future__ import annotations

import json
from dataclasses import fields, is_dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from scheduler.resources import JSON, MAPPING, OPTIONAL, Resource


def as_dict(resource: Resource) -> dict[str, Any]:
    """A resource as plain JSON-ready data: `kind` first, then the compared fields."""
    out: dict[str, Any] = {"kind": resource.kind.value}
    out.update(_fields_as_dict(resource))
    return out


def _fields_as_dict(value: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields(value):
        if not f.compare:
            continue
        item = getattr(value, f.name)
        if item is None and f.metadata.get(OPTIONAL):
            continue
        if f.metadata.get(MAPPING):
            out[f.name] = dict(item)
        elif f.metadata.get(JSON) and isinstance(item, str):
            out[f.name] = json.loads(item)
        else:
            out[f.name] = _plain(item)
    return out


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return _fields_as_dict(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value
