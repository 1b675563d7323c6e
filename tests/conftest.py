"""Every test: local mode's state key lives in a folder of the test run, never the user's."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _local_state_key(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    key = tmp_path_factory.mktemp("key") / "local-state.key"
    monkeypatch.setenv("SCHED_LOCAL_STATE_KEY_FILE", str(key))
