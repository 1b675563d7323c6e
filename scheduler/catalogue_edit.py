"""Adding jobs to a catalogue's text, keeping every line, comment and blank the user wrote.

No YAML round trip (which would drop comments): the `jobs:` block is found by its indentation,
new entries go at its end, and a job being replaced (`--force`) is swapped line for line. The
caller loads the result to check that it reads as intended before writing anything.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

_JOBS = re.compile(r"jobs:\s*(#.*)?$")
_INLINE_JOBS = re.compile(r"jobs:\s*[\[{]")
_TOP_LEVEL = re.compile(r"[^\s#]")
_KEY = re.compile(r"( +)([^\s#:][^:#]*?):(\s|$)")


class CannotEdit(ValueError):
    """The catalogue is written in a way this module does not edit safely."""


@dataclass(frozen=True)
class Entry:
    name: str
    lines: tuple[str, ...]  # one indentation level is two spaces


def job_names(text: str) -> dict[str, tuple[int, int]]:
    """Every job under `jobs:` → its lines [start, end) (0-based), comments above excluded."""
    lines = text.splitlines()
    start = _jobs_line(lines)
    if start is None:
        return {}
    end = _block_end(lines, start)
    indent = _job_indent(lines, start, end)
    found: dict[str, tuple[int, int]] = {}
    current: str | None = None
    for index in range(start + 1, end):
        key = _KEY.match(lines[index])
        if key and len(key.group(1)) == indent:
            if current is not None:
                found[current] = (found[current][0], _last_field(lines, found[current][0], index))
            current = key.group(2).strip().strip("\"'")
            found[current] = (index, end)
    if current is not None:
        found[current] = (found[current][0], _last_field(lines, found[current][0], end))
    return found


def add_jobs(text: str, entries: Sequence[Entry], catalogue_name: str) -> str:
    """`text` with `entries` under `jobs:` (a job of the same name is replaced in place)."""
    if not text.strip():
        text = f"catalogue: {catalogue_name}\n"
    lines = text.splitlines()
    start = _jobs_line(lines)
    if start is None:
        if any(_INLINE_JOBS.match(line) for line in lines):
            raise CannotEdit("its jobs: is written inline ({...}); write it as a block first")
        lines += ["", "jobs:"]
        start = len(lines) - 1
    indent = _job_indent(lines, start, _block_end(lines, start))
    appended: list[str] = []
    for entry in entries:
        block = [(" " * indent + line) if line else "" for line in _reindent(entry.lines, indent)]
        existing = job_names("\n".join(lines))
        if entry.name not in existing:
            appended += ["", *block]
            continue
        first, last = existing[entry.name]
        above = lines[first - 1].strip() if first > start + 1 else ""
        lines[first - (1 if above.startswith("#") else 0) : last] = block
    at = _last_content(lines, start, _block_end(lines, start))
    if at == start + 1 and appended:
        appended = appended[1:]  # the first job of the block: no blank line above it
    lines[at:at] = appended
    return "\n".join(lines) + "\n"


def _reindent(lines: tuple[str, ...], indent: int) -> list[str]:
    # Entries come indented by two spaces per level; follow the file's own step.
    out = []
    for line in lines:
        stripped = line.lstrip(" ")
        level = (len(line) - len(stripped)) // 2
        out.append(" " * (indent * level) + stripped)
    return out


def _jobs_line(lines: list[str]) -> int | None:
    return next((i for i, line in enumerate(lines) if _JOBS.match(line)), None)


def _block_end(lines: list[str], start: int) -> int:
    return next((i for i in range(start + 1, len(lines)) if _TOP_LEVEL.match(lines[i])), len(lines))


def _job_indent(lines: list[str], start: int, end: int) -> int:
    for index in range(start + 1, end):
        stripped = lines[index].lstrip(" ")
        if stripped and not stripped.startswith("#"):
            return len(lines[index]) - len(stripped)
    return 2


def _last_content(lines: list[str], start: int, end: int) -> int:
    """One past the last line in (start, end) that is indented content, else start + 1."""
    for index in range(end - 1, start, -1):
        if lines[index].strip() and lines[index][:1] == " ":
            return index + 1
    return start + 1


def _last_field(lines: list[str], start: int, end: int) -> int:
    """One past the job's last line: comments and blanks before the next job are not its."""
    for index in range(end - 1, start, -1):
        stripped = lines[index].strip()
        if stripped and not stripped.startswith("#") and lines[index][:1] == " ":
            return index + 1
    return start + 1
