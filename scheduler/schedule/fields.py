"""Cron field grammar shared by the AWS and Unix dialects: values, names, lists, ranges, steps.

A field parses to its sorted values and a normalised spelling (names upper-cased, numbers
without leading zeros). A range whose start is after its end wraps past the field's end where
the field allows it (AWS, as Quartz does: `22-2/2` hours is 22, 0, 2). Every error points at
the exact value that is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from scheduler.schedule.errors import FIX, INVALID, Fix, ScheduleError, quoted

MONTH_NAMES = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
DAY_NAMES = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")

_DIGITS = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class FieldDef:
    """One cron field: its name in messages, its range, optional names, and a range hint."""

    name: str
    low: int
    high: int
    hint: str
    names: tuple[str, ...] = ()
    name_base: int = 0  # the value of names[0]
    wrap_high: int = -1  # last value before a reversed range wraps (-1: `high`)
    # a range whose start is after its end: read across the end of the field ("wrap"),
    # refused with the field split in two ("split", Unix), or refused as swapped ("swap", years)
    reversed_range: Literal["wrap", "split", "swap"] = "wrap"


@dataclass(frozen=True)
class FieldValue:
    """A parsed field: its values, how to write it back, and whether it began with `*`."""

    values: tuple[int, ...]
    text: str
    star: bool

    def is_full(self, field: FieldDef) -> bool:
        return len(self.values) == field.high - field.low + 1


def parse_list(text: str, offset: int, field: FieldDef) -> FieldValue:
    """Parse `a,b-c,*/n,...`; `offset` is where `text` starts in the whole expression."""
    values: set[int] = set()
    spelled: list[str] = []
    position = offset
    for item in text.split(","):
        item_values, item_text = _parse_item(item, position, field)
        values.update(item_values)
        spelled.append(item_text)
        position += len(item) + 1
    return FieldValue(tuple(sorted(values)), ",".join(spelled), text.startswith("*"))


def _parse_item(item: str, offset: int, field: FieldDef) -> tuple[Iterable[int], str]:
    if not item:
        raise ScheduleError(
            INVALID,
            f"{field.name} has an empty entry in its list",
            'remove the extra ","',
            offset,
            0,
        )
    base, slash, step_text = item.partition("/")
    step = 1
    if slash:
        step = _step(step_text, offset + len(base) + 1, field)
    if base == "*":
        low, high, spelled = field.low, field.high, "*"
    elif "-" in base:
        first, _, last = base.partition("-")
        low, low_text = value(first, offset, field)
        high, high_text = value(last, offset + len(first) + 1, field)
        if low > high:
            if field.reversed_range != "wrap":
                _backwards(base, offset, field, (low_text, high_text))
            return _wrapped(low, high, step, field), f"{low_text}-{high_text}" + (
                f"/{step}" if slash else ""
            )
        spelled = f"{low_text}-{high_text}"
    else:
        low, spelled = value(base, offset, field)
        high = field.high if slash else low
    if slash:
        spelled += f"/{step}"
    return range(low, high + 1, step), spelled


def _wrapped(low: int, high: int, step: int, field: FieldDef) -> list[int]:
    # Quartz reads a reversed range across the end (22-2 hours: 22, 23, 0, 1, 2), the step
    # counting on through the wrap; EventBridge cron follows it (the guide's "20-2" hours).
    # https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html
    size = field.high - field.low + 1
    return [field.low + (i - field.low) % size for i in range(low, high + size + 1, step)]


def _backwards(base: str, offset: int, field: FieldDef, texts: tuple[str, str]) -> None:
    low_text, high_text = texts
    if field.reversed_range == "swap":
        fixed = f"{high_text}-{low_text}"
        reason = f"{field.name} ranges do not wrap around"
    else:
        wrap_high = field.high if field.wrap_high < 0 else field.wrap_high
        fixed = f"{_span(low_text, _spell(wrap_high, base, field))},"
        fixed += _span(_spell(field.low, base, field), high_text)
        reason = "Unix cron ranges do not wrap around past the end of the field"
    raise ScheduleError(
        INVALID,
        f"{field.name} range {quoted(base)} runs backwards",
        f"{reason}; write {FIX}",
        offset,
        len(base),
        Fix(offset, len(base), fixed),
        f"{reason}; write {fixed}",
    )


def _step(text: str, offset: int, field: FieldDef) -> int:
    widest = field.high - field.low
    if not _DIGITS.fullmatch(text):
        raise ScheduleError(
            INVALID,
            f"{field.name} step {quoted(text)} is not a whole number",
            f"write a step between 1 and {widest}, as in */5",
            offset,
            len(text),
        )
    step = int(text)
    if not 1 <= step <= widest:
        raise ScheduleError(
            INVALID,
            f"{field.name} step {step} is outside 1-{widest}",
            f"write a step between 1 and {widest}",
            offset,
            len(text),
        )
    return step


def value(text: str, offset: int, field: FieldDef) -> tuple[int, str]:
    """One number or name of `field`, with its normalised spelling."""
    if _DIGITS.fullmatch(text):
        number = int(text)
        if not field.low <= number <= field.high:
            names = f" ({field.names[0]}-{field.names[-1]})" if field.names else ""
            raise ScheduleError(
                INVALID,
                f"{field.name} {quoted(text)} is outside {field.low}-{field.high}{names}",
                field.hint,
                offset,
                len(text),
            )
        return number, str(number)
    upper = text.upper()
    if upper in field.names:
        return field.name_base + field.names.index(upper), upper
    if not text:
        raise ScheduleError(INVALID, f"{field.name} is missing a value", field.hint, offset, 0)
    kind = f"a number or a name ({field.names[0]}-{field.names[-1]})" if field.names else "a number"
    raise ScheduleError(
        INVALID, f"{field.name} {quoted(text)} is not {kind}", field.hint, offset, len(text)
    )


def _spell(number: int, like: str, field: FieldDef) -> str:
    """`number` written the way the user wrote the range `like` (names or digits)."""
    if field.names and any(c.isalpha() for c in like):
        return field.names[(number - field.name_base) % len(field.names)]
    return str(number)


def _span(first: str, last: str) -> str:
    return first if first == last else f"{first}-{last}"


def weekday_list(aws_days: set[int] | frozenset[int]) -> str:
    """AWS weekdays (1 = SUN .. 7 = SAT) as names: runs of three or more become ranges."""
    ordered = sorted(aws_days)
    runs: list[list[int]] = []
    for day in ordered:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts: list[str] = []
    for run in runs:
        names = [DAY_NAMES[day - 1] for day in run]
        parts.append(f"{names[0]}-{names[-1]}" if len(run) >= 3 else ",".join(names))
    return ",".join(parts)
