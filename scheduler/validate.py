"""Run every rule over a loaded catalogue; a rule that crashes becomes SCH901, never a crash.
`validate` also checks the local data file beside the catalogue (SCH010), and marks the findings
the catalogue's `ignore:` entries silence (SCH020-SCH023 are about those entries).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from scheduler.catalogue.loader import LoadResult, load, load_every
from scheduler.collector import collector_paused
from scheduler.diagnostics import Diagnostic, Severity, Span
from scheduler.local_data.place import data_file_beside
from scheduler.rules import RULES, Context, Rule, all_docs
from scheduler.rules.suppression import STALE, suppress


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
    path: str | Path, *, now: datetime, local_data: bool = True, environment: str | None = None
) -> tuple[LoadResult, list[Diagnostic]]:
    """Load and check a catalogue: every diagnostic, sorted by position, the suppressed ones
    included and marked (`Diagnostic.suppressed`). With `local_data`, the local data file beside
    it too, when there is one (offline: no boto3, no moto). With `environment`, the catalogue
    merged for it; without, every environment it declares (`_every`)."""
    # The rules make no reference cycles worth collecting, while the loaded catalogue is
    # hundreds of thousands of live objects that each full collection would walk again.
    with collector_paused():
        return _validate(path, now, local_data, environment)


def _validate(
    path: str | Path, now: datetime, local_data: bool, environment: str | None
) -> tuple[LoadResult, list[Diagnostic]]:
    extra = _local_data_findings(data_file_beside(Path(path))) if local_data else []
    if environment is not None:
        loaded = load(path, environment)
        return loaded, _checked(loaded, now, extra)
    loaded, merged = load_every(path)
    if not merged:
        return loaded, _checked(loaded, now, extra)
    return loaded, _every(loaded, merged, now, extra)


def _local_data_findings(data_file: Path) -> list[Diagnostic]:
    """The local data file's problems; its reader is imported only for a catalogue that has one
    (a link or anything else at that name is the reader's to judge)."""
    if not os.path.lexists(data_file):
        return []
    from scheduler.local_data.read import local_data_diagnostics

    return local_data_diagnostics(data_file)


def _checked(loaded: LoadResult, now: datetime, extra: Sequence[Diagnostic]) -> list[Diagnostic]:
    found = [*loaded.diagnostics, *run_rules(loaded, now=now), *extra]
    marked = suppress(loaded, dict.fromkeys(found), all_docs())
    return sorted(marked, key=Diagnostic.sort_key)


def _every(
    shared: LoadResult, merged: Sequence[LoadResult], now: datetime, extra: Sequence[Diagnostic]
) -> list[Diagnostic]:
    """Each environment's findings: once, as they are, when every environment has the same one
    (or the file as written has it); else prefixed with the environment that has it. A stale
    `ignore:` entry (SCH022) is stale only when it is so in every environment."""
    checked = [(m, _checked(m, now, extra)) for m in merged]
    counts = Counter(_key(d) for _, found in checked for d in dict.fromkeys(found))
    everywhere = {key for key, n in counts.items() if n == len(merged)}
    common = {_key(d) for d in shared.diagnostics} | everywhere
    out: dict[tuple[object, ...], Diagnostic] = {}
    for loaded, found in checked:
        name = loaded.catalogue.environment_name if loaded.catalogue is not None else None
        for diagnostic in found:
            key = _key(diagnostic)
            if key in common or name is None:
                out.setdefault(key, diagnostic)
            elif diagnostic.code != STALE.code:
                message = f'environment "{name}": {diagnostic.message}'
                out.setdefault((name, *key), replace(diagnostic, message=message))
    return sorted(out.values(), key=Diagnostic.sort_key)


def _key(diagnostic: Diagnostic) -> tuple[object, ...]:
    return (diagnostic.code, diagnostic.severity, diagnostic.span, diagnostic.message)
