"""Load a catalogue file: bytes → YAML nodes → data + SourceMap → validated, resolved `Catalogue`.

The entry point that ties the stages together: `read.py` (SCH001), `yaml_tree.py` (SCH002,
SCH004, SCH008), `source_map.py` (SCH003, SCH006, SCH008) and `schema_check.py` (SCH004–SCH007).
Never raises on bad input: every problem becomes a diagnostic with an exact position.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from scheduler.catalogue.model import Catalogue
from scheduler.catalogue.read import MAX_FILE_BYTES, decode, read
from scheduler.catalogue.schema_check import Checker
from scheduler.catalogue.source_map import SourceMap, build
from scheduler.catalogue.yaml_tree import COMPOSER, ComposerFactory, compose
from scheduler.diagnostics import Diagnostic

__all__ = ["MAX_FILE_BYTES", "LoadResult", "SourceMap", "load", "load_text"]


@dataclass(frozen=True)
class LoadResult:
    """What `load` found: the catalogue (None when unusable), where things are, what is wrong."""

    catalogue: Catalogue | None
    source_map: SourceMap
    diagnostics: tuple[Diagnostic, ...]
    invalid_jobs: frozenset[str]


def load(path: str | Path) -> LoadResult:
    """Read and load the catalogue at `path`; its directory is the jobs' base directory."""
    data = read(path)
    if isinstance(data, Diagnostic):
        return _failed(data)
    return _load(data, os.fspath(path), Path(path), COMPOSER)


def load_text(text: str | bytes, file: str, base_dir: Path | None = None) -> LoadResult:
    """Load a catalogue from memory; `file` names it in spans, `base_dir` anchors handlers."""
    path = base_dir / Path(file).name if base_dir is not None else Path(file)
    return _load(text, file, path, COMPOSER)


def _load(data: str | bytes, file: str, path: Path, composer: ComposerFactory) -> LoadResult:
    with _gc_paused():
        return _load_paused(data, file, path, composer)


def _load_paused(data: str | bytes, file: str, path: Path, composer: ComposerFactory) -> LoadResult:
    # Returns before the collector is back on, so that it never scans the dead node tree.
    text = decode(data, file)
    if isinstance(text, Diagnostic):
        return _failed(text)
    root, parsed, diagnostics = compose(text, file, composer)
    tree = build(root, text, file)
    diagnostics.extend(tree.diagnostics)
    catalogue, invalid = None, frozenset[str]()
    if parsed and not any(d.code == "SCH008" for d in tree.diagnostics):
        checked = Checker(tree.source_map, path)
        catalogue, invalid = checked.run(root is not None, tree.data)
        diagnostics.extend(checked.diagnostics)
    unique = {(d.code, d.span, d.message): d for d in diagnostics}
    ordered = tuple(sorted(unique.values(), key=Diagnostic.sort_key))
    return LoadResult(catalogue, tree.source_map, ordered, invalid)


@contextmanager
def _gc_paused() -> Iterator[None]:
    # The node tree is hundreds of thousands of small containers without cycles; left on, the
    # cyclic collector runs over and over while they are created and loading is 3-4x slower.
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _failed(diagnostic: Diagnostic) -> LoadResult:
    return LoadResult(None, SourceMap(diagnostic.span.file), (diagnostic,), frozenset())
