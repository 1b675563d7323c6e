"""`sched logs --follow` on the local AWS: the lines already there, then each poll's new lines
only, a run written between two polls (by another connection, as another process would) seen
by the next poll. The sleep between polls is injected: no test waits."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

from scheduler.app import operate
from scheduler.app.connect import Connection
from scheduler.catalogue.loader import load

ROOT = Path(__file__).parent.parent.parent


def test_each_poll_prints_only_the_new_lines(tmp_path: Path) -> None:
    shutil.copy(ROOT / "jobs.yaml", tmp_path / "jobs.yaml")
    shutil.copytree(ROOT / "jobs", tmp_path / "jobs")
    loaded = load(tmp_path / "jobs.yaml")
    assert loaded.catalogue is not None
    catalogue = loaded.catalogue
    job = operate.find_job(catalogue, "tmp-cleanup")
    local = Connection(local=True)
    first = operate.run(catalogue, job, local, now=datetime.now(UTC))
    second: list[str] = []

    def sleep(_: float) -> None:
        if not second:
            second.append(operate.run(catalogue, job, local, now=datetime.now(UTC)).request_id)

    polls = operate.follow_logs(
        catalogue,
        job,
        local,
        since=datetime.now(UTC) - timedelta(hours=1),
        clock=lambda: datetime.now(UTC) + timedelta(seconds=5),
        sleep=sleep,
    )
    batches = [next(polls), next(polls), next(polls)]
    assert [sorted({line.request_id for line in batch}) for batch in batches] == [
        [first.request_id],
        [second[0]],
        [],
    ]
