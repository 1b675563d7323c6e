"""The values of log lines, checked: JSON without NaN, short names, numbers in range, times in
the years a run can have. Log lines are untrusted, so a value that does not validate raises
`Invalid` (which `parse.parse_message` turns into `Malformed`), never anything else.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from scheduler import limits
from scheduler.runtime.contract import MAX_ERROR_MESSAGE_CHARS

_SURROGATES = re.compile("[\ud800-\udfff]")
# Longest id, job name or status sched writes is far below this; anything longer is not its.
MAX_NAME_CHARS = 256
# No run lasts a day (Lambda stops at 15 minutes; a local run has no such limit, so be generous),
# and no attempt number of Lambda or EventBridge Scheduler goes past its retry limit.
MAX_DURATION_MS = 24 * 60 * 60 * 1000.0
MAX_ATTEMPT = limits.EVENTBRIDGE_MAX_RETRY_ATTEMPTS + 1
MAX_MEMORY_MB = limits.LAMBDA_MAX_MEMORY_MB
# Times a run can carry: EventBridge's cron years, and no earlier than the epoch.
_EARLIEST = datetime(limits.CRON_YEAR_MIN, 1, 1, tzinfo=UTC)
_LATEST = datetime(limits.CRON_YEAR_MAX + 1, 1, 1, tzinfo=UTC)


class Invalid(ValueError):
    """A field of a known line that does not validate (caught in `parse.parse_message`)."""


def _reject_constant(name: str) -> float:
    raise Invalid(f"{name} is no number a run can have")


# One decoder for every line (json.loads with options builds a new one per call).
_DECODER = json.JSONDecoder(parse_constant=_reject_constant)
# Its scanner (C), called straight: `decode` wraps each line in two Python frames and a
# whitespace regex, a third of the decoding's own time in bench/bench_history.py's profile.
# (typeshed does not declare `scan_once`.)
_SCAN: Callable[[str, int], tuple[Any, int]] = _DECODER.scan_once  # type: ignore[attr-defined]


def loads(text: str) -> Any:
    """JSON without NaN/Infinity, which Python's json accepts and no writer of these lines uses.
    A text the scanner does not take whole (whitespace around it, extra data, no value) goes
    to `decode`, for its answer and its error."""
    try:
        value, end = _SCAN(text, 0)
    except StopIteration:
        return _DECODER.decode(text)
    return value if end == len(text) else _DECODER.decode(text)


def clean(text: str) -> str:
    # A lone surrogate is valid in JSON text but cannot be written out as UTF-8.
    if text.isascii() or not _SURROGATES.search(text):
        return text
    return _SURROGATES.sub("\ufffd", text)


def text(value: object) -> str | None:
    return clean(value) if isinstance(value, str) else None


def name(value: object, field: str) -> str | None:
    """An optional short text field: None, or text of at most MAX_NAME_CHARS."""
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_NAME_CHARS:
        raise Invalid(f"{field} is not a short text")
    return clean(value)


def checked_id(value: str) -> str:
    if len(value) > MAX_NAME_CHARS:
        raise Invalid("a request id too long to be Lambda's")
    return clean(value)


def one_of(value: object, field: str, allowed: frozenset[str]) -> str | None:
    if value is None:
        return None
    # A list or an object is unhashable: `in` a frozenset would raise TypeError, not refuse.
    if not isinstance(value, str) or value not in allowed:
        raise Invalid(f"{field} is not one of {', '.join(sorted(allowed))}")
    return value


def message(value: object) -> str | None:
    found = text(value)
    return found[:MAX_ERROR_MESSAGE_CHARS] if found is not None else None


def num(value: object, *, top: float = MAX_DURATION_MS) -> float | None:
    """A number in [0, top] (text or JSON), None when absent; anything else does not validate."""
    if value is None:
        return None
    if type(value) is float and 0 <= value <= top:  # the common case; NaN fails the test
        return value
    if type(value) is int and 0 <= value <= top:
        return float(value)
    if isinstance(value, bool):
        raise Invalid("a boolean where a number belongs")
    number: float
    if isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:
            raise Invalid("a number too large") from None
    elif isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            raise Invalid(f"{value[:20]!r} is not a number") from None
    else:
        raise Invalid("not a number")
    if not math.isfinite(number) or not 0 <= number <= top:
        raise Invalid(f"{number} is out of range")
    return number


def whole(value: object, *, top: float) -> int | None:
    number = num(value, top=top)
    return int(number) if number is not None else None


def checked_attempt(value: object) -> int | None:
    found = whole(value, top=MAX_ATTEMPT)
    if found == 0:
        raise Invalid("attempt 0")
    return found


def time(value: object, field: str) -> datetime | None:
    """An ISO-8601 time within the years a run can have; None when absent or null."""
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > 40:
        raise Invalid(f"{field} is not a time")
    try:
        when = datetime.fromisoformat(value)
        if when.tzinfo is not UTC:  # `Z` (the wrapper's) reads as UTC already
            when = (when.replace(tzinfo=UTC) if when.tzinfo is None else when).astimezone(UTC)
    except (ValueError, OverflowError):
        raise Invalid(f"{field} {value!r} is not a time") from None
    if not _EARLIEST <= when < _LATEST:
        raise Invalid(f"{field} {value!r} is out of range")
    return when


def first_line(text: str) -> str:
    for stop in ("\r", "\n"):
        cut = text.find(stop)
        if cut >= 0:
            text = text[:cut]
    return text
