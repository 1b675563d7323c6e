"""Reading a local data file: the file beside the catalogue, read as the catalogue is, parsed,
and checked whole into `LocalData`. `--local` raises `LocalDataInvalid` naming every problem;
`sched validate` gets the same problems as diagnostics. No boto3, no moto: `local/data.py`
loads the result into the local AWS.
"""

from __future__ import annotations

import os
from pathlib import Path

from scheduler.catalogue.read import MAX_FILE_BYTES, decode, read
from scheduler.catalogue.source_map import build
from scheduler.catalogue.yaml_tree import COMPOSER, compose
from scheduler.diagnostics import Diagnostic, Severity, Span
from scheduler.errors import LocalDataInvalid
from scheduler.local_data.check_base import FORMAT_HINT, SECTIONS
from scheduler.local_data.check_buckets import BucketChecks
from scheduler.local_data.check_stores import StoreChecks
from scheduler.local_data.check_tables import TableChecks
from scheduler.local_data.model import LOCAL_DATA_CODE, LocalData
from scheduler.local_data.place import LOCAL_DATA_FOLDER


class _Checker(BucketChecks, TableChecks, StoreChecks):
    """Every section's checks, over the whole file."""

    def run(self, data: object) -> LocalData:
        if data is None:
            return LocalData(self.file)
        if not isinstance(data, dict):
            self.at(
                (),
                "a local data file is a mapping with buckets, tables, parameters, secrets and"
                " queues",
                f"start a line with `buckets:`, `tables:`, `parameters:`, `secrets:` or"
                f" `queues:`; "
                f"{FORMAT_HINT}",
            )
            return LocalData(self.file)
        for key in data:
            if key not in SECTIONS:
                self.unknown((key,), key, "a local data file", SECTIONS)
        return LocalData(
            self.file,
            buckets=tuple(self.each("buckets", data, self.bucket)),
            tables=tuple(self.each("tables", data, self.table)),
            parameters=tuple(self.each("parameters", data, self.parameter)),
            secrets=tuple(self.each("secrets", data, self.secret)),
            queues=tuple(self.each("queues", data, self.queue)),
        )


class _Problems(Exception):
    """Every problem of a file that is not valid local data."""

    def __init__(self, file: str, diagnostics: list[Diagnostic]) -> None:
        super().__init__(file)
        self.file = file
        self.diagnostics = diagnostics


def read_local_data(path: Path) -> LocalData | None:
    """The data declared in the file at `path`; None when there is no such file. Raises
    `LocalDataInvalid` with every problem found."""
    try:
        return _read(path)
    except _Problems as problems:
        raise _invalid(problems) from None


def parse_local_data(data: str | bytes, file: str, folder: Path) -> LocalData:
    """Check the text of a local data file named `file`; `{file: PATH}` objects are read from
    `folder`. Raises `LocalDataInvalid` with every problem found."""
    try:
        return _parse(data, file, folder)
    except _Problems as problems:
        raise _invalid(problems) from None


def local_data_diagnostics(path: Path) -> list[Diagnostic]:
    """What `sched validate` reports about the local data file at `path` (none when there is
    no file), each problem at its line with its code."""
    try:
        _read(path)
    except _Problems as problems:
        return problems.diagnostics
    return []


def _read(path: Path) -> LocalData | None:
    """It is read as the catalogue is (`catalogue.read`): a link out of its folder is refused
    unread (the local data can hold local secrets, and messages reach CI logs), and a pipe or
    device is never opened."""
    file = os.fspath(path)
    if not os.path.lexists(file):
        return None
    if os.path.isdir(file):
        raise _problem(file, f"{file} is a directory", "local data is one YAML file")
    if os.path.isfile(file) and not os.path.islink(file) and os.path.getsize(file) > MAX_FILE_BYTES:
        raise _too_large(file, os.path.getsize(file))
    data = read(path)
    if isinstance(data, Diagnostic):
        raise _Problems(file, [data])
    return _parse(data, file, path.parent / LOCAL_DATA_FOLDER)


def _parse(data: str | bytes, file: str, folder: Path) -> LocalData:
    if len(data) > MAX_FILE_BYTES:
        raise _too_large(file, len(data))
    text = decode(data, file)
    if isinstance(text, Diagnostic):
        raise _Problems(file, [text])
    root, parsed, found = compose(text, file, COMPOSER)
    tree = build(root, text, file)
    problems = sorted((*found, *tree.diagnostics), key=Diagnostic.sort_key)
    if not parsed or any(d.code == "SCH008" for d in tree.diagnostics):
        raise _Problems(file, problems)
    checker = _Checker(file, tree.source_map, folder)
    result = checker.run(tree.data)
    problems.extend(checker.problems)
    if problems:
        raise _Problems(file, problems)
    return result


def _too_large(file: str, size: int) -> _Problems:
    return _problem(
        file,
        f"{file} is {size / 1024 / 1024:.1f} MB; a local data file is limited to "
        f"{MAX_FILE_BYTES // 1024 // 1024} MB",
        f"put large objects in files under {LOCAL_DATA_FOLDER}/ and name them with {{file: PATH}}",
    )


def _problem(file: str, message: str, hint: str) -> _Problems:
    return _Problems(file, [Diagnostic(LOCAL_DATA_CODE, Severity.ERROR, message, Span(file), hint)])


def _invalid(problems: _Problems) -> LocalDataInvalid:
    return LocalDataInvalid(
        problems.file, [(f"{d.span}: {d.message}", d.hint) for d in problems.diagnostics]
    )
