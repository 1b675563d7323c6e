"""YAML node tree → plain Python data plus a `SourceMap` from data paths to exact spans.

Owns everything that needs the nodes' marks: YAML 1.1 safe scalar types, merge keys (`<<`),
duplicate keys (SCH003), unsupported tags and keys (SCH006) and the alias-expansion and nesting
limits that stop alias bombs (SCH008). Pure: text and nodes in, data and diagnostics out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass, field

from yaml.constructor import SafeConstructor
from yaml.error import Mark
from yaml.nodes import CollectionNode, MappingNode, Node, ScalarNode, SequenceNode

from scheduler.diagnostics import Diagnostic, Severity, Span, echo

DataPath = tuple[str | int, ...]
"""Where a value sits in the loaded data: mapping keys and sequence indexes from the top."""

MAX_DEPTH = 100
"""Deepest nesting of mappings and sequences accepted (a catalogue needs about five)."""

ALIAS_BASE_ALLOWANCE = 100_000
"""Aliases and merges may repeat this many nodes, plus `ALIAS_PER_NODE` per node written."""
ALIAS_PER_NODE = 2

_Key = tuple[object, ...]

_TAG = "tag:yaml.org,2002:"
_MAP, _SEQ, _MERGE = _TAG + "map", _TAG + "seq", _TAG + "merge"
_STR = _TAG + "str"
_SAFE = SafeConstructor()


def _int(node: ScalarNode) -> object:
    value = node.value
    if value.isascii() and value.isdecimal() and value[0] != "0":  # the usual; 0... is octal
        return int(value)
    return _SAFE.construct_yaml_int(node)


_SCALARS: dict[str, Callable[[ScalarNode], object]] = {
    _TAG + "null": lambda node: None,
    _TAG + "bool": _SAFE.construct_yaml_bool,
    _TAG + "int": _int,
    _TAG + "float": _SAFE.construct_yaml_float,
    _TAG + "binary": _SAFE.construct_yaml_binary,
    # Kept as written: a catalogue has no timestamp fields, and text is what a user means.
    _TAG + "timestamp": lambda node: node.value,
    _TAG + "value": lambda node: node.value,
    _MERGE: lambda node: node.value,
}


Region = tuple[int, int, int, int]
"""0-based start line and column, end line and column (exclusive) of a node in the text."""


@dataclass(frozen=True)
class SourceMap:
    """Spans of the values (and of the keys) of a loaded document, looked up by data path."""

    file: str
    _values: Mapping[_Key, Region] = field(default_factory=dict, repr=False, compare=False)
    _keys: Mapping[_Key, Region] = field(default_factory=dict, repr=False, compare=False)

    def span(self, path: DataPath) -> Span:
        """The value at `path`, or its nearest existing ancestor; `()` is the whole document."""
        for size in range(len(path), -1, -1):
            region = self._values.get(path[:size])
            if region is not None:
                return _span(self.file, region)
        return Span(self.file, 1, 1)

    def has(self, path: DataPath) -> bool:
        """Whether the document itself holds a value at `path` (defaults applied later do not)."""
        return path in self._values

    def key_span(self, path: DataPath) -> Span:
        """The key of the mapping entry at `path`; `span(path)` when it is no mapping entry."""
        region = self._keys.get(path)
        return _span(self.file, region) if region is not None else self.span(path)

    def moved(self, moves: Iterable[tuple[DataPath, DataPath]]) -> SourceMap:
        """This map, with the spans written at each pair's first path found at its second (an
        environment's override, at the place in the merged data it overrides)."""
        values, keys = dict(self._values), dict(self._keys)
        for source, target in moves:
            if (value := self._values.get(source)) is not None:
                values[target] = value
            if (key := self._keys.get(source)) is not None:
                keys[target] = key
        return SourceMap(self.file, values, keys)


def _span(file: str, region: Region) -> Span:
    line, column, end_line, end_column = region
    return Span(file, line + 1, column + 1, end_line + 1, end_column + 1)


def node_span(file: str, text: str, node: Node) -> Span:
    """1-based start of `node`; the end is the column just after its last character."""
    return _span(file, region(node, text))


def region(node: Node, text: str) -> Region:
    """Where `node` is written; a block node ends at its last character, not at the next token."""
    start = node.start_mark
    end = _end(node, text)
    return start.line, start.column, end[0], end[1]


def _end(node: Node, text: str) -> tuple[int, int]:
    # A block collection's end mark sits on the next token (after blank lines and comments),
    # so its end is the end of its last entry; a block scalar's end mark includes line breaks.
    current = node
    while isinstance(current, CollectionNode) and not current.flow_style and current.value:
        if isinstance(current, MappingNode):
            key, child = current.value[-1]
            floor = key.start_mark.index
        else:
            child = current.value[-1]
            floor = current.value[-2].start_mark.index if len(current.value) > 1 else -1
            floor = max(floor, current.start_mark.index)
        if child.start_mark.index < floor:  # an alias to a node written earlier
            return (
                _line_end(key.end_mark, text)
                if isinstance(current, MappingNode)
                else (_trimmed(current, text))
            )
        current = child
    if isinstance(current, CollectionNode) and not current.flow_style:
        return _trimmed(current, text)
    if isinstance(current, ScalarNode) and current.style in _BLOCK_STYLES:
        return _trimmed(current, text)
    return current.end_mark.line, current.end_mark.column


_BLOCK_STYLES = ("|", ">")


def _line_end(mark: Mark, text: str) -> tuple[int, int]:
    """The end of what is written on `mark`'s line after it (an alias), before any comment."""
    newline = text.find("\n", mark.index)
    rest = text[mark.index : newline if newline >= 0 else len(text)]
    content = _COMMENT.sub("", rest).rstrip()
    return mark.line, mark.column + len(content)


_COMMENT = re.compile(r"(^|\s)#.*$")


def _trimmed(node: Node, text: str) -> tuple[int, int]:
    end, low = node.end_mark.index, node.start_mark.index
    index = end
    while index > low and text[index - 1] in " \t\r\n":
        index -= 1
    line = node.end_mark.line - text.count("\n", index, end)
    return line, index - (text.rfind("\n", 0, index) + 1)


@dataclass(frozen=True)
class Tree:
    """The data built from a document; `data` is None when a limit stopped the build."""

    data: object
    source_map: SourceMap
    diagnostics: tuple[Diagnostic, ...]


class _Stop(Exception):
    """Aborts a build that hit a limit; carries the one diagnostic that explains it."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(diagnostic.message)
        self.diagnostic = diagnostic


_Entries = dict[Hashable, tuple[Node, Node]]


class _Builder:
    """One walk over a node tree; counts repeated nodes so that aliases cannot explode."""

    def __init__(self, file: str, text: str) -> None:
        self.file, self.text = file, text
        self.values: dict[_Key, Region] = {}
        self.keys: dict[_Key, Region] = {}
        self.diagnostics: dict[tuple[str, Span, str], Diagnostic] = {}
        self.seen: set[int] = set()
        self.active: set[int] = set()
        self.flattening: set[int] = set()
        self.flattened: dict[int, _Entries] = {}
        self.expanded = 0
        self.expanding = 0
        self.expansion_path: _Key = ()

    def report(self, code: str, node: Node, message: str, hint: str) -> None:
        span = node_span(self.file, self.text, node)
        self.diagnostics[(code, span, message)] = Diagnostic(
            code, Severity.ERROR, message, span, hint
        )

    def stop(self, node: Node, path: _Key, message: str, hint: str) -> _Stop:
        """Stop at the key nearest to `path` (an alias use has no node of its own)."""
        at = next(
            (self.keys[path[:n]] for n in range(len(path), 0, -1) if path[:n] in self.keys), None
        )
        span = _span(self.file, at) if at is not None else node_span(self.file, self.text, node)
        return _Stop(Diagnostic("SCH008", Severity.ERROR, message, span, hint))

    def build(self, node: Node, path: _Key, depth: int) -> object:
        identity = id(node)
        repeated = identity in self.seen
        if repeated:
            self.expanded += 1
            if not self.expanding:
                self.expansion_path = path
            limit = ALIAS_BASE_ALLOWANCE + ALIAS_PER_NODE * len(self.seen)
            if self.expanded > limit:
                raise self.stop(
                    node,
                    self.expansion_path,
                    f"aliases expand to more than {limit:,} repeated values",
                    "this looks like an alias bomb; use fewer nested aliases (*name)",
                )
        else:
            self.seen.add(identity)
        if type(node) is ScalarNode:
            return self.scalar_at(node, path)
        assert isinstance(node, CollectionNode)
        self.values[path] = region(node, self.text)
        if depth >= MAX_DEPTH:
            raise self.stop(
                node,
                path,
                f"the document is nested more than {MAX_DEPTH} levels deep",
                "flatten the structure; a catalogue needs only a few levels",
            )
        if identity in self.active:
            raise self.stop(
                node,
                path,
                "an alias refers to a mapping or list that contains it",
                "an alias (*name) cannot be used inside its own anchor (&name)",
            )
        self.active.add(identity)
        self.expanding += repeated
        try:
            if node.tag not in (_MAP, _SEQ):
                self.unsupported_tag(node)
            if isinstance(node, MappingNode):
                return self.mapping(node, path, depth)
            assert isinstance(node, SequenceNode)
            return [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        finally:
            self.expanding -= repeated
            self.active.discard(identity)

    def scalar_at(self, node: ScalarNode, path: _Key) -> object:
        """A scalar's value, its span recorded at `path`."""
        if node.style in _BLOCK_STYLES:
            self.values[path] = region(node, self.text)
        else:
            start, end = node.start_mark, node.end_mark
            self.values[path] = (start.line, start.column, end.line, end.column)
        return node.value if node.tag == _STR else self.scalar(node)

    def scalar(self, node: ScalarNode) -> object:
        convert = _SCALARS.get(node.tag)
        if convert is None:
            self.unsupported_tag(node)
            return node.value
        try:
            return convert(node)
        except Exception:  # an explicit tag the value does not fit: the user's error, not ours
            self.report(
                "SCH006",
                node,
                f"{echo(str(node.value))} is not a valid !!{node.tag.removeprefix(_TAG)}",
                "remove the explicit tag (!!...) or fix the value",
            )
            return node.value

    def unsupported_tag(self, node: Node) -> None:
        tag = "!!" + node.tag.removeprefix(_TAG) if node.tag.startswith(_TAG) else node.tag
        self.report(
            "SCH006",
            node,
            f"unsupported YAML tag {tag}",
            "remove the tag; a catalogue holds plain text, numbers, booleans, lists and mappings",
        )

    def mapping(self, node: MappingNode, path: _Key, depth: int) -> dict[Hashable, object]:
        result: dict[Hashable, object] = {}
        for key, (key_node, value_node) in self.entries(node, path).items():
            entry = (*path, key)
            start, end = key_node.start_mark, key_node.end_mark
            self.keys[entry] = (start.line, start.column, end.line, end.column)
            result[key] = self.build(value_node, entry, depth + 1)
        return result

    def entries(self, node: MappingNode, path: _Key) -> _Entries:
        """Explicit entries (the last of duplicates wins), then merged ones they do not override."""
        identity = id(node)
        cached = self.flattened.get(identity)
        if cached is not None:
            return cached
        if identity in self.flattening:
            raise self.stop(
                node,
                path,
                "a merge key (<<) refers to a mapping that contains it",
                "an alias (*name) cannot be merged into its own anchor (&name)",
            )
        self.flattening.add(identity)
        try:
            explicit: _Entries = {}
            merges: list[tuple[Node, Node]] = []
            for key_node, value_node in node.value:
                if type(key_node) is ScalarNode and key_node.tag == _STR:
                    key = key_node.value
                elif key_node.tag == _MERGE and type(key_node) is ScalarNode:
                    if merges:
                        self.duplicate(key_node, merges[0][0], "<<")
                    merges.append((key_node, value_node))
                    continue
                else:
                    key = self.key(key_node)
                    if key is _INVALID_KEY:
                        continue
                if key in explicit:
                    self.duplicate(key_node, self.first_key(node, key), key)
                explicit[key] = (key_node, value_node)
            for _, merged in merges:
                for source in self.merge_sources(merged):
                    for key, entry in self.entries(source, path).items():
                        explicit.setdefault(key, entry)
        finally:
            self.flattening.discard(identity)
        self.flattened[identity] = explicit
        return explicit

    def merge_sources(self, node: Node) -> list[MappingNode]:
        if isinstance(node, MappingNode):
            return [node]
        if isinstance(node, SequenceNode) and all(isinstance(n, MappingNode) for n in node.value):
            return [n for n in node.value if isinstance(n, MappingNode)]
        self.report(
            "SCH006",
            node,
            "a merge key (<<) must be followed by a mapping or a list of mappings",
            "write `<<: *name` where `&name` marks a mapping",
        )
        return []

    def duplicate(self, second: Node, first: Node, key: object) -> None:
        self.report(
            "SCH003",
            second,
            f"duplicate key {_show_key(key)} (first on line {first.start_mark.line + 1})",
            "remove one of them; only the last one is used",
        )

    def first_key(self, node: MappingNode, key: Hashable) -> Node:
        """The first key node of `node` equal to `key` (only called for duplicates)."""
        for key_node, _ in node.value:
            if (
                type(key_node) is ScalarNode
                and key_node.tag != _MERGE
                and self.key(key_node) == key
            ):
                return key_node
        raise AssertionError(f"no key {key!r}")  # pragma: no cover - only called for duplicates

    def key(self, node: Node) -> Hashable:
        if type(node) is ScalarNode:
            value = node.value if node.tag == _STR else self.scalar(node)
            if isinstance(value, Hashable):
                return value
        self.report(
            "SCH006",
            node,
            "a mapping key must be a plain value, not a list or mapping",
            "use text as the key",
        )
        return _INVALID_KEY


_INVALID_KEY = object()


def _show_key(key: object) -> str:
    return echo(key) if isinstance(key, str) else echo(repr(key), str)


class _Irregular(Exception):
    """A mapping `_PlainBuilder` leaves to `_Builder`: a duplicate, merge or non-text key."""


class _PlainBuilder(_Builder):
    """The walk of a text without `&`. An alias needs an anchor, and only an alias reaches a node
    twice, so the alias bookkeeping goes. Mappings are walked in one pass, which is right only
    when every key is distinct text: a mapping that is not, or a limit reached (a duplicate
    written earlier could have hidden it), raises `_Irregular` and `build` walks it all again."""

    def build(self, node: Node, path: _Key, depth: int) -> object:
        if type(node) is ScalarNode:
            return self.scalar_at(node, path)
        assert isinstance(node, CollectionNode)
        if depth >= MAX_DEPTH:
            raise _Irregular
        if node.tag not in (_MAP, _SEQ):
            self.unsupported_tag(node)
        if isinstance(node, MappingNode):
            data: object = self.mapping(node, path, depth)
        else:
            data = [self.build(item, (*path, i), depth + 1) for i, item in enumerate(node.value)]
        if node.flow_style or not node.value:
            self.values[path] = region(node, self.text)
        else:  # a block collection ends where its last entry does (`_end`), known by now
            last = node.value[-1][0].value if isinstance(node, MappingNode) else len(node.value) - 1
            start = node.start_mark
            self.values[path] = (start.line, start.column, *self.values[(*path, last)][2:])
        return data

    def mapping(self, node: MappingNode, path: _Key, depth: int) -> dict[Hashable, object]:
        result: dict[Hashable, object] = {}
        values, keys = self.values, self.keys
        for key_node, value_node in node.value:
            if type(key_node) is not ScalarNode or key_node.tag != _STR:
                raise _Irregular
            key = key_node.value
            entry = (*path, key)
            start, end = key_node.start_mark, key_node.end_mark
            keys[entry] = (start.line, start.column, end.line, end.column)
            if type(value_node) is ScalarNode and value_node.style not in _BLOCK_STYLES:
                start, end = value_node.start_mark, value_node.end_mark
                values[entry] = (start.line, start.column, end.line, end.column)
                tag = value_node.tag
                result[key] = value_node.value if tag == _STR else self.scalar(value_node)
            else:
                result[key] = self.build(value_node, entry, depth + 1)
        if len(result) != len(node.value):
            raise _Irregular
        return result


def build(root: Node | None, text: str, file: str) -> Tree:
    """Build plain data from `root` (None for an empty document), recording every span."""
    if root is not None and "&" not in text:
        plain = _PlainBuilder(file, text)
        try:
            return _tree(plain, plain.build(root, (), 0), ())
        except _Irregular:
            pass
    builder = _Builder(file, text)
    data: object = None
    stopped: tuple[Diagnostic, ...] = ()
    if root is not None:
        try:
            data = builder.build(root, (), 0)
        except _Stop as stop:
            stopped = (stop.diagnostic,)
    return _tree(builder, data, stopped)


def _tree(builder: _Builder, data: object, stopped: tuple[Diagnostic, ...]) -> Tree:
    source_map = SourceMap(builder.file, builder.values, builder.keys)
    return Tree(data, source_map, (*builder.diagnostics.values(), *stopped))
