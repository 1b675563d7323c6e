"""Every test: local mode's state key lives in a folder of the test run, never the user's, and
calls to moto are not paced at AWS's rates (tests of the pacing use their own clock). Shared
set-ups: the example applied in local mode (`applied_example`), one apply per test process
reused for a few minutes."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
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


# A rate's fires count from the rule's creation: a copy older than this could have a fire due
# (or a next fire nearer) that a test applying itself would not see. Tests that read times to
# the minute after an apply (local tick) apply themselves.
TEMPLATE_MAX_AGE_S = 180


@dataclass(frozen=True)
class Applied:
    folder: Path
    key: bytes
    at: float


@pytest.fixture(scope="session")
def _applied_example_templates(tmp_path_factory: pytest.TempPathFactory) -> list[Applied]:
    """Copies of the example after `sched apply --local`, newest last: a new one is made when
    the newest is older than TEMPLATE_MAX_AGE_S."""
    return []


def _apply_example(tmp_path_factory: pytest.TempPathFactory) -> Applied:
    """The example (`copy_example`) after `sched apply --local`, and the key its state is
    signed with (~1 s of CPU)."""
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
        at = time.time()
        result = CliRunner().invoke(cli, ["apply", "--local", str(catalogue)], env=env)
    assert result.exit_code == 0, result.output
    return Applied(folder, key.read_bytes(), at)


@pytest.fixture
def applied_example(
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    _applied_example_templates: list[Applied],
) -> Path:
    """`copy_example(tmp_path)` then `sched apply --local` on it, as a copy of a recent apply
    of this test process: the catalogue's path, its local state readable with this test's key."""
    from example import copy_applied

    templates = _applied_example_templates
    if not templates or time.time() - templates[-1].at > TEMPLATE_MAX_AGE_S:
        templates.append(_apply_example(tmp_path_factory))
    newest = templates[-1]
    return copy_applied(newest.folder, tmp_path, newest.key, Path(os.environ[KEY_FILE_ENV]))
