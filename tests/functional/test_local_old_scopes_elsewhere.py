"""The old local AWS of a renamed environment that cannot be read does not stop the plan of the
environment that replaced it: it is left out of the search for older names."""

from __future__ import annotations

import shutil
from pathlib import Path

from scheduler.app.connect import Connection
from scheduler.app.rename import find_old_scopes_elsewhere
from scheduler.catalogue.loader import load

ROOT = Path(__file__).resolve().parents[2]


def test_an_unreadable_old_local_aws_is_left_out(tmp_path: Path) -> None:
    catalogue = tmp_path / "jobs.yaml"
    text = (ROOT / "jobs.yaml").read_text()
    catalogue.write_text(text.replace("\n  dev:\n", "\n  development:\n", 1))
    shutil.copytree(ROOT / "jobs", tmp_path / "jobs")
    old = tmp_path / ".sched" / "local-dev"
    old.mkdir(parents=True)
    (old / "state.pickle").write_bytes(b"not signed by this user")
    loaded = load(catalogue, "development").catalogue
    assert loaded is not None
    here = Connection(local=True, region="us-east-1", environment="development")

    olds = find_old_scopes_elsewhere(loaded, catalogue, here)

    assert (olds.found, dict(olds.elsewhere)) == ((), {})
