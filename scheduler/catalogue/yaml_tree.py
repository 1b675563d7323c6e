"""Composing catalogue text into a YAML node tree: the first document's root node, if any.

Owns which parser composes (libyaml when present, else pure Python, both reporting alike), YAML
syntax errors with a hint for the usual mistakes (SCH002), a second document (SCH004) and nesting
too deep for the parser (SCH008). Turning the nodes into data is `source_map.py`'s job.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any, Protocol

import yaml
from yaml.nodes import Node, ScalarNode, SequenceNode

from scheduler.diagnostics import Diagnostic, Severity, Span


class _Composer(Protocol):
    def check_node(self) -> bool: ...
    def get_node(self) -> Node | None: ...
    def dispose(self) -> None: ...


ComposerFactory = Callable[[str], _Composer]


def _quick(loader: type[yaml.SafeLoader] | type[yaml.CSafeLoader]) -> ComposerFactory:
    """`loader`, resolving each plain scalar's tag as it does, with fewer Python calls per node:
    the resolvers of a value's first character are listed once (PyYAML's `resolve` joins two
    lists for every scalar), each loader remembers the tags it resolved (a catalogue repeats its
    keys and most values), and the path resolver hooks called around every node do nothing."""
    if loader.yaml_path_resolvers:  # none in the safe loaders; the general case stays theirs
        return loader
    implicit = loader.yaml_implicit_resolvers
    anywhere = implicit.get(None, [])
    by_first: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {
        key: (*found, *anywhere) for key, found in implicit.items() if key is not None
    }
    otherwise: tuple[tuple[str, re.Pattern[str]], ...] = tuple(anywhere)
    scalar, sequence = loader.DEFAULT_SCALAR_TAG, loader.DEFAULT_SEQUENCE_TAG
    mapping = loader.DEFAULT_MAPPING_TAG

    def resolve(kind: type[Node], value: str, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            if implicit[0]:
                for tag, pattern in by_first.get(value[:1], otherwise):
                    if pattern.match(value):
                        return tag
            return scalar
        return sequence if kind is SequenceNode else mapping

    def __init__(self: Any, stream: str) -> None:
        loader.__init__(self, stream)
        # An instance attribute, so that libyaml's composer calls the C cache directly: a
        # repeated (kind, value, implicit) costs no Python call. The cache dies with the loader.
        self.resolve = functools.lru_cache(maxsize=None)(resolve)

    # Builtins that take the hooks' arguments and do nothing, again without a Python call.
    hooks = {"descend_resolver": staticmethod({}.get), "ascend_resolver": staticmethod(int)}
    quick: ComposerFactory = type(
        f"Quick{loader.__name__}", (loader,), {"__init__": __init__, **hooks}
    )
    return quick


COMPOSER: ComposerFactory = _quick(yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader)


_DOCUMENT_START = re.compile(r"^---(?=[ \t\r\n]|$)", re.MULTILINE)


def compose(
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
