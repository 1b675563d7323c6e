"""Load a catalogue file: bytes → YAML nodes → data + SourceMap → validated, resolved `Catalogue`.

Never raises on bad input: an unreadable file (SCH001), YAML syntax (SCH002), the document's
shape (SCH004) and schema errors (SCH005–SCH007) all become diagnostics with exact positions.
Each job is validated on its own so that one bad job hides no other.
"""

from __future__ import annotations

import codecs
import difflib
import gc
import json
import os
import re
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, get_args

import yaml
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from yaml.nodes import Node

from scheduler.catalogue.model import Catalogue
from scheduler.catalogue.schema import CatalogueSpec, JobSpec, resolve_job, resolve_policy
from scheduler.catalogue.source_map import DataPath, SourceMap, build
from scheduler.diagnostics import Diagnostic, Severity, Span

__all__ = ["MAX_FILE_BYTES", "LoadResult", "SourceMap", "load", "load_text"]

MAX_FILE_BYTES = 5 * 1024 * 1024
"""Larger files are refused before parsing: a catalogue of 10,000 jobs is about 2 MB."""


@dataclass(frozen=True)
class LoadResult:
    """What `load` found: the catalogue (None when unusable), where things are, what is wrong."""

    catalogue: Catalogue | None
    source_map: SourceMap
    diagnostics: tuple[Diagnostic, ...]
    invalid_jobs: frozenset[str]


class _Composer(Protocol):
    def check_node(self) -> bool: ...
    def get_node(self) -> Node | None: ...
    def dispose(self) -> None: ...


ComposerFactory = Callable[[str], _Composer]
_COMPOSER: ComposerFactory = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader


def load(path: str | Path) -> LoadResult:
    """Read and load the catalogue at `path`; its directory is the jobs' base directory."""
    file = os.fspath(path)
    where = Path(path)
    try:
        info = where.stat()
        if stat.S_ISDIR(info.st_mode):
            return _unreadable(
                file,
                f"{file} is a directory, not a catalogue file",
                f"point at the YAML file itself, e.g. {where / 'jobs.yaml'}",
            )
        if stat.S_ISREG(info.st_mode) and info.st_size > MAX_FILE_BYTES:
            return _failed(_too_large(file, info.st_size))
        with where.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        return _unreadable(
            file, f"{file} does not exist", "check the path and the current directory"
        )
    except PermissionError:
        return _unreadable(
            file, f"{file} cannot be read: permission denied", "check the file's permissions"
        )
    except OSError as error:
        reason = error.strerror or type(error).__name__
        return _unreadable(file, f"{file} cannot be read: {reason}", "check the path")
    return _load(data, file, where, _COMPOSER)


def load_text(text: str | bytes, file: str, base_dir: Path | None = None) -> LoadResult:
    """Load a catalogue from memory; `file` names it in spans, `base_dir` anchors handlers."""
    path = base_dir / Path(file).name if base_dir is not None else Path(file)
    return _load(text, file, path, _COMPOSER)


def _load(data: str | bytes, file: str, path: Path, composer: ComposerFactory) -> LoadResult:
    with _gc_paused():
        return _load_paused(data, file, path, composer)


def _load_paused(data: str | bytes, file: str, path: Path, composer: ComposerFactory) -> LoadResult:
    # Returns before the collector is back on, so that it never scans the dead node tree.
    text = _decode(data, file)
    if isinstance(text, Diagnostic):
        return _failed(text)
    root, parsed, diagnostics = _compose(text, file, composer)
    tree = build(root, text, file)
    diagnostics.extend(tree.diagnostics)
    catalogue, invalid = None, frozenset[str]()
    if parsed and not any(d.code == "SCH008" for d in tree.diagnostics):
        checked = _Checker(tree.source_map, path)
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


# --- SCH001: reading ------------------------------------------------------------------------

_NON_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _decode(data: str | bytes, file: str) -> str | Diagnostic:
    if len(data) > MAX_FILE_BYTES:
        return _too_large(file, len(data))
    if isinstance(data, bytes):
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return _file_error(
                file, f"{file} is UTF-16 or UTF-32 encoded", "save it as UTF-8", Span(file)
            )
        nul = data.find(b"\x00")
        if nul >= 0:
            return _file_error(
                file,
                f"{file} looks like a binary file: NUL byte at {_byte_place(data, nul)}",
                "point at the YAML catalogue; sched reads UTF-8 text only",
                _byte_span(file, data, nul),
            )
        data = data.removeprefix(codecs.BOM_UTF8)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            return _file_error(
                file,
                f"{file} is not UTF-8: byte 0x{data[error.start]:02x} at "
                f"{_byte_place(data, error.start)}",
                "save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)",
                _byte_span(file, data, error.start),
            )
    else:
        text = data.removeprefix("\ufeff")
    bad = _NON_PRINTABLE.search(text)
    if bad is not None:
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - text.rfind("\n", 0, bad.start())
        kind = "a NUL character" if bad.group() == "\x00" else "a control character"
        return _file_error(
            file,
            f"{file} contains {kind} (U+{ord(bad.group()):04X}) at line {line}, column {column}",
            "remove it; a catalogue is UTF-8 text without control characters",
            Span(file, line, column, line, column + 1),
        )
    return text


def _byte_span(file: str, data: bytes, offset: int) -> Span:
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    column = len(data[start:offset].decode("utf-8", errors="replace")) + 1
    return Span(file, line, column, line, column + 1)


def _byte_place(data: bytes, offset: int) -> str:
    span = _byte_span("", data, offset)
    return f"line {span.line}, column {span.column} (byte offset {offset})"


def _too_large(file: str, size: int) -> Diagnostic:
    return _file_error(
        file,
        f"{file} is {size / 1024 / 1024:.1f} MB; catalogues are limited to "
        f"{MAX_FILE_BYTES // 1024 // 1024} MB",
        "check that this is the catalogue; split very large catalogues into several",
        Span(file),
    )


def _unreadable(file: str, message: str, hint: str) -> LoadResult:
    return _failed(_file_error(file, message, hint, Span(file)))


def _failed(diagnostic: Diagnostic) -> LoadResult:
    return LoadResult(None, SourceMap(diagnostic.span.file), (diagnostic,), frozenset())


def _file_error(file: str, message: str, hint: str, span: Span) -> Diagnostic:
    return Diagnostic("SCH001", Severity.ERROR, message, span, hint)


# --- SCH002 / SCH004: YAML syntax and documents ---------------------------------------------

_DOCUMENT_START = re.compile(r"^---(?=[ \t\r\n]|$)", re.MULTILINE)


def _compose(
    text: str, file: str, composer: ComposerFactory
) -> tuple[Node | None, bool, list[Diagnostic]]:
    """The first document's root node; whether it composed; syntax and document diagnostics."""
    diagnostics: list[Diagnostic] = []
    root: Node | None = None
    parsed = False
    loader = composer(text)
    try:
        # CParser.get_node fails unless check_node has consumed the stream start first.
        if loader.check_node():
            root = loader.get_node()
        parsed = True
        if loader.check_node():
            diagnostics.append(_second_document(text, file, root))
    except yaml.MarkedYAMLError as error:
        diagnostics.append(_syntax_error(error, text, file))
    except yaml.YAMLError as error:
        first_line = str(error).split("\n", 1)[0]
        diagnostics.append(
            _diagnostic("SCH002", f"YAML error: {first_line}", Span(file), _SYNTAX_HINT)
        )
    except RecursionError:
        diagnostics.append(_too_deep(Span(file)))
    finally:
        loader.dispose()
    return root, parsed, diagnostics


def _second_document(text: str, file: str, root: Node | None) -> Diagnostic:
    # The first root ends on the line of the next `---` (block) or earlier (flow, scalar).
    line, start = 0, 0
    if root is not None:
        end = root.end_mark
        line, start = end.line, end.index - end.column
        if end.column > 0:
            newline = text.find("\n", end.index)
            line, start = (line + 1, newline + 1) if newline >= 0 else (line, start)
    marker = _DOCUMENT_START.search(text, start)
    if marker is not None:
        line += text.count("\n", start, marker.start())
    return _diagnostic(
        "SCH004",
        "a second YAML document starts here; a catalogue is one document",
        Span(file, line + 1, 1, line + 1, 4),
        "remove the `---` line and merge the documents, or split them into separate files",
    )


_SYNTAX_HINT = "check the quotes, brackets and indentation near here"
_SYNTAX_HINTS = (
    ("mapping values are not allowed", 'quote values that contain ": ", or fix the indentation'),
    ("did not find expected key", "line up the keys of one mapping at the same indentation"),
    ("expected <block end>", "line up the keys of one mapping at the same indentation"),
    ("undefined alias", "define the anchor (&name) before the alias (*name) that uses it"),
    ("duplicate anchor", "give each anchor (&name) its own name"),
    ("quoted scalar", "close the quote"),
    ("flow sequence", "close the list with ]"),
    ("flow mapping", "close the mapping with }"),
)


def _syntax_error(error: yaml.MarkedYAMLError, text: str, file: str) -> Diagnostic:
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line, mark.column) if mark is not None else (0, 0)
    problem = error.problem or "invalid YAML"
    if "maximum nesting depth" in problem:
        return _too_deep(Span(file, line + 1, column + 1, line + 1, column + 2))
    lines = text.split("\n")
    source = lines[line] if line < len(lines) else ""
    indent = source[: len(source) - len(source.lstrip(" \t"))]
    char = source[column] if column < len(source) else ""
    if char == "\t" or "\t" in indent:
        column = column if char == "\t" else indent.index("\t")
        where = "in indentation" if column < len(indent) else "where YAML expects spaces"
        message = f"YAML syntax error: tab character {where}"
        hint = "indent with spaces; YAML does not allow tabs for indentation"
    elif char in ("@", "`"):
        message = f"YAML syntax error: a value cannot start with {char} unless it is quoted"
        hint = 'put the value in quotes, e.g. schedule: "@daily"'
    else:
        message = f"YAML syntax error: {problem}"
        context = error.context_mark
        if (
            error.context
            and context is not None
            and (context.line, context.column) != (line, column)
        ):
            message += f" ({error.context} at line {context.line + 1}, column {context.column + 1})"
        searched = f"{problem} {error.context or ''}"
        hint = next((h for key, h in _SYNTAX_HINTS if key in searched), _SYNTAX_HINT)
    return _diagnostic(
        "SCH002", message, Span(file, line + 1, column + 1, line + 1, column + 2), hint
    )


def _too_deep(span: Span) -> Diagnostic:
    return _diagnostic(
        "SCH008",
        "the document is nested too deeply",
        span,
        "flatten the structure; a catalogue needs only a few levels",
    )


def _diagnostic(code: str, message: str, span: Span, hint: str) -> Diagnostic:
    return Diagnostic(code, Severity.ERROR, message, span, hint)


# --- SCH004–SCH007: shape and schema --------------------------------------------------------


class _Checker:
    """Validates the built data against the pydantic models and resolves the valid jobs."""

    def __init__(self, source_map: SourceMap, path: Path) -> None:
        self.map = source_map
        self.path = path
        self.diagnostics: list[Diagnostic] = []

    def run(self, has_document: bool, data: object) -> tuple[Catalogue | None, frozenset[str]]:
        if not has_document or data is None:
            self.report(
                "SCH004",
                f"{self.map.file} is empty",
                Span(self.map.file, 1, 1),
                "start with `catalogue: <name>` and a `jobs:` mapping",
            )
            return None, frozenset()
        if not isinstance(data, dict):
            self.report(
                "SCH004",
                f"the top level must be a mapping (catalogue:, jobs:, ...), got {_kind(data)}",
                self.map.span(()),
                "start with `catalogue: <name>` and a `jobs:` mapping",
            )
            return None, frozenset()
        # `x-` keys at the top level are free for YAML anchors shared by jobs (as in Compose).
        spec = self.top_level({k: v for k, v in data.items() if k != "jobs" and not _extension(k)})
        checked = self.jobs(data.get("jobs"))
        if checked is None:
            return None, frozenset()
        specs, invalid = checked
        if spec is None:
            return None, invalid
        policy = resolve_policy(spec.policy)
        jobs = tuple(resolve_job(name, job, spec.defaults, policy) for name, job in specs)
        return Catalogue(spec.catalogue, self.path, policy, jobs), invalid

    def top_level(self, data: dict[Any, Any]) -> CatalogueSpec | None:
        try:
            return CatalogueSpec.model_validate(data)
        except ValidationError as error:
            errors = error.errors(include_url=False)
        for detail in errors:
            self.schema_error(detail, CatalogueSpec, (), None)
        # Unknown keys are reported, but need not keep the rest of the catalogue from loading.
        if any(detail["type"] != "extra_forbidden" for detail in errors):
            return None
        for detail in errors:
            data = _without(data, detail["loc"])
        try:
            return CatalogueSpec.model_validate(data)
        except ValidationError:
            return None

    def jobs(self, jobs: object) -> tuple[list[tuple[str, JobSpec]], frozenset[str]] | None:
        """The valid jobs and the names of invalid ones; None when `jobs` is no mapping."""
        if jobs is None:
            return [], frozenset()
        if not isinstance(jobs, dict):
            self.report(
                "SCH004",
                f"jobs must be a mapping of job names to their settings, got {_kind(jobs)}",
                self.map.span(("jobs",)),
                "write each job as `name:` indented under `jobs:`, with its settings below it",
            )
            return None
        specs: list[tuple[str, JobSpec]] = []
        invalid: set[str] = set()
        validate = JobSpec.model_validate
        for name, value in jobs.items():
            if not isinstance(name, str):
                invalid.add(_yaml_text(name))
                self.report(
                    "SCH006",
                    f"job name must be text, got {_show(name)}",
                    self.map.key_span(("jobs", name)),
                    f'put the name in quotes: "{_yaml_text(name)}":',
                )
                continue
            try:
                specs.append((name, validate(value)))
            except ValidationError as error:
                invalid.add(name)
                for detail in error.errors(include_url=False):
                    self.schema_error(detail, JobSpec, ("jobs", name), name)
        return specs, frozenset(invalid)

    def schema_error(
        self, detail: ErrorDetails, model: type[BaseModel], base: DataPath, job: str | None
    ) -> None:
        loc = tuple(detail["loc"])
        kind, value = detail["type"], detail.get("input")
        if kind == "extra_forbidden":
            key, owner = loc[-1], loc[:-1]
            valid = list(_model_at(model, owner).model_fields)
            close = difflib.get_close_matches(str(key), valid, n=1, cutoff=0.6)
            self.report(
                "SCH005",
                f'unknown key "{key}" in {_place(job, owner)}',
                self.map.key_span((*base, *loc)),
                f'did you mean "{close[0]}"?' if close else f"valid keys: {', '.join(valid)}",
            )
        elif kind == "missing":
            key, owner = loc[-1], loc[:-1]
            field = _model_at(model, owner).model_fields.get(str(key))
            described = f" ({field.description})" if field and field.description else ""
            self.report(
                "SCH007",
                f'{_place(job, owner)} is missing required key "{key}"',
                self.map.key_span((*base, *owner)),
                f"add `{key}: ...`{described}",
            )
        elif not loc and job is not None:
            self.report(
                "SCH006",
                f'job "{job}" must be a mapping of settings, got {_show(value)}',
                self.map.key_span(base),
                "indent its settings (schedule:, expected_runtime:, ...) below the job's name",
            )
        elif loc[-1] == "[key]":
            self.report(
                "SCH006",
                f"keys of {_dotted(loc[:-2])} must be text, got {_show(value)}",
                self.map.key_span((*base, *loc[:-1])),
                "put the key in quotes",
            )
        else:
            message, hint = _value_error(detail, _dotted(loc), value)
            self.report("SCH006", message, self.map.span((*base, *loc)), hint)

    def report(self, code: str, message: str, span: Span, hint: str) -> None:
        self.diagnostics.append(Diagnostic(code, Severity.ERROR, message, span, hint))


_EXPECTED = {
    "string_type": (
        "text",
        "put it in quotes; unquoted 3, 1.5, yes, no, on, off and null are not text",
    ),
    "int_type": ("an integer", "write a whole number without quotes, e.g. 256"),
    "float_type": ("a number", "write a number without quotes, e.g. 0.8"),
    "bool_type": ("true or false", "write true or false without quotes"),
    "dict_type": ("a mapping", "write `key: value` pairs indented below it, or {key: value}"),
    "model_type": ("a mapping", "write `key: value` pairs indented below it, or {key: value}"),
    "list_type": ("a list", "write [a, b], or one `- item` per line below it"),
}
_BOUNDS = {
    "greater_than_equal": ("ge", "at least"),
    "greater_than": ("gt", "greater than"),
    "less_than_equal": ("le", "at most"),
    "less_than": ("lt", "less than"),
}


def _value_error(detail: ErrorDetails, name: str, value: object) -> tuple[str, str]:
    kind, ctx = detail["type"], detail.get("ctx", {})
    if kind in _EXPECTED:
        expected, hint = _EXPECTED[kind]
        return f"{name} must be {expected}, got {_show(value)}", hint
    if kind == "enum":
        expected = str(ctx.get("expected", "")).replace("'", '"')
        return f"{name} must be {expected}, got {_show(value)}", f"use {expected}"
    if kind in _BOUNDS:
        key, words = _BOUNDS[kind]
        return f"{name} must be {words} {ctx.get(key)}, got {_show(value)}", (
            f"use a value {words} {ctx.get(key)}"
        )
    if kind == "too_short":
        least = ctx.get("min_length")
        return f"{name} must have at least {least} item(s), got {ctx.get('actual_length')}", (
            "add the missing item(s)"
        )
    if kind == "value_error":
        reason = str(ctx.get("error", detail["msg"]))
        if "duration" in reason:
            return (
                f"{name}: {reason.split(';', 1)[0]}",
                "write a duration like 90s, 5m, 1h30m or PT5M",
            )
        return f"{name}: {reason}", "fix the value"
    return f"{name}: {detail['msg']}", "fix the value"


def _model_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel]:
    for part in loc:
        field = model.model_fields.get(str(part))
        inner = _model_in(field.annotation) if field is not None else None
        if inner is None:
            break
        model = inner
    return model


def _model_in(annotation: object) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return next((m for a in get_args(annotation) if (m := _model_in(a)) is not None), None)


def _without(data: dict[Any, Any], loc: tuple[int | str, ...]) -> dict[Any, Any]:
    """A copy of `data` without the entry at `loc` (a path of mapping keys)."""
    copy = dict(data)
    if len(loc) == 1:
        copy.pop(loc[0], None)
    elif isinstance(copy.get(loc[0]), dict):
        copy[loc[0]] = _without(copy[loc[0]], loc[1:])
    return copy


def _place(job: str | None, owner: tuple[int | str, ...]) -> str:
    if job is not None:
        return f'job "{job}"' + (f" ({_dotted(owner)})" if owner else "")
    return _dotted(owner) if owner else "the top level"


def _dotted(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _kind(value: object) -> str:
    match value:
        case None:
            return "nothing"
        case dict():
            return "a mapping"
        case list():
            return "a list"
        case _:
            return f"the value {_show(value)}"


def _show(value: object) -> str:
    match value:
        case None | bool():
            return _yaml_text(value)
        case str():
            shown = json.dumps(value, ensure_ascii=False)
            return shown if len(shown) <= 40 else shown[:36] + '..."'
        case int() | float():
            return repr(value)
        case dict():
            return "a mapping"
        case list():
            return "a list"
        case bytes():
            return "binary data"
        case _:
            return type(value).__name__


def _yaml_text(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _extension(key: object) -> bool:
    return isinstance(key, str) and key.startswith("x-")
