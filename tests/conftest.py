"""Every test: local mode's state key lives in a folder of the test run, never the user's, and
calls to moto are not paced at AWS's rates (tests of the pacing use their own clock). Shared
set-ups built once per test process: the example applied in local mode (`applied_example`)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

KEY_FILE_ENV = "SCHED_LOCAL_STATE_KEY_FILE"


@pytest.fixture(autouse=True)
def _local_state_key(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    key = tmp_path_factory.mktemp("key") / "local-state.key"
    monkeypatch.setenv(KEY_FILE_ENV, str(key))


@pytest.fixture(autouse=True)
def _no_pacing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCHED_PACE", "0")


@pytest.fixture(scope="session")
def _applied_example_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """The example (`copy_example`) after `sched apply --local`, and the key its state is
    signed with: applied once per test process (~1 s of CPU per test that needs it)."""
    from click.testing import CliRunner
    from example import copy_example

    from scheduler.cli import cli

    folder = tmp_path_factory.mktemp("applied-example")
    key = tmp_path_factory.mktemp("applied-example-key") / "local-state.key"
    catalogue = copy_example(folder)
    env = {"NO_COLOR": "1", "SCHED_LOCAL": "", "SCHED_CATALOGUE": "", "GITHUB_ACTIONS": ""}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(KEY_FILE_ENV, str(key))
        patch.setenv("SCHED_PACE", "0")
        result = CliRunner().invoke(cli, ["apply", "--local", str(catalogue)], env=env)
    assert result.exit_code == 0, result.output
    return folder, key.read_bytes()


@pytest.fixture
def applied_example(tmp_path: Path, _applied_example_template: tuple[Path, bytes]) -> Path:
    """`copy_example(tmp_path)` then `sched apply --local` on it, as a copy of the one apply
    of this test process: the catalogue's path, its local state readable with this test's key."""
    from example import copy_applied

    template, key = _applied_example_template
    return copy_applied(template, tmp_path, key, Path(os.environ[KEY_FILE_ENV]))
