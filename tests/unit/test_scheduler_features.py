"""EventBridge Scheduler's own settings on `backend: scheduler` jobs: the catalogue reads them
and compile puts them on the schedule."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from scheduler.catalogue.loader import load
from scheduler.catalogue.model import Catalogue
from scheduler.compile import compile_catalogue
from scheduler.package import PackageRef
from scheduler.resources import Schedule

CATALOGUE = """\
catalogue: acme
jobs:
  export:
    schedule: "0 2 * * *"
    backend: scheduler
    flexible_window: 1h30m
    expected_runtime: 1m
    handler: jobs/export/handler.py:main
  import:
    schedule: "0 3 * * *"
    backend: scheduler
    expected_runtime: 1m
    handler: jobs/export/handler.py:main
"""
PACKAGES = {
    name: PackageRef(name, Path(f"/build/{name}.zip"), "sha=", 100) for name in ("export", "import")
}


def _catalogue(tmp_path: Path) -> Catalogue:
    (tmp_path / "jobs" / "export").mkdir(parents=True)
    (tmp_path / "jobs" / "export" / "handler.py").write_text("def main(e, c):\n    pass\n")
    (tmp_path / "jobs.yaml").write_text(CATALOGUE)
    loaded = load(tmp_path / "jobs.yaml")
    assert loaded.catalogue is not None and not loaded.diagnostics, loaded.diagnostics
    return loaded.catalogue


def test_flexible_window_is_read_and_set_on_the_schedule_in_minutes(tmp_path: Path) -> None:
    catalogue = _catalogue(tmp_path)
    assert catalogue.job("export").flexible_window == timedelta(minutes=90)  # type: ignore[union-attr]
    state = compile_catalogue(
        catalogue, account="123456789012", region="eu-west-1", packages=PACKAGES
    )
    windows = {r.name: r.flexible_window_minutes for r in state if isinstance(r, Schedule)}
    assert windows == {"acme-export": 90, "acme-import": None}
