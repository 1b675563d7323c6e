"""The local data file: `local-data.yaml` beside the catalogue declares what the local AWS starts
with (S3 buckets and objects, DynamoDB tables and items, SSM parameters, Secrets Manager secrets).
Reads and checks it into frozen `LocalData`, or raises `LocalDataInvalid` naming every problem at
its line, with what to do. Standard library and PyYAML only: `data.py` loads it into moto.
"""

from __future__ import annotations

import difflib
import ipaddress
import json
import math
import os
import re
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Literal, TypeVar, assert_never

from scheduler import limits
from scheduler.catalogue.read import MAX_FILE_BYTES, decode, read
from scheduler.catalogue.source_map import DataPath, SourceMap, build
from scheduler.catalogue.yaml_tree import COMPOSER, compose
from scheduler.diagnostics import Diagnostic, Span
from scheduler.errors import LocalDataInvalid

LOCAL_DATA_FILE = "local-data.yaml"
LOCAL_DATA_FOLDER = "local-data"
"""The folder beside the file that `{file: PATH}` objects are read from."""

KeyType = Literal["S", "N", "B"]
_KEY_WORDS = {"S": "text", "N": "a number", "B": "binary"}
_SECTIONS = ("buckets", "tables", "parameters", "secrets")
_SECTION_WHAT = {
    "buckets": "bucket names to their objects",
    "tables": "table names to their key and items",
    "parameters": "parameter names to their values",
    "secrets": "secret names to their values",
}
_FORMAT_HINT = "see local-data.yaml in the README"
_T = TypeVar("_T")


@dataclass(frozen=True)
class S3Object:
    key: str
    body: bytes
    where: Span


@dataclass(frozen=True)
class Bucket:
    name: str
    objects: tuple[S3Object, ...]
    where: Span


@dataclass(frozen=True)
class KeyAttribute:
    name: str
    type: KeyType


@dataclass(frozen=True)
class Item:
    attributes: Mapping[str, object]
    where: Span


@dataclass(frozen=True)
class Table:
    name: str
    key: tuple[KeyAttribute, ...]
    """The partition key, then the sort key if there is one."""
    items: tuple[Item, ...]
    where: Span


@dataclass(frozen=True)
class Parameter:
    name: str
    value: str
    secure: bool
    where: Span

    @property
    def type(self) -> Literal["String", "SecureString"]:
        return "SecureString" if self.secure else "String"


@dataclass(frozen=True)
class Secret:
    name: str
    value: str
    """The SecretString: text as written, a mapping or list as JSON."""
    where: Span


@dataclass(frozen=True)
class LocalData:
    """Everything a local data file declares, in the order it is written."""

    file: str
    buckets: tuple[Bucket, ...] = ()
    tables: tuple[Table, ...] = ()
    parameters: tuple[Parameter, ...] = ()
    secrets: tuple[Secret, ...] = ()

    def summary(self) -> str:
        """`2 buckets (3 objects), 1 table (2 items), 1 parameter, 1 secret`; `nothing`."""
        parts = []
        if self.buckets:
            objects = sum(len(b.objects) for b in self.buckets)
            parts.append(f"{_count(len(self.buckets), 'bucket')} ({_count(objects, 'object')})")
        if self.tables:
            items = sum(len(t.items) for t in self.tables)
            parts.append(f"{_count(len(self.tables), 'table')} ({_count(items, 'item')})")
        if self.parameters:
            parts.append(_count(len(self.parameters), "parameter"))
        if self.secrets:
            parts.append(_count(len(self.secrets), "secret"))
        return ", ".join(parts) or "nothing"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"


def data_file_beside(catalogue_path: Path) -> Path:
    """Where the local data of the catalogue at `catalogue_path` is declared."""
    return catalogue_path.parent / LOCAL_DATA_FILE


def read_local_data(path: Path) -> LocalData | None:
    """The data declared in the file at `path`; None when there is no such file. It is read as
    the catalogue is (`catalogue.read`): a link out of its folder is refused unread (the local
    data can hold local secrets, and messages reach CI logs), and a pipe or device is never
    opened."""
    file = os.fspath(path)
    if not os.path.lexists(file):
        return None
    if os.path.isdir(file):
        raise _invalid(file, f"{file} is a directory", "local data is one YAML file")
    if os.path.isfile(file) and not os.path.islink(file) and os.path.getsize(file) > MAX_FILE_BYTES:
        raise _too_large(file, os.path.getsize(file))
    data = read(path)
    if isinstance(data, Diagnostic):
        raise LocalDataInvalid(file, [_from_diagnostic(data)])
    return parse_local_data(data, file, path.parent / LOCAL_DATA_FOLDER)


def parse_local_data(data: str | bytes, file: str, folder: Path) -> LocalData:
    """Check the text of a local data file named `file`; `{file: PATH}` objects are read from
    `folder`. Raises `LocalDataInvalid` with every problem found."""
    if len(data) > MAX_FILE_BYTES:
        raise _too_large(file, len(data))
    text = decode(data, file)
    if isinstance(text, Diagnostic):
        raise LocalDataInvalid(file, [_from_diagnostic(text)])
    root, parsed, found = compose(text, file, COMPOSER)
    tree = build(root, text, file)
    problems = [
        _from_diagnostic(d) for d in sorted((*found, *tree.diagnostics), key=Diagnostic.sort_key)
    ]
    if not parsed or any(d.code == "SCH008" for d in tree.diagnostics):
        raise LocalDataInvalid(file, problems)
    checker = _Checker(file, tree.source_map, folder)
    result = checker.run(tree.data)
    problems.extend(checker.problems)
    if problems:
        raise LocalDataInvalid(file, problems)
    return result


def _too_large(file: str, size: int) -> LocalDataInvalid:
    return _invalid(
        file,
        f"{file} is {size / 1024 / 1024:.1f} MB; a local data file is limited to "
        f"{MAX_FILE_BYTES // 1024 // 1024} MB",
        f"put large objects in files under {LOCAL_DATA_FOLDER}/ and name them with {{file: PATH}}",
    )


def _from_diagnostic(diagnostic: Diagnostic) -> tuple[str, str]:
    return f"{diagnostic.span}: {diagnostic.message}", diagnostic.hint


def _invalid(file: str, message: str, hint: str) -> LocalDataInvalid:
    return LocalDataInvalid(file, [(f"{Span(file)}: {message}", hint)])


@dataclass
class _Checker:
    """One pass over the loaded data; collects every problem rather than stopping at the first."""

    file: str
    source_map: SourceMap
    folder: Path
    problems: list[tuple[str, str]] = field(default_factory=list)

    def report(self, span: Span, message: str, hint: str) -> None:
        self.problems.append((f"{span}: {message}", hint))

    def at(self, path: DataPath, message: str, hint: str) -> None:
        self.report(self.source_map.span(path), message, hint)

    def at_key(self, path: DataPath, message: str, hint: str) -> None:
        self.report(self.source_map.key_span(path), message, hint)

    def run(self, data: object) -> LocalData:
        if data is None:
            return LocalData(self.file)
        if not isinstance(data, dict):
            self.at(
                (),
                "a local data file is a mapping with buckets, tables, parameters and secrets",
                f"start a line with `buckets:`, `tables:`, `parameters:` or `secrets:`; "
                f"{_FORMAT_HINT}",
            )
            return LocalData(self.file)
        for key in data:
            if key not in _SECTIONS:
                self.unknown((key,), key, "a local data file", _SECTIONS)
        return LocalData(
            self.file,
            buckets=tuple(self.each("buckets", data, self.bucket)),
            tables=tuple(self.each("tables", data, self.table)),
            parameters=tuple(self.each("parameters", data, self.parameter)),
            secrets=tuple(self.each("secrets", data, self.secret)),
        )

    def unknown(self, path: DataPath, key: Hashable, where: str, known: tuple[str, ...]) -> None:
        close = difflib.get_close_matches(str(key), known, n=1)
        options = ", ".join(known[:-1]) + f" or {known[-1]}" if len(known) > 1 else known[0]
        hint = f"did you mean {close[0]}?" if close else f"use {options}"
        self.at_key(path, f"unknown key {_show(key)} in {where}", hint)

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
                f"{section} must be a mapping of {_SECTION_WHAT[section]}",
                _FORMAT_HINT,
            )
            return []
        found = []
        for name, value in entries.items():
            path = (section, _path_key(name))
            if not isinstance(name, str):
                self.at_key(
                    path, f"{section[:-1]} name {_show(name)} must be text", f'quote it: "{name}"'
                )
                continue
            checked = check(name, value, path)
            if checked is not None:
                found.append(checked)
        return found

    # ---- buckets --------------------------------------------------------------------------

    def bucket(self, name: str, value: object, path: DataPath) -> Bucket | None:
        why = _bucket_name_problem(name)
        if why is not None:
            self.at_key(
                path, f'bucket "{name}" is not a name S3 accepts: {why}', _bucket_hint(name)
            )
        if value is None:
            value = {}
        if not isinstance(value, dict):
            self.at(
                path,
                f'bucket "{name}" must be a mapping of object keys to their content',
                "write `{}` for an empty bucket, or one `key: content` line per object",
            )
            return None
        objects = []
        for key, content in value.items():
            checked = self.s3_object(name, key, content, (*path, _path_key(key)))
            if checked is not None:
                objects.append(checked)
        return Bucket(name, tuple(objects), self.source_map.key_span(path))

    def s3_object(
        self, bucket: str, key: object, content: object, path: DataPath
    ) -> S3Object | None:
        if not isinstance(key, str):
            self.at_key(
                path,
                f'bucket "{bucket}": object key {_show(key)} must be text',
                f'quote it: "{key}"',
            )
            return None
        what = f'bucket "{bucket}", object "{key}"'
        size = len(key.encode())
        if not key or size > limits.S3_OBJECT_KEY_MAX_BYTES:
            self.at_key(
                path,
                f"{what}: the key is {size} bytes long; S3 keys are 1 to "
                f"{limits.S3_OBJECT_KEY_MAX_BYTES} bytes",
                "give the object a shorter key",
            )
            return None
        body = self.content(what, content, path)
        return None if body is None else S3Object(key, body, self.source_map.key_span(path))

    def content(self, what: str, content: object, path: DataPath) -> bytes | None:
        if isinstance(content, str):
            return content.encode()
        if isinstance(content, bytes):  # !!binary
            return content
        if isinstance(content, dict) and set(content) == {"file"}:
            return self.file_content(what, content["file"], (*path, "file"))
        if isinstance(content, dict):
            for key in content:
                if key != "file":
                    self.unknown((*path, _path_key(key)), key, what, ("file",))
            if "file" not in content:
                self.at(path, f"{what}: say which file holds it", "write {file: PATH}")
            return None
        self.at(
            path,
            f"{what}: the content must be text or {{file: PATH}}, not {_kind(content)}",
            f"write the text (quoted, or as a `|` block), or name a file under "
            f"{LOCAL_DATA_FOLDER}/ with {{file: PATH}}",
        )
        return None

    def file_content(self, what: str, name: object, path: DataPath) -> bytes | None:
        shown = f"{LOCAL_DATA_FOLDER}/{name}"
        relative = PurePosixPath(str(name)) if isinstance(name, str) and name else None
        if relative is None:
            self.at(path, f"{what}: file must be a path", f"a path under {LOCAL_DATA_FOLDER}/")
            return None
        if relative.is_absolute() or ".." in relative.parts:
            self.at(
                path,
                f"{what}: file {name} is not under {LOCAL_DATA_FOLDER}/",
                f"put the file in {LOCAL_DATA_FOLDER}/ beside {Path(self.file).name} and give "
                "its path from there",
            )
            return None
        full = self.folder.joinpath(*relative.parts)
        if not full.is_file():
            self.at(
                path,
                f"{what}: file {shown} does not exist",
                f"create it, or fix the path (it is read from {LOCAL_DATA_FOLDER}/ beside "
                f"{Path(self.file).name})",
            )
            return None
        try:
            return full.read_bytes()
        except OSError as error:
            reason = error.strerror or type(error).__name__
            self.at(path, f"{what}: file {shown} cannot be read: {reason}", "check the file")
            return None

    # ---- tables ---------------------------------------------------------------------------

    def table(self, name: str, value: object, path: DataPath) -> Table | None:
        what = f'table "{name}"'
        why = _table_name_problem(name)
        if why is not None:
            self.at_key(
                path,
                f"{what} is not a name DynamoDB accepts: {why}",
                f"use {limits.DYNAMODB_TABLE_NAME_MIN}-{limits.DYNAMODB_TABLE_NAME_MAX} "
                "letters, digits, _, . and -",
            )
        if value is None:
            value = {}
        if not isinstance(value, dict):
            self.at(path, f"{what} must be a mapping with key and items", _KEY_HINT)
            return None
        for extra in value:
            if extra not in ("key", "items"):
                self.unknown((*path, _path_key(extra)), extra, what, ("key", "items"))
        key = self.key_schema(what, value, path)
        items = self.items(what, value.get("items"), (*path, "items"), key)
        if key is None or items is None:
            return None
        return Table(name, key, items, self.source_map.key_span(path))

    def key_schema(
        self, what: str, value: dict[Hashable, object], path: DataPath
    ) -> tuple[KeyAttribute, ...] | None:
        if "key" not in value:
            self.at_key(path, f"{what} has no key", _KEY_HINT)
            return None
        schema, where = value["key"], (*path, "key")
        if not isinstance(schema, dict) or not schema:
            self.at(where, f"{what}: key must map its attribute names to their types", _KEY_HINT)
            return None
        if len(schema) > limits.DYNAMODB_KEY_ATTRIBUTES_MAX:
            self.at(
                where,
                f"{what}: key has {len(schema)} attributes; a DynamoDB key has a partition key "
                "and at most one sort key",
                _KEY_HINT,
            )
            return None
        found = []
        for attribute, kind in schema.items():
            at = (*where, _path_key(attribute))
            if not isinstance(attribute, str) or not attribute:
                self.at_key(at, f"{what}: key attribute {_show(attribute)} must be text", _KEY_HINT)
            elif kind not in limits.DYNAMODB_KEY_TYPES:
                self.at(
                    at,
                    f'{what}: key attribute "{attribute}" has type {_show(kind)}; DynamoDB key '
                    "types are S, N and B",
                    f"write `{attribute}: S` for text, N for a number, B for binary",
                )
            else:
                found.append(KeyAttribute(attribute, kind))
        return tuple(found) if len(found) == len(schema) else None

    def items(
        self,
        what: str,
        value: object,
        path: DataPath,
        key: tuple[KeyAttribute, ...] | None,
    ) -> tuple[Item, ...] | None:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.at(
                path,
                f"{what}: items must be a list, one mapping per item",
                'write each item on its own line: `- {id: "1001", total: 42}`',
            )
            return None
        found: list[Item] = []
        seen: dict[tuple[object, ...], int] = {}
        for index, attributes in enumerate(value):
            item = self.item(what, index, attributes, (*path, index), key)
            if item is None:
                continue
            found.append(item)
            if key is not None:
                identity = tuple(item.attributes[k.name] for k in key)
                first = seen.setdefault(identity, index)
                if first != index:
                    shown = ", ".join(f"{k.name} {_show(item.attributes[k.name])}" for k in key)
                    self.at(
                        (*path, index),
                        f"{what}: item {index + 1} has the same key as item {first + 1} ({shown})",
                        "give each item its own key; the later item would replace the earlier",
                    )
        return tuple(found) if len(found) == len(value) else None

    def item(
        self,
        what: str,
        index: int,
        attributes: object,
        path: DataPath,
        key: tuple[KeyAttribute, ...] | None,
    ) -> Item | None:
        which = f"{what}: item {index + 1}"
        if not isinstance(attributes, dict):
            self.at(
                path,
                f"{which} must be a mapping of attribute names to values, not {_kind(attributes)}",
                'write it as `- {id: "1001", total: 42}`',
            )
            return None
        fine = True
        for name, value in attributes.items():
            at = (*path, _path_key(name))
            if not isinstance(name, str) or not name:
                self.at_key(at, f"{which}: attribute name {_show(name)} must be text", "quote it")
                fine = False
                continue
            why = _attribute_value_problem(value)
            if why is not None:
                self.at(at, f'{which}, attribute "{name}": {why}', "fix the value")
                fine = False
        for position, attribute in enumerate(key or ()):
            role = "partition key" if position == 0 else "sort key"
            word = _KEY_WORDS[attribute.type]
            if attribute.name not in attributes:
                self.at(
                    path,
                    f'{which} has no "{attribute.name}", its {role}',
                    f"give every item its key: {attribute.name} ({word})",
                )
                fine = False
                continue
            value, at = attributes[attribute.name], (*path, attribute.name)
            if not _is_key_type(value, attribute.type):
                self.at(
                    at,
                    f'{which}: "{attribute.name}" is {_kind(value)}; the {role} is '
                    f"{attribute.type} ({word})",
                    _key_value_hint(value, attribute.type),
                )
                fine = False
            elif value in ("", b""):
                self.at(
                    at,
                    f'{which}: "{attribute.name}" is empty; DynamoDB refuses empty key values',
                    "give it a value",
                )
                fine = False
        if not fine:
            return None
        return Item({str(k): v for k, v in attributes.items()}, self.source_map.span(path))

    # ---- parameters and secrets -----------------------------------------------------------

    def parameter(self, name: str, value: object, path: DataPath) -> Parameter | None:
        what = f'parameter "{name}"'
        why = _parameter_name_problem(name)
        if why is not None:
            self.at_key(
                path,
                f"{what} is not a name SSM accepts: {why}",
                "use letters, digits and _ . - / (a path like /acme-ops/db/host)",
            )
        secure, at = False, path
        if isinstance(value, dict):
            for extra in value:
                if extra not in ("value", "type"):
                    self.unknown((*path, _path_key(extra)), extra, what, ("value", "type"))
            kind = value.get("type", "String")
            if kind not in ("String", "SecureString"):
                self.at(
                    (*path, "type"),
                    f"{what}: type {_show(kind)} is not String or SecureString",
                    "write type: SecureString for a secret value, or leave type out",
                )
                return None
            if "value" not in value:
                self.at(path, f"{what} has no value", "add value: ...")
                return None
            secure, at, value = kind == "SecureString", (*path, "value"), value["value"]
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.at(
                at,
                f"{what}: the value must be text, not {_kind(value)}",
                'quote it ("..."), or write {value: ..., type: SecureString}',
            )
            return None
        if not value or len(value) > limits.SSM_PARAMETER_VALUE_MAX:
            self.at(
                at,
                f"{what}: the value is {len(value)} characters long; SSM takes 1 to "
                f"{limits.SSM_PARAMETER_VALUE_MAX}",
                "give it a value that fits",
            )
            return None
        if why is not None:
            return None
        return Parameter(name, value, secure, self.source_map.key_span(path))

    def secret(self, name: str, value: object, path: DataPath) -> Secret | None:
        what = f'secret "{name}"'
        why = _name_problem(name, 1, limits.SECRET_NAME_MAX, limits.SECRET_NAME_CHARACTERS)
        if why is not None:
            self.at_key(
                path,
                f"{what} is not a name Secrets Manager accepts: {why}",
                f"use 1-{limits.SECRET_NAME_MAX} letters, digits and / _ + = . @ -",
            )
        if isinstance(value, str):
            text = value
        elif isinstance(value, (dict, list)):
            try:
                text = json.dumps(value, ensure_ascii=False, allow_nan=False)
            except (TypeError, ValueError):
                self.at(
                    path,
                    f"{what}: a mapping or list is stored as JSON, and this one has a value "
                    "JSON cannot hold",
                    "use text, numbers, true/false, null, lists and mappings only",
                )
                return None
        else:
            self.at(
                path,
                f"{what}: the value must be text, or a mapping or list (stored as JSON), not "
                f"{_kind(value)}",
                'quote it ("...")',
            )
            return None
        if len(text.encode()) > limits.SECRET_VALUE_MAX_BYTES:
            self.at(
                path,
                f"{what}: the value is {len(text.encode())} bytes; Secrets Manager takes at "
                f"most {limits.SECRET_VALUE_MAX_BYTES}",
                "store less in one secret",
            )
            return None
        return Secret(name, text, self.source_map.key_span(path)) if why is None else None


_KEY_HINT = (
    "write key: {id: S}: the partition key, then an optional sort key, each with its type: "
    "S (text), N (number) or B (binary)"
)


def _path_key(key: object) -> str | int:
    return key if isinstance(key, (str, int)) else str(key)


def _show(value: object) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


def _kind(value: object) -> str:
    match value:
        case None:
            return "null"
        case bool():
            return "true/false"
        case int() | float():
            return f"a number ({_show(value)})"
        case "":
            return "empty"
        case str():
            return f"text ({_show(value)})"
        case bytes():
            return "binary"
        case list():
            return "a list"
        case dict():
            return "a mapping"
    return type(value).__name__  # pragma: no cover - YAML builds nothing else


def _is_key_type(value: object, kind: KeyType) -> bool:
    match kind:
        case "S":
            return isinstance(value, str)
        case "N":
            return (
                isinstance(value, (int, float))
                and not isinstance(value, bool)
                and math.isfinite(value)
            )
        case "B":
            return isinstance(value, bytes)
        case _:
            assert_never(kind)


def _key_value_hint(value: object, kind: KeyType) -> str:
    if kind == "S":
        return f'quote it: "{value}"' if isinstance(value, (int, float)) else "make it text"
    if kind == "N":
        return "write it as a number, without quotes"
    return "write it as !!binary followed by its base64"


def _attribute_value_problem(value: object) -> str | None:
    """Why DynamoDB cannot store `value` (as boto3 would send it), or None."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"{value} is not a number DynamoDB can store"
    if isinstance(value, list):
        return next(filter(None, map(_attribute_value_problem, value)), None)
    if isinstance(value, dict):
        for key, inner in value.items():
            if not isinstance(key, str):
                return f"the key {_show(key)} of a mapping inside it must be text"
            why = _attribute_value_problem(inner)
            if why is not None:
                return why
    return None


def _name_problem(name: str, low: int, high: int, characters: str) -> str | None:
    """Why `name` is not `low`-`high` characters that each match `characters` (`^[...]+$`)."""
    if not low <= len(name) <= high:
        return f"it is {len(name)} characters long, not {low}-{high}"
    if not re.match(characters, name):
        bad = sorted({c for c in name if not re.match(characters, c)})
        return "it contains " + ", ".join(f'"{c}"' for c in bad)
    return None


def _bucket_name_problem(name: str) -> str | None:
    why = _name_problem(
        name,
        limits.S3_BUCKET_NAME_MIN,
        limits.S3_BUCKET_NAME_MAX,
        limits.S3_BUCKET_NAME_CHARACTERS,
    )
    if why is not None:
        return why
    if not (name[0].isalnum() and name[-1].isalnum()):
        return "it must start and end with a letter or digit"
    if ".." in name:
        return "it contains two dots in a row"
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        pass
    else:
        return "it is written like an IP address"
    for prefix in limits.S3_BUCKET_RESERVED_PREFIXES:
        if name.startswith(prefix):
            return f'it starts with "{prefix}", which AWS reserves'
    for suffix in limits.S3_BUCKET_RESERVED_SUFFIXES:
        if name.endswith(suffix):
            return f'it ends with "{suffix}", which AWS reserves'
    return None


def _bucket_hint(name: str) -> str:
    rules = (
        f"bucket names are {limits.S3_BUCKET_NAME_MIN}-{limits.S3_BUCKET_NAME_MAX} lowercase "
        "letters, digits, dots and hyphens, starting and ending with a letter or digit"
    )
    fixed = re.sub(r"[^a-z0-9.-]+", "-", name.lower()).strip(".-")
    if fixed != name and _bucket_name_problem(fixed) is None:
        return f'{rules}: e.g. "{fixed}"'
    return rules


def _table_name_problem(name: str) -> str | None:
    return _name_problem(
        name,
        limits.DYNAMODB_TABLE_NAME_MIN,
        limits.DYNAMODB_TABLE_NAME_MAX,
        limits.DYNAMODB_TABLE_NAME_CHARACTERS,
    )


def _parameter_name_problem(name: str) -> str | None:
    why = _name_problem(
        name, 1, limits.SSM_PARAMETER_NAME_MAX, limits.SSM_PARAMETER_NAME_CHARACTERS
    )
    if why is not None:
        return why
    if name.lstrip("/").lower().startswith(limits.SSM_PARAMETER_RESERVED_PREFIXES):
        return 'it starts with "aws" or "ssm", which AWS reserves'
    if "/" in name and not name.startswith("/"):
        return "a name with / in it is a path and starts with /"
    if name.count("/") > limits.SSM_PARAMETER_HIERARCHY_MAX:
        return f"it is more than {limits.SSM_PARAMETER_HIERARCHY_MAX} levels deep"
    return None
