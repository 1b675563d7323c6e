"""SCH001: files that cannot be read as a catalogue, refused with exact positions."""

from __future__ import annotations

import codecs
import os
import signal
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from catalogue_support import FIXTURES, found

from scheduler.catalogue.loader import MAX_FILE_BYTES, load, load_text
from scheduler.catalogue.read import decode
from scheduler.diagnostics import Diagnostic

GOOD = "catalogue: acme-ops\njobs:\n  j:\n    schedule: rate(1 day)\n    expected_runtime: 5m\n"


def test_missing_file_is_sch001_at_the_start(tmp_path: Path) -> None:
    path = str(tmp_path / "nope.yaml")
    result = load(path)
    assert found(result) == [("SCH001", 1, 1)]
    assert result.diagnostics[0].message == f"{path} does not exist"
    assert result.diagnostics[0].span.file == path
    assert result.catalogue is None
    assert result.source_map.file == path


def test_directory_is_sch001(tmp_path: Path) -> None:
    result = load(tmp_path)
    assert found(result) == [("SCH001", 1, 1)]
    assert result.diagnostics[0].message == f"{tmp_path} is a directory, not a catalogue file"
    assert result.diagnostics[0].hint == f"point at the YAML file itself, e.g. {tmp_path}/jobs.yaml"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their permissions")
def test_unreadable_file_is_sch001(tmp_path: Path) -> None:
    path = tmp_path / "jobs.yaml"
    path.write_text(GOOD)
    path.chmod(0)
    result = load(path)
    assert found(result) == [("SCH001", 1, 1)]
    assert result.diagnostics[0].message == f"{path} cannot be read: permission denied"


def test_path_through_a_file_is_sch001(tmp_path: Path) -> None:
    (tmp_path / "file").write_text(GOOD)
    result = load(tmp_path / "file" / "jobs.yaml")
    assert found(result) == [("SCH001", 1, 1)]
    assert "cannot be read: Not a directory" in result.diagnostics[0].message


def test_file_larger_than_the_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    with path.open("wb") as stream:
        stream.write(b"catalogue: x\n# " + b"x" * (50 * 1024 * 1024) + b"\n")
    result = load(path)
    assert found(result) == [("SCH001", 1, 1)]
    assert result.diagnostics[0].message == f"{path} is 50.0 MB; catalogues are limited to 5 MB"


def test_text_larger_than_the_limit_is_refused_in_memory() -> None:
    result = load_text(b"#" * (MAX_FILE_BYTES + 1), "big.yaml")
    assert found(result) == [("SCH001", 1, 1)]
    assert result.diagnostics[0].message == "big.yaml is 5.0 MB; catalogues are limited to 5 MB"


def test_a_file_of_exactly_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "jobs.yaml"
    path.write_bytes(GOOD.encode() + b"#" * (MAX_FILE_BYTES - len(GOOD)))
    assert found(load(path)) == []


def test_non_utf8_names_the_first_bad_byte(tmp_path: Path) -> None:
    path = tmp_path / "jobs.yaml"
    path.write_bytes("catalogue: acme\njobs:\n  café-ç: {}\n".encode() + b"  caf\xe9: {}\n")
    result = load(path)
    assert found(result) == [("SCH001", 4, 6)]
    assert result.diagnostics[0].message == (
        f"{path} is not UTF-8: byte 0xe9 at line 4, column 6 (byte offset 42)"
    )
    assert result.diagnostics[0].hint == "save the file as UTF-8 (e.g. iconv -f latin1 -t utf-8)"


def test_column_of_a_bad_byte_counts_characters_not_bytes() -> None:
    result = load_text("a: é".encode() + b"\xff", "j.yaml")
    assert found(result) == [("SCH001", 1, 5)]


def test_nul_bytes_mean_a_binary_file() -> None:
    result = load_text(b"catalogue: x\n\x7fELF\x00\x01\x02", "j.yaml")
    assert found(result) == [("SCH001", 2, 5)]
    assert result.diagnostics[0].message == (
        "j.yaml looks like a binary file: NUL byte at line 2, column 5 (byte offset 17)"
    )


def test_utf16_is_named() -> None:
    result = load_text(GOOD.encode("utf-16"), "j.yaml")
    assert found(result) == [("SCH001", 1, 1)]
    assert result.diagnostics[0].message == "j.yaml is UTF-16 or UTF-32 encoded"


def test_control_character_is_refused_with_its_position() -> None:
    result = load_text("catalogue: a\njobs:\n  j\x1b: {}\n", "j.yaml")
    assert found(result) == [("SCH001", 3, 4)]
    assert result.diagnostics[0].message == (
        "j.yaml contains a control character (U+001B) at line 3, column 4"
    )


@pytest.mark.parametrize("tail", ["", "é"], ids=["ascii", "not-ascii"])
def test_each_character_below_128_is_refused_exactly_when_it_is_a_control(tail: str) -> None:
    controls = {*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F}
    for code in range(128):
        text = f"catalogue: a{chr(code)}{tail}\n"
        refused = isinstance(decode(text, "j.yaml"), Diagnostic)
        assert refused == (code in controls), hex(code)
        at_byte = isinstance(decode(text.encode(), "j.yaml"), Diagnostic)
        assert at_byte == (code in controls), hex(code)


def test_nul_in_text_is_refused() -> None:
    result = load_text("catalogue: a\x00", "j.yaml")
    assert found(result) == [("SCH001", 1, 13)]
    assert "a NUL character (U+0000)" in result.diagnostics[0].message


def test_utf8_byte_order_mark_is_accepted_and_does_not_shift_columns() -> None:
    result = load_text(codecs.BOM_UTF8 + b"catalogue: [oops\n", "j.yaml")
    assert [(d.code, d.span.line) for d in result.diagnostics] == [("SCH002", 2)]
    clean = load_text(codecs.BOM_UTF8 + GOOD.encode(), "j.yaml")
    assert found(clean) == []
    assert clean.source_map.span(("catalogue",)).column == 12


def test_pass_fixture_reads_without_diagnostics() -> None:
    result = load(FIXTURES / "SCH001.pass.yaml")
    assert found(result) == []
    assert result.catalogue is not None
    assert result.catalogue.jobs[0].description == "Sauvegarde des journaux — chaque lundi"


def test_load_keeps_the_path_as_given_and_anchors_the_catalogue_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "jobs.yaml").write_text(GOOD)
    monkeypatch.chdir(tmp_path)
    result = load("./jobs.yaml")
    assert result.source_map.file == "./jobs.yaml"
    assert result.catalogue is not None
    assert result.catalogue.path == Path("jobs.yaml")
    assert result.catalogue.base_dir == Path()


def test_load_text_anchors_the_catalogue_at_base_dir(tmp_path: Path) -> None:
    result = load_text(GOOD, "ops/jobs.yaml", base_dir=tmp_path)
    assert result.catalogue is not None
    assert result.catalogue.path == tmp_path / "jobs.yaml"
    assert result.catalogue.base_dir == tmp_path
    assert result.source_map.file == "ops/jobs.yaml"


# --- links and files that are not regular files ------------------------------------------------

SECRET = "DATABASE_URL=postgres://app:hunter2@db.internal/prod\n"


@contextmanager
def _no_hang(seconds: float = 5) -> Iterator[None]:
    """Fails the test, rather than hanging the suite, if loading blocks (e.g. opens a FIFO)."""

    def stop(signum: int, frame: object) -> None:
        raise AssertionError(f"loading blocked for more than {seconds}s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_link_out_of_its_folder_is_refused_without_echoing_the_target(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(SECRET)
    repo = tmp_path / "repo"
    repo.mkdir()
    path = repo / "jobs.yaml"
    path.symlink_to("../.env")
    result = load(path)
    assert found(result) == [("SCH001", 1, 1)]
    diagnostic = result.diagnostics[0]
    assert diagnostic.message == (
        f"{path} is a symbolic link to {tmp_path / '.env'}, outside its folder {repo}"
    )
    assert (
        diagnostic.hint
        == "put the catalogue itself in the repository, not a link to a file elsewhere"
    )
    assert "hunter2" not in diagnostic.message + diagnostic.hint
    assert result.catalogue is None


def test_link_to_an_absolute_path_outside_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "jobs.yaml"
    path.symlink_to("/etc/passwd")
    result = load(path)
    assert found(result) == [("SCH001", 1, 1)]
    assert result.diagnostics[0].message == (
        f"{path} is a symbolic link to /etc/passwd, outside its folder {tmp_path}"
    )


def test_dangling_link_out_of_its_folder_is_refused_as_a_link(tmp_path: Path) -> None:
    path = tmp_path / "jobs.yaml"
    path.symlink_to(tmp_path.parent / "gone.yaml")
    result = load(path)
    assert found(result) == [("SCH001", 1, 1)]
    assert result.diagnostics[0].message == (
        f"{path} is a symbolic link to {tmp_path.parent / 'gone.yaml'}, "
        f"outside its folder {tmp_path}"
    )


def test_chain_of_links_is_judged_by_where_it_ends(tmp_path: Path) -> None:
    (tmp_path / "secret").write_text(SECRET)
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "hop.yaml").symlink_to(tmp_path / "secret")
    (repo / "jobs.yaml").symlink_to("hop.yaml")
    result = load(repo / "jobs.yaml")
    assert found(result) == [("SCH001", 1, 1)]
    assert result.diagnostics[0].message == (
        f"{repo / 'jobs.yaml'} is a symbolic link to {tmp_path / 'secret'}, "
        f"outside its folder {repo}"
    )


def test_link_within_its_folder_is_read(tmp_path: Path) -> None:
    (tmp_path / "ops").mkdir()
    (tmp_path / "ops" / "catalogue.yaml").write_text(GOOD)
    (tmp_path / "jobs.yaml").symlink_to("ops/catalogue.yaml")
    result = load(tmp_path / "jobs.yaml")
    assert found(result) == []
    assert result.catalogue is not None


def test_relative_link_given_as_a_bare_name_is_judged_against_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text(SECRET)
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "jobs.yaml").symlink_to("../.env")
    monkeypatch.chdir(tmp_path / "repo")
    result = load("jobs.yaml")
    assert found(result) == [("SCH001", 1, 1)]
    assert result.diagnostics[0].message == (
        f"jobs.yaml is a symbolic link to {tmp_path / '.env'}, outside its folder "
        f"{tmp_path / 'repo'}"
    )


def test_named_pipe_is_refused_without_opening_it(tmp_path: Path) -> None:
    path = tmp_path / "jobs.yaml"
    os.mkfifo(path)
    with _no_hang():
        result = load(path)  # would block for ever if the pipe were opened for reading
    assert found(result) == [("SCH001", 1, 1)]
    assert result.diagnostics[0].message == f"{path} is a named pipe, not a file"
    assert result.diagnostics[0].hint == "point at the YAML catalogue file itself"


def test_link_to_a_named_pipe_in_its_folder_is_refused(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "jobs.yaml").symlink_to("pipe")
    with _no_hang():
        result = load(tmp_path / "jobs.yaml")
    assert found(result) == [("SCH001", 1, 1)]
    assert result.diagnostics[0].message == f"{tmp_path / 'jobs.yaml'} is a named pipe, not a file"


def test_character_device_is_refused() -> None:
    result = load("/dev/null")
    assert found(result) == [("SCH001", 1, 1)]
    assert result.diagnostics[0].message == "/dev/null is a character device, not a file"


def test_socket_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # a socket's path must be short
    with socket.socket(socket.AF_UNIX) as server:
        server.bind("jobs.yaml")
        result = load("jobs.yaml")
    assert found(result) == [("SCH001", 1, 1)]
    assert result.diagnostics[0].message == "jobs.yaml is a socket, not a file"
