"""Run every rule over a loaded catalogue; a rule that crashes becomes SCH901, never a crash.
`validate` also checks the local data file beside the catalogue (SCH010), and marks the findings
the catalogue's `ignore:` entries silence (SCH020-SCH023 are about those entries).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from scheduler.catalogue.loader import LoadResult, load
from scheduler.diagnostics import Diagnostic, Severity, Span
from scheduler.local_data.model import data_file_beside
from scheduler.local_data.read import local_data_diagnostics
from scheduler.rules import RULES, Context, Rule, all_docs
from scheduler.rules.suppression import suppress


def run_rules(
    loaded: LoadResult,
    *,
    now: datetime,
    check_files: bool = True,
    rules: Sequence[Rule] = RULES,
) -> list[Diagnostic]:
    if loaded.catalogue is None:
        return []
    context = Context(loaded.catalogue, loaded.source_map, now, check_files=check_files)
    found: list[Diagnostic] = []
    for rule in rules:
        try:
            found.extend(rule.check(context))
        except Exception as error:  # a bug in one rule must not hide the others' findings
            found.append(
                Diagnostic(
                    "SCH901",
                    Severity.ERROR,
                    f"rule {rule.doc.code} crashed: {type(error).__name__}: {error}",
                    Span(loaded.source_map.file),
                    "this is a bug in sched; please report it (run with --debug for details)",
                )
            )
    return found


def validate(
    path: str | Path, *, now: datetime, local_data: bool = True
) -> tuple[LoadResult, list[Diagnostic]]:
    """Load and check a catalogue: every diagnostic, sorted by position, the suppressed ones
    included and marked (`Diagnostic.suppressed`). With `local_data`, the local data file beside
    it too, when there is one (offline: no boto3, no moto)."""
    loaded = load(path)
    found = [*loaded.diagnostics, *run_rules(loaded, now=now)]
    if local_data:
        found.extend(local_data_diagnostics(data_file_beside(Path(path))))
    marked = suppress(loaded, dict.fromkeys(found), all_docs())
    return loaded, sorted(marked, key=Diagnostic.sort_key)
