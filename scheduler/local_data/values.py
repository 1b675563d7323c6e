"""How local data values are named in messages (`show`, `kind_of`) and matched against a
DynamoDB key type. Pure, standard library only.
"""

from __future__ import annotations

import math
from typing import assert_never

from scheduler.diagnostics import echo
from scheduler.local_data.model import KeyType

KEY_WORDS = {"S": "text", "N": "a number", "B": "binary"}


def path_key(key: object) -> str | int:
    return key if isinstance(key, (str, int)) else str(key)


def show(value: object) -> str:
    """A value of the file as a message quotes it, cut to the echo limit (diagnostics.echo)."""
    if isinstance(value, str):
        return echo(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return echo(repr(value), str)


def kind_of(value: object) -> str:
    match value:
        case None:
            return "null"
        case bool():
            return "true/false"
        case int() | float():
            return f"a number ({show(value)})"
        case "":
            return "empty"
        case str():
            return f"text ({show(value)})"
        case bytes():
            return "binary"
        case list():
            return "a list"
        case dict():
            return "a mapping"
    return type(value).__name__  # pragma: no cover - YAML builds nothing else


def is_key_type(value: object, kind: KeyType) -> bool:
    match kind:
        case "S":
            return isinstance(value, str)
        case "N":
            return (
                isinstance(value, (int, float))
                and not isinstance(value, bool)
                and math.isfinite(value)
            )
        case "B":
            return isinstance(value, bytes)
        case _:
            assert_never(kind)


def key_value_hint(value: object, kind: KeyType) -> str:
    if kind == "S":
        return (
            f"quote it: {show(str(value))}" if isinstance(value, (int, float)) else "make it text"
        )
    if kind == "N":
        return "write it as a number, without quotes"
    return "write it as !!binary followed by its base64"
