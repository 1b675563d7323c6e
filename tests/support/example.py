"""A copy of the repository's example (catalogue, job code and local data) for a test to change."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).parent.parent.parent


def example_copy(folder: Path) -> Path:
    """Copy jobs.yaml, jobs/, local-data.yaml and local-data/ into `folder`; the catalogue."""
    for name in ("jobs.yaml", "local-data.yaml"):
        shutil.copy(ROOT / name, folder / name)
    for name in ("jobs", "local-data"):
        shutil.copytree(ROOT / name, folder / name)
    return folder / "jobs.yaml"
