"""What every `sched import` produces, whatever it reads: catalogue entries as YAML lines, the
handler stubs they name, the findings that stopped an entry and the notes that did not.

Also the rules all importers share: which values are too secret to copy, how a name becomes a
job name, and how text becomes a YAML scalar. Pure; writing the files is `app/importing.py`'s.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from scheduler.diagnostics import Diagnostic
from scheduler.rules.secret_rules import looks_secret, secret_name

NAME_MAX = 40  # leaves room for the catalogue name within AWS's 64-character names
_NOT_NAME = re.compile(r"[^a-z0-9]+")
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


@dataclass(frozen=True)
class ImportedJob:
    """One catalogue entry: its name, YAML lines (relative indentation), and its stub."""

    name: str
    line: int
    yaml: tuple[str, ...]  # the job key first, fields indented by one level ("  ")
    handler_path: str  # relative to the catalogue's folder
    stub: str | None  # None: the handler is the user's own file, nothing to write


@dataclass(frozen=True)
class Note:
    """Something the user should know that stops nothing: a variable left behind, the clock."""

    line: int
    message: str
    hint: str


@dataclass(frozen=True)
class ImportResult:
    jobs: tuple[ImportedJob, ...]
    findings: tuple[Diagnostic, ...]  # what was not imported, or not carried over
    notes: tuple[Note, ...]


def is_secret(name: str, value: str) -> bool:
    """Whether a variable's value must not be copied into the catalogue."""
    # Stricter than SCH310's warning: a value short enough to pass as a word (a 7-letter
    # password) must still not be copied from a server's files into a reviewed file.
    return bool(value) and (secret_name(name) or looks_secret(name, value))


def job_name(text: str) -> str:
    """`text` as a job name: lower case, words joined by `-` (`sendInvoices` → send-invoices)."""
    name = _NOT_NAME.sub("-", _CAMEL.sub("-", text).lower()).strip("-")
    return name[:NAME_MAX].strip("-")


def unique(name: str, taken: set[str]) -> str:
    """`name`, or `name-2`, `name-3`... when it is taken."""
    if name not in taken:
        return name
    counter = 2
    while f"{name}-{counter}" in taken:
        counter += 1
    return f"{name}-{counter}"


def scalar(text: str) -> str:
    """`text` as a YAML scalar: JSON's double-quoted strings are YAML's too."""
    return json.dumps(text, ensure_ascii=False)


def unported_stub(docstring: str, unported: str) -> str:
    """A handler module whose docstring says what to port and whose main() fails until then."""
    escaped = docstring.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    return (
        f'"""{escaped}\n"""\n\n'
        "from __future__ import annotations\n\n"
        "from typing import Any\n\n\n"
        "def main(event: dict[str, Any], context: Any) -> dict[str, Any]:\n"
        f"    raise NotImplementedError({scalar(unported)})\n"
    )
