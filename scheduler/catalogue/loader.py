"""Load a catalogue file: bytes → YAML nodes → data + SourceMap → validated, resolved `Catalogue`.

The entry point that ties the stages together: `read.py` (SCH001), `yaml_tree.py` (SCH002,
SCH004, SCH008), `source_map.py` (SCH003, SCH006, SCH008) and `schema_check.py` (SCH004–SCH007).
Never raises on bad input: every problem becomes a diagnostic with an exact position.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from scheduler.catalogue import environments
from scheduler.catalogue.model import Catalogue, Environment
from scheduler.catalogue.read import MAX_FILE_BYTES, decode, read
from scheduler.catalogue.schema_check import Checker
from scheduler.catalogue.source_map import SourceMap, build
from scheduler.catalogue.yaml_tree import COMPOSER, ComposerFactory, compose
from scheduler.collector import collector_paused
from scheduler.diagnostics import Diagnostic

__all__ = [
    "MAX_FILE_BYTES",
    "LoadResult",
    "SourceMap",
    "load",
    "load_every",
    "load_text",
]


@dataclass(frozen=True)
class LoadResult:
    """What `load` found: the catalogue (None when unusable), where things are, what is wrong."""

    catalogue: Catalogue | None
    source_map: SourceMap
    diagnostics: tuple[Diagnostic, ...]
    invalid_jobs: frozenset[str]


def load(path: str | Path, environment: str | None = None) -> LoadResult:
    """Read and load the catalogue at `path`; its directory is the jobs' base directory. With
    `environment` (one it declares), the catalogue merged for that environment."""
    data = read(path)
    if isinstance(data, Diagnostic):
        return _failed(data)
    return _load_all(data, os.fspath(path), Path(path), COMPOSER, (environment,))[-1]


def load_every(path: str | Path) -> tuple[LoadResult, tuple[LoadResult, ...]]:
    """The catalogue at `path` as written (its shared part), and merged for each environment it
    declares, in their order; the file is read and parsed once."""
    data = read(path)
    if isinstance(data, Diagnostic):
        return _failed(data), ()
    base, *merged = _load_all(data, os.fspath(path), Path(path), COMPOSER, None)
    return base, tuple(merged)


def load_text(
    text: str | bytes, file: str, base_dir: Path | None = None, environment: str | None = None
) -> LoadResult:
    """Load a catalogue from memory; `file` names it in spans, `base_dir` anchors handlers."""
    path = base_dir / Path(file).name if base_dir is not None else Path(file)
    return _load_all(text, file, path, COMPOSER, (environment,))[-1]


def _load(data: str | bytes, file: str, path: Path, composer: ComposerFactory) -> LoadResult:
    return _load_all(data, file, path, composer, ())[0]


@collector_paused()
def _load_all(
    data: str | bytes,
    file: str,
    path: Path,
    composer: ComposerFactory,
    wanted: tuple[str | None, ...] | None,
) -> list[LoadResult]:
    """The shared part first, then the result for each of `wanted` (None: every environment
    declared); an environment the file does not declare gets the shared part. The collector is
    paused throughout, and back on only once the dead node tree is gone."""
    text = decode(data, file)
    if isinstance(text, Diagnostic):
        return [_failed(text)]
    root, parsed, diagnostics = compose(text, file, composer)
    tree = build(root, text, file)
    diagnostics.extend(tree.diagnostics)
    if not parsed or any(d.code == "SCH008" for d in tree.diagnostics):
        return [_result(None, tree.source_map, diagnostics, frozenset())]
    checked = Checker(tree.source_map, path)
    catalogue, invalid = checked.run(root is not None, tree.data)
    diagnostics.extend(checked.diagnostics)
    names: tuple[str, ...] = ()
    if isinstance(tree.data, dict):
        names = environments.declared(tree.data)
        name = catalogue.name if catalogue is not None else ""
        diagnostics.extend(environments.declaration_findings(tree.data, tree.source_map, name))
    if catalogue is not None:
        catalogue = replace(catalogue, environments=names)
    results = [_result(catalogue, tree.source_map, diagnostics, invalid)]
    for environment in names if wanted is None else wanted:
        if not isinstance(tree.data, dict) or environment not in names or catalogue is None:
            results.append(results[0])
        else:
            results.append(_merged(tree.data, tree.source_map, path, environment, results[0]))
    return results


def _merged(
    data: dict[Any, Any], source_map: SourceMap, path: Path, name: str, shared: LoadResult
) -> LoadResult:
    """The catalogue of environment `name`: checked after the merge, spans at the overrides."""
    merged = environments.merge(data, name)
    moved = source_map.moved(merged.moves)
    checked = Checker(moved, path)
    catalogue, invalid = checked.run(True, merged.data)
    if catalogue is not None and shared.catalogue is not None:
        declared = data[environments.KEY][name]
        where = Environment(name, str(declared.get("account")), str(declared.get("region")))
        names = shared.catalogue.environments
        away = environments.elsewhere(data, name)
        catalogue = replace(catalogue, environment=where, environments=names, elsewhere=away)
    found = [*shared.diagnostics, *checked.diagnostics]
    return _result(catalogue, moved, found, invalid | shared.invalid_jobs)


def _result(
    catalogue: Catalogue | None,
    source_map: SourceMap,
    diagnostics: list[Diagnostic] | tuple[Diagnostic, ...],
    invalid: frozenset[str],
) -> LoadResult:
    unique = {(d.code, d.span, d.message): d for d in diagnostics}
    ordered = tuple(sorted(unique.values(), key=Diagnostic.sort_key))
    return LoadResult(catalogue, source_map, ordered, invalid)


def _failed(diagnostic: Diagnostic) -> LoadResult:
    return LoadResult(None, SourceMap(diagnostic.span.file), (diagnostic,), frozenset())
