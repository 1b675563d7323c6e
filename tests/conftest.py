"""Every test: local mode's state key lives in a folder of the test run, never the user's, and
calls to moto are not paced at AWS's rates (tests of the pacing use their own clock)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _local_state_key(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    key = tmp_path_factory.mktemp("key") / "local-state.key"
    monkeypatch.setenv("SCHED_LOCAL_STATE_KEY_FILE", str(key))


@pytest.fixture(autouse=True)
def _no_pacing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCHED_PACE", "0")
