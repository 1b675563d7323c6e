"""Log messages in Lambda's text log format: START, END and REPORT lines, "Task timed out", the
Python runtime's error lines, and the wrapper's line in Python logging's `[INFO]` text form."""

from __future__ import annotations

import re

from scheduler.history import fields as f
from scheduler.history.json_lines import wrapper
from scheduler.history.records import (
    AppError,
    PlatformEnd,
    PlatformReport,
    PlatformStart,
    Record,
    TimedOut,
)
from scheduler.runtime.contract import LINE_PREFIX

# https://docs.aws.amazon.com/lambda/latest/dg/python-logging.html (REPORT line fields); the
# fields are tab-separated in CloudWatch but documentation pages often show them with spaces.
_REPORT_FIELD = re.compile(
    r"(Billed Duration|Init Duration|Restore Duration|Duration|Memory Size|Max Memory Used"
    r"|Status|Error Type): (\S+)"
)
TIMED_OUT = " Task timed out after "


def start(text: str) -> PlatformStart | None:
    """`START RequestId: <id> Version: ...`"""
    parts = text[len("START RequestId: ") :].split(None, 1)
    return PlatformStart(parts[0]) if parts else None


def end(text: str) -> PlatformEnd | None:
    """`END RequestId: <id>`"""
    parts = text[len("END RequestId: ") :].split(None, 1)
    return PlatformEnd(parts[0]) if parts else None


def report(message: str) -> PlatformReport | None:
    """`REPORT RequestId: <id>\\tDuration: ... ms\\t...`"""
    head, _, rest = message[len("REPORT RequestId: ") :].partition("\t")
    request_id = head.split()[0] if head.split() else ""
    if not request_id:
        return None
    if not rest:  # space-separated variant: the fields follow the id on the same segment
        rest = head[len(request_id) :]
    fields = dict(_REPORT_FIELD.findall(rest))
    status = fields.get("Status")
    return PlatformReport(
        request_id=f.checked_id(request_id),
        duration_ms=f.num(fields.get("Duration")),
        billed_duration_ms=f.num(fields.get("Billed Duration")),
        memory_size_mb=f.whole(fields.get("Memory Size"), top=f.MAX_MEMORY_MB),
        max_memory_used_mb=f.whole(fields.get("Max Memory Used"), top=f.MAX_MEMORY_MB),
        init_duration_ms=f.num(fields.get("Init Duration")),
        status=status.lower() if status else None,
        error_type=f.name(fields.get("Error Type"), "Error Type"),
    )


def error(message: str) -> AppError | None:
    # Python runtime, unhandled exception: "[ERROR] ValueError: boom\rTraceback ..." (no id).
    line = f.first_line(message[len("[ERROR] ") :])
    error_type, sep, text = line.partition(": ")
    if not error_type or " " in error_type:
        return None
    return AppError(None, error_type, text if sep else None)


def tabbed(message: str) -> Record | None:
    # Python `logging` in text format: "[INFO]\t<time>\t<request id>\t<message>".
    parts = message.split("\t", 3)
    if len(parts) == 4 and parts[3].startswith(LINE_PREFIX):
        obj = f.loads(parts[3])
        return wrapper(obj, parts[2]) if isinstance(obj, dict) else None
    return None


def runtime_exit(message: str) -> AppError | None:
    # "RequestId: <id> Error: Runtime exited with error: signal: killed\nRuntime.ExitError"
    head, sep, text = message[len("RequestId: ") :].partition(" Error: ")
    if not sep:
        return None
    lines = text.strip().splitlines()
    last = lines[-1].strip() if lines else ""
    error_type = last if last.startswith("Runtime.") else "Runtime.ExitError"
    return AppError(head.strip(), error_type, lines[0].strip() if lines else None)


def timed_out(text: str) -> TimedOut | None:
    # "2023-06-05T12:00:03.123Z <request id> Task timed out after 3.00 seconds"
    parts = text.split(" ", 2)
    if len(parts) == 3 and parts[2].startswith("Task timed out after "):
        return TimedOut(parts[1], f.first_line(parts[2]))
    return None
