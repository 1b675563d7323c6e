"""Checks of the `tables:` section: table names DynamoDB would refuse, the key schema, and
each item's attributes and key values (types, emptiness, duplicates).
"""

from __future__ import annotations

from collections.abc import Hashable

from scheduler import limits
from scheduler.catalogue.source_map import DataPath
from scheduler.diagnostics import echo
from scheduler.local_data.check_base import CheckerBase
from scheduler.local_data.model import Item, KeyAttribute, Table
from scheduler.local_data.names import attribute_value_problem, table_name_problem
from scheduler.local_data.values import (
    KEY_WORDS,
    is_key_type,
    key_value_hint,
    kind_of,
    path_key,
    show,
)

KEY_HINT = (
    "write key: {id: S}: the partition key, then an optional sort key, each with its type: "
    "S (text), N (number) or B (binary)"
)


class TableChecks(CheckerBase):
    def table(self, name: str, value: object, path: DataPath) -> Table | None:
        what = f"table {show(name)}"
        why = table_name_problem(name)
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
            self.at(path, f"{what} must be a mapping with key and items", KEY_HINT)
            return None
        for extra in value:
            if extra not in ("key", "items"):
                self.unknown((*path, path_key(extra)), extra, what, ("key", "items"))
        key = self.key_schema(what, value, path)
        items = self.items(what, value.get("items"), (*path, "items"), key)
        if key is None or items is None:
            return None
        return Table(name, key, items, self.source_map.key_span(path))

    def key_schema(
        self, what: str, value: dict[Hashable, object], path: DataPath
    ) -> tuple[KeyAttribute, ...] | None:
        if "key" not in value:
            self.at_key(path, f"{what} has no key", KEY_HINT)
            return None
        schema, where = value["key"], (*path, "key")
        if not isinstance(schema, dict) or not schema:
            self.at(where, f"{what}: key must map its attribute names to their types", KEY_HINT)
            return None
        if len(schema) > limits.DYNAMODB_KEY_ATTRIBUTES_MAX:
            self.at(
                where,
                f"{what}: key has {len(schema)} attributes; a DynamoDB key has a partition key "
                "and at most one sort key",
                KEY_HINT,
            )
            return None
        found = []
        for attribute, kind in schema.items():
            at = (*where, path_key(attribute))
            if not isinstance(attribute, str) or not attribute:
                self.at_key(at, f"{what}: key attribute {show(attribute)} must be text", KEY_HINT)
            elif kind not in limits.DYNAMODB_KEY_TYPES:
                self.at(
                    at,
                    f"{what}: key attribute {show(attribute)} has type {show(kind)}; DynamoDB key "
                    "types are S, N and B",
                    f"write `{echo(attribute)[1:-1]}: S` for text, N for a number, B for binary",
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
                    shown = ", ".join(f"{k.name} {show(item.attributes[k.name])}" for k in key)
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
                f"{which} must be a mapping of attribute names to values, not"
                f" {kind_of(attributes)}",
                'write it as `- {id: "1001", total: 42}`',
            )
            return None
        fine = True
        for name, value in attributes.items():
            at = (*path, path_key(name))
            if not isinstance(name, str) or not name:
                self.at_key(at, f"{which}: attribute name {show(name)} must be text", "quote it")
                fine = False
                continue
            why = attribute_value_problem(value)
            if why is not None:
                self.at(at, f"{which}, attribute {show(name)}: {why}", "fix the value")
                fine = False
        for position, attribute in enumerate(key or ()):
            role = "partition key" if position == 0 else "sort key"
            word = KEY_WORDS[attribute.type]
            if attribute.name not in attributes:
                self.at(
                    path,
                    f"{which} has no {show(attribute.name)}, its {role}",
                    f"give every item its key: {attribute.name} ({word})",
                )
                fine = False
                continue
            value, at = attributes[attribute.name], (*path, attribute.name)
            if not is_key_type(value, attribute.type):
                self.at(
                    at,
                    f"{which}: {show(attribute.name)} is {kind_of(value)}; the {role} is "
                    f"{attribute.type} ({word})",
                    key_value_hint(value, attribute.type),
                )
                fine = False
            elif value in ("", b""):
                self.at(
                    at,
                    f"{which}: {show(attribute.name)} is empty; DynamoDB refuses empty key values",
                    "give it a value",
                )
                fine = False
        if not fine:
            return None
        return Item({str(k): v for k, v in attributes.items()}, self.source_map.span(path))
