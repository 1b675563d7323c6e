"""Names and sizes AWS would refuse in local data: bucket, table, parameter and secret names
checked against the limits of `scheduler.limits`, each answer saying why in a few words, and
the values DynamoDB cannot store. Pure, standard library only.
"""

from __future__ import annotations

import ipaddress
import math
import re

from scheduler import limits
from scheduler.diagnostics import echo
from scheduler.local_data.values import show

_BAD_SHOWN = 10  # the characters a message names, at most


def attribute_value_problem(value: object) -> str | None:
    """Why DynamoDB cannot store `value` (as boto3 would send it), or None."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"{value} is not a number DynamoDB can store"
    if isinstance(value, list):
        return next(filter(None, map(attribute_value_problem, value)), None)
    if isinstance(value, dict):
        for key, inner in value.items():
            if not isinstance(key, str):
                return f"the key {show(key)} of a mapping inside it must be text"
            why = attribute_value_problem(inner)
            if why is not None:
                return why
    return None


def name_problem(name: str, low: int, high: int, characters: str) -> str | None:
    """Why `name` is not `low`-`high` characters that each match `characters` (`^[...]+$`)."""
    if not low <= len(name) <= high:
        return f"it is {len(name)} characters long, not {low}-{high}"
    if not re.match(characters, name):
        bad = sorted({c for c in name if not re.match(characters, c)})
        shown = ", ".join(echo(c) for c in bad[:_BAD_SHOWN])
        return f"it contains {shown}" + (
            f" and {len(bad) - _BAD_SHOWN} more" if len(bad) > _BAD_SHOWN else ""
        )
    return None


def bucket_name_problem(name: str) -> str | None:
    why = name_problem(
        name,
        limits.S3_BUCKET_NAME_MIN,
        limits.S3_BUCKET_NAME_MAX,
        limits.S3_BUCKET_NAME_CHARACTERS,
    )
    if why is not None:
        return why
    if not (name[0].isalnum() and name[-1].isalnum()):
        return "it must start and end with a letter or digit"
    if ".." in name:
        return "it contains two dots in a row"
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        pass
    else:
        return "it is written like an IP address"
    for prefix in limits.S3_BUCKET_RESERVED_PREFIXES:
        if name.startswith(prefix):
            return f'it starts with "{prefix}", which AWS reserves'
    for suffix in limits.S3_BUCKET_RESERVED_SUFFIXES:
        if name.endswith(suffix):
            return f'it ends with "{suffix}", which AWS reserves'
    return None


def bucket_hint(name: str) -> str:
    rules = (
        f"bucket names are {limits.S3_BUCKET_NAME_MIN}-{limits.S3_BUCKET_NAME_MAX} lowercase "
        "letters, digits, dots and hyphens, starting and ending with a letter or digit"
    )
    fixed = re.sub(r"[^a-z0-9.-]+", "-", name.lower()).strip(".-")
    if fixed != name and bucket_name_problem(fixed) is None:
        return f"{rules}: e.g. {echo(fixed)}"
    return rules


def table_name_problem(name: str) -> str | None:
    return name_problem(
        name,
        limits.DYNAMODB_TABLE_NAME_MIN,
        limits.DYNAMODB_TABLE_NAME_MAX,
        limits.DYNAMODB_TABLE_NAME_CHARACTERS,
    )


def parameter_name_problem(name: str) -> str | None:
    why = name_problem(name, 1, limits.SSM_PARAMETER_NAME_MAX, limits.SSM_PARAMETER_NAME_CHARACTERS)
    if why is not None:
        return why
    if name.lstrip("/").lower().startswith(limits.SSM_PARAMETER_RESERVED_PREFIXES):
        return 'it starts with "aws" or "ssm", which AWS reserves'
    if "/" in name and not name.startswith("/"):
        return "a name with / in it is a path and starts with /"
    if name.count("/") > limits.SSM_PARAMETER_HIERARCHY_MAX:
        return f"it is more than {limits.SSM_PARAMETER_HIERARCHY_MAX} levels deep"
    return None


def secret_name_problem(name: str) -> str | None:
    return name_problem(name, 1, limits.SECRET_NAME_MAX, limits.SECRET_NAME_CHARACTERS)


def queue_name_problem(name: str) -> str | None:
    stem = name.removesuffix(limits.SQS_FIFO_SUFFIX)
    why = name_problem(stem, 1, limits.SQS_QUEUE_NAME_MAX, limits.SQS_QUEUE_NAME_CHARACTERS)
    if why is None and len(name) > limits.SQS_QUEUE_NAME_MAX:
        return f"it is {len(name)} characters long, not 1-{limits.SQS_QUEUE_NAME_MAX}"
    return why
