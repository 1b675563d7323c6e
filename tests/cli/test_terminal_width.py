"""Text output is as wide as the terminal, and 100 columns wherever stdout is not one."""

from __future__ import annotations

import io

import pytest

from scheduler.cli.common import terminal_width


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gives_its_width(monkeypatch: pytest.MonkeyPatch) -> None:
    # shutil.get_terminal_size reads COLUMNS first, as a terminal's shell sets it.
    monkeypatch.setenv("COLUMNS", "80")
    assert terminal_width(Terminal()) == 80
    monkeypatch.setenv("COLUMNS", "120")
    assert terminal_width(Terminal()) == 120


def test_a_pipe_or_a_file_gets_100_columns_whatever_the_terminal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    assert terminal_width(io.StringIO()) == 100
