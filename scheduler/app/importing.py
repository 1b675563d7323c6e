"""`sched import crontab|serverless`: the catalogue entries and stubs a crontab or a
serverless.yml becomes, and writing them (one path for both).

Without `write` nothing is written: the entries come back for the user to paste. With it, every
clash (a job or a stub of the same name) is found before anything is written, stubs are written
first and the catalogue last, each atomically, so the catalogue never names a missing handler.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from scheduler.catalogue_edit import CannotEdit, Entry, add_jobs, job_names
from scheduler.errors import ImportCannotEdit, ImportWouldOverwrite, UsageError
from scheduler.files import write_atomically
from scheduler.import_common import ImportResult
from scheduler.import_serverless import import_serverless
from scheduler.importing import import_crontab
from scheduler.schedule import is_known_timezone


@dataclass(frozen=True)
class Imported:
    result: ImportResult
    entries: str  # the YAML to paste under jobs:
    written: tuple[Path, ...]  # what was written, the catalogue last (empty unless write)


def crontab(
    text: str,
    source: str,
    catalogue: Path,
    *,
    system: bool = False,
    timezone: str | None = None,
    write: bool = False,
    force: bool = False,
) -> Imported:
    """Translate the crontab `text`; with `write`, add it to `catalogue` and write the stubs."""
    if timezone is not None and not is_known_timezone(timezone):
        raise UsageError(
            f"--timezone {timezone!r} is not an IANA time zone",
            "give the server's zone as a name such as Europe/Paris or America/New_York",
        )
    result = import_crontab(text, source, system=system, timezone=timezone)
    return _written(result, catalogue, "crontab", write=write, force=force)


def serverless(
    text: str,
    source: str,
    catalogue: Path,
    *,
    write: bool = False,
    force: bool = False,
) -> Imported:
    """Translate the serverless.yml `text`; with `write`, add it to `catalogue` and write the
    stubs. A handler whose Python file lies under the catalogue's folder is used as it is."""
    folder = catalogue.parent.resolve()
    service = Path.cwd() if source == "<stdin>" else Path(source).parent

    def locate(module_file: str) -> str | None:
        path = (service / module_file).resolve()
        if not path.is_file() or not path.is_relative_to(folder):
            return None
        return path.relative_to(folder).as_posix()

    result = import_serverless(text, source, locate=locate)
    return _written(result, catalogue, "serverless", write=write, force=force)


def _written(
    result: ImportResult, catalogue: Path, kind: str, *, write: bool, force: bool
) -> Imported:
    entries = [Entry(job.name, job.yaml) for job in result.jobs]
    pasted = "\n\n".join("\n".join("  " + line for line in e.lines) for e in entries)
    if not write or not result.jobs:
        return Imported(result, pasted + "\n" if pasted else "", ())
    folder = catalogue.parent
    before = catalogue.read_text(encoding="utf-8") if catalogue.exists() else ""
    stubs = [(folder / job.handler_path, job.stub) for job in result.jobs if job.stub is not None]
    if not force:
        _refuse_clashes(catalogue, before, result, stubs, kind)
    try:
        after = add_jobs(before, entries, _catalogue_name(folder))
    except CannotEdit as error:
        raise ImportCannotEdit(
            f"{catalogue}: {error}", f"or paste the entries `sched import {kind}` prints"
        ) from None
    _check_reads_back(catalogue, after, [job.name for job in result.jobs], kind)
    written = []
    for path, stub in stubs:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, stub.encode("utf-8"))
        written.append(path)
    write_atomically(catalogue, after.encode("utf-8"))
    return Imported(result, pasted + "\n", (*written, catalogue))


def _refuse_clashes(
    catalogue: Path, before: str, result: ImportResult, stubs: list[tuple[Path, str]], kind: str
) -> None:
    present = job_names(before)
    clashes = [
        f'{catalogue} already has a job "{job.name}" ({kind} line {job.line})'
        for job in result.jobs
        if job.name in present
    ]
    clashes += [f"{path} already exists" for path, _ in stubs if path.exists()]
    if clashes:
        raise ImportWouldOverwrite(clashes)


def _check_reads_back(catalogue: Path, text: str, names: list[str], kind: str) -> None:
    from scheduler.catalogue.loader import load_text

    loaded = load_text(text, str(catalogue), catalogue.parent)
    found = {job.name for job in loaded.catalogue.jobs} if loaded.catalogue else set()
    missing = [name for name in names if name not in found]
    if missing:
        raise ImportCannotEdit(
            f"{catalogue}: the imported jobs would not read back ({', '.join(missing)})",
            "fix what `sched validate` reports in the catalogue first, or paste the entries "
            f"`sched import {kind}` prints",
        )


def _catalogue_name(folder: Path) -> str:
    name = re.sub(r"[^a-z0-9-]+", "-", folder.resolve().name.lower()).strip("-")
    return name or "imported"
