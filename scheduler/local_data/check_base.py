"""The core of checking a local data file: one pass over the loaded YAML that collects every
problem as a diagnostic (code SCH010) at its line rather than stopping at the first, with the
helpers each section's checks share. The sections' checks are mixins over it.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from scheduler.catalogue.source_map import DataPath, SourceMap
from scheduler.diagnostics import Diagnostic, Severity, Span
from scheduler.local_data.model import LOCAL_DATA_CODE
from scheduler.local_data.values import path_key, show

SECTIONS = ("buckets", "tables", "parameters", "secrets", "queues")
SECTION_WHAT = {
    "buckets": "bucket names to their objects",
    "tables": "table names to their key and items",
    "parameters": "parameter names to their values",
    "secrets": "secret names to their values",
    "queues": "queue names to {}",
}
FORMAT_HINT = "see local-data.yaml in the README"
_T = TypeVar("_T")


@dataclass
class CheckerBase:
    """Where the file is, how to find its lines, and the problems found so far."""

    file: str
    source_map: SourceMap
    folder: Path
    problems: list[Diagnostic] = field(default_factory=list)

    def report(self, span: Span, message: str, hint: str) -> None:
        self.problems.append(Diagnostic(LOCAL_DATA_CODE, Severity.ERROR, message, span, hint))

    def at(self, path: DataPath, message: str, hint: str) -> None:
        self.report(self.source_map.span(path), message, hint)

    def at_key(self, path: DataPath, message: str, hint: str) -> None:
        self.report(self.source_map.key_span(path), message, hint)

    def unknown(self, path: DataPath, key: Hashable, where: str, known: tuple[str, ...]) -> None:
        close = difflib.get_close_matches(str(key), known, n=1)
        options = ", ".join(known[:-1]) + f" or {known[-1]}" if len(known) > 1 else known[0]
        hint = f"did you mean {close[0]}?" if close else f"use {options}"
        self.at_key(path, f"unknown key {show(key)} in {where}", hint)

    def each(
        self,
        section: str,
        data: dict[Hashable, object],
        check: Callable[[str, object, DataPath], _T | None],
    ) -> list[_T]:
        entries = data.get(section)
        if entries is None:
            return []
        if not isinstance(entries, dict):
            self.at(
                (section,),
                f"{section} must be a mapping of {SECTION_WHAT[section]}",
                FORMAT_HINT,
            )
            return []
        found = []
        for name, value in entries.items():
            path = (section, path_key(name))
            if not isinstance(name, str):
                self.at_key(
                    path,
                    f"{section[:-1]} name {show(name)} must be text",
                    f"quote it: {show(str(name))}",
                )
                continue
            checked = check(name, value, path)
            if checked is not None:
                found.append(checked)
        return found
