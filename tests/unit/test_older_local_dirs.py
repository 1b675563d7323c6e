"""Which other local AWSs of a catalogue's folder may hold an older name of an environment: the
folder's before it had environments, and those of environments no longer declared, when they
stood for the same account (or did not say)."""

from __future__ import annotations

from pathlib import Path

from scheduler.app.connect import ACCOUNT_FILE, Connection, older_local_dirs
from scheduler.local.state_file import STATE_FILE

DEV = "123456789012"


def local_aws(folder: Path, name: str, account: str | None = None, *, state: bool = True) -> Path:
    directory = folder / ".sched" / name
    directory.mkdir(parents=True)
    if state:
        (directory / STATE_FILE).write_bytes(b"")
    if account is not None:
        (directory / ACCOUNT_FILE).write_text(f"{account}\n")
    return directory


def test_the_folders_of_undeclared_environments_of_the_same_account_or_none_and_the_first(
    tmp_path: Path,
) -> None:
    catalogue = tmp_path / "jobs.yaml"
    first = local_aws(tmp_path, "local")
    old = local_aws(tmp_path, "local-dev", DEV)
    unsaid = local_aws(tmp_path, "local-qa")
    local_aws(tmp_path, "local-development", DEV)  # the environment's own
    local_aws(tmp_path, "local-prod", "210987654321")  # declared
    local_aws(tmp_path, "local-test", "210987654321")  # another account's
    local_aws(tmp_path, "local-empty", DEV, state=False)  # nothing saved in it
    here = Connection(local=True, environment="development", local_account=DEV)

    assert older_local_dirs(catalogue, here, ("development", "prod")) == [
        (None, first),
        ("dev", old),
        ("qa", unsaid),
    ]


def test_none_without_an_environment_or_on_aws(tmp_path: Path) -> None:
    catalogue = tmp_path / "jobs.yaml"
    local_aws(tmp_path, "local-dev", DEV)

    assert older_local_dirs(catalogue, Connection(local=True), ()) == []
    assert older_local_dirs(catalogue, Connection(environment="prod", account=DEV), ()) == []
