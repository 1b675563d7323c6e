"""Parse one CloudWatch Logs message from a Lambda log group into a typed record, or None.

Knows Lambda's platform lines in text and JSON log format, the "Task timed out" line, runtime
error lines, and the runtime wrapper's JSON start and run lines (raw, wrapped by Lambda's JSON
app-log format, or in Python logging's `[INFO]` text form): `json_lines` and `text_lines` read
them, this module picks which by the message's first character.
Total: log lines are untrusted (any function in the account may write to the group), so a line
of a known shape that does not validate (NaN, a time out of range, a number no run can have) is
`Malformed`, never an exception.
"""

from __future__ import annotations

from scheduler.history import text_lines
from scheduler.history.fields import Invalid
from scheduler.history.json_lines import json_line
from scheduler.history.records import Malformed, Record
from scheduler.runtime.contract import LINE_PREFIX


def parse_message(message: str) -> Record | Malformed | None:
    """The record a log message carries, `Malformed` for a line of a known shape that does not
    validate, or None for any other line. Never raises."""
    try:
        text = message.strip()
        # JSON first: in Lambda's JSON log format every line is an object.
        return json_line(text) if text.startswith("{") else _text(text)
    except Invalid as invalid:
        return Malformed(str(invalid))
    except (ValueError, OverflowError, RecursionError) as error:  # json's own, or its depth limit
        return Malformed(f"{type(error).__name__}: {str(error)[:80]}")


def _text(text: str) -> Record | None:
    if not text:
        return None
    first = text[0]
    if first == "S" and text.startswith("START RequestId: "):
        return text_lines.start(text)
    if first == "E" and text.startswith("END RequestId: "):
        return text_lines.end(text)
    if first == "R":
        if text.startswith("REPORT RequestId: "):
            return text_lines.report(text)
        if text.startswith("RequestId: "):
            return text_lines.runtime_exit(text)
        return None
    if first == "[":
        if text.startswith("[ERROR] "):
            return text_lines.error(text)
        if LINE_PREFIX in text:
            return text_lines.tabbed(text)
        return None
    if first.isdigit() and text_lines.TIMED_OUT in text:
        return text_lines.timed_out(text)
    return None
