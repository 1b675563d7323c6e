"""Reading a catalogue file into text, or one SCH001 diagnostic saying why it cannot be.

Owns the size cap (checked before reading and again on the bytes), links out of the catalogue's
folder, anything but a regular file (refused before it is opened), missing and unreadable files,
UTF-16/32, binary (NUL) and non-UTF-8 bytes, and control characters, each reported at its exact
line and column. Never raises on bad input.
"""

from __future__ import annotations

import codecs
import os
import re
import stat
from pathlib import Path

from scheduler.diagnostics import Diagnostic, Severity, Span

MAX_FILE_BYTES = 5 * 1024 * 1024
"""Larger files are refused before parsing: a catalogue of 10,000 jobs is about 2 MB."""


def read(path: str | Path) -> bytes | Diagnostic:
    """The bytes of the file at `path` (at most one past the cap), or why they cannot be read.

    Only a regular file is opened, never a pipe, socket or device (opening a FIFO blocks until a
    writer comes), and a link out of the catalogue's own folder is refused unread: diagnostics
    reach CI logs, and `jobs.yaml -> ../.env` would otherwise quote the secrets it holds.
    """
    file = os.fspath(path)
    where = Path(path)
    try:
        outside = _link_outside(file)
        if outside is not None:
            target, folder = outside
            return _unreadable(
                file,
                f"{file} is a symbolic link to {target}, outside its folder {folder}",
                "put the catalogue itself in the repository, not a link to a file elsewhere",
            )
        info = os.stat(file)
        if stat.S_ISDIR(info.st_mode):
            return _unreadable(
                file,
                f"{file} is a directory, not a catalogue file",
                f"point at the YAML file itself, e.g. {where / 'jobs.yaml'}",
            )
        if not stat.S_ISREG(info.st_mode):
            return _not_a_file(file, info.st_mode)
        if info.st_size > MAX_FILE_BYTES:
            return _too_large(file, info.st_size)
        return _read_regular(file, info)
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


def _link_outside(file: str) -> tuple[str, str] | None:
    """Where the link `file` ends and its folder, when it ends outside that folder."""
    if not os.path.islink(file):
        return None
    folder = os.path.realpath(os.path.dirname(file) or os.curdir)
    target = os.path.realpath(file)
    if os.path.commonpath([folder, target]) == folder:
        return None
    return target, folder


def _read_regular(file: str, checked: os.stat_result) -> bytes | Diagnostic:
    # O_NONBLOCK: should the path be swapped for a FIFO after the stat, opening it returns at
    # once instead of waiting for a writer; fstat then shows it is no longer the file checked.
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0)
    with os.fdopen(os.open(file, flags), "rb") as stream:
        info = os.fstat(stream.fileno())
        if not stat.S_ISREG(info.st_mode):
            return _not_a_file(file, info.st_mode)
        if (info.st_dev, info.st_ino) != (checked.st_dev, checked.st_ino):
            return _unreadable(file, f"{file} changed while it was being opened", "run sched again")
        return stream.read(MAX_FILE_BYTES + 1)


_KINDS = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISDIR, "a directory"),
)


def _not_a_file(file: str, mode: int) -> Diagnostic:
    kind = next((name for test, name in _KINDS if test(mode)), None)
    message = f"{file} is {kind}, not a file" if kind else f"{file} is not a regular file"
    return _unreadable(file, message, "point at the YAML catalogue file itself")


_NON_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_PRINTABLE_ASCII = b"\t\n\r" + bytes(range(0x20, 0x7F))


def _non_printable(text: str) -> re.Match[str] | None:
    # An ASCII text (most catalogues) is checked by deleting its printable bytes, at C speed;
    # the pattern, 40 instructions a character, runs only on other texts or to find the culprit.
    if text.isascii() and not text.encode("ascii").translate(None, _PRINTABLE_ASCII):
        return None
    return _NON_PRINTABLE.search(text)


def decode(data: str | bytes, file: str) -> str | Diagnostic:
    """The text of a catalogue given as bytes or text, or why it is not a catalogue's text."""
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
    bad = _non_printable(text)
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


def _unreadable(file: str, message: str, hint: str) -> Diagnostic:
    return _file_error(file, message, hint, Span(file))


def _file_error(file: str, message: str, hint: str, span: Span) -> Diagnostic:
    return Diagnostic("SCH001", Severity.ERROR, message, span, hint)
