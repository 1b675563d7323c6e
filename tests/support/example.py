"""The example catalogue for the tests of everything but environments: `jobs.yaml` as written,
less its `environments:` and the jobs' lists of them, so that its names stay `acme-ops-<job>`
and its commands need no --env (tests/e2e/test_local_data_on_a_fresh_copy.py runs it as it is)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_LISTED = re.compile(r"^\s+environments: \[[^\]]*\]")


def without_environments(text: str) -> str:
    """The catalogue text without its top-level `environments:` block and the jobs' lists."""
    kept, inside = [], False
    for line in text.splitlines(keepends=True):
        if line.startswith("environments:"):
            inside = True
            continue
        if inside and (not line.strip() or line[0] in " #"):
            continue
        inside = False
        if not _LISTED.match(line):
            kept.append(line)
    return "".join(kept)


def copy_example(folder: Path, *, local_data: bool = False) -> Path:
    """The example (`without_environments`) and its jobs' code in `folder`; with `local_data`,
    the local data file and folder beside it too. Returns the catalogue's path."""
    path = folder / "jobs.yaml"
    path.write_text(without_environments((ROOT / "jobs.yaml").read_text()))
    shutil.copytree(ROOT / "jobs", folder / "jobs")
    if local_data:
        shutil.copy(ROOT / "local-data.yaml", folder / "local-data.yaml")
        shutil.copytree(ROOT / "local-data", folder / "local-data")
    return path


def copy_applied(template: Path, folder: Path, key: bytes, key_file: Path) -> Path:
    """A copy of `template` (an example applied with `apply --local`: its files and its
    `.sched` folder) in `folder`, readable under `key_file`, which gets the key `key` it was
    signed with. Returns the catalogue's path."""
    shutil.copytree(template, folder, symlinks=True, dirs_exist_ok=True)
    key_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as stream:
        stream.write(key)
    return folder / "jobs.yaml"
