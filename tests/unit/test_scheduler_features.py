"""EventBridge Scheduler's own settings on `backend: scheduler` jobs: the catalogue reads them
and compile puts them on the schedule."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from scheduler.catalogue.loader import load
from scheduler.catalogue.model import Backend, Catalogue, Job
from scheduler.compile import compile_catalogue
from scheduler.history.expected import expected_fires
from scheduler.package import PackageRef
from scheduler.plan import make_plan
from scheduler.report import plan as plan_report
from scheduler.resource_state import ResourceState, key_of
from scheduler.resources import Schedule
from scheduler.schedule import parse
from scheduler.upcoming import upcoming

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
    timezone: Europe/Paris
    start: 2027-01-10T00:00:00
    end: "2027-01-13T00:00:00Z"
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


def test_start_and_end_dates_are_read_in_the_jobs_zone_and_set_in_utc(tmp_path: Path) -> None:
    job = _catalogue(tmp_path).job("import")
    assert job is not None
    assert (job.start, job.end) == (
        datetime(2027, 1, 9, 23, tzinfo=UTC),  # midnight in Paris
        datetime(2027, 1, 13, tzinfo=UTC),
    )
    state = compile_catalogue(
        _catalogue_again(tmp_path), account="1", region="eu-west-1", packages=PACKAGES
    )
    dates = {r.name: (r.start_date, r.end_date) for r in state if isinstance(r, Schedule)}
    assert dates == {
        "acme-export": (None, None),
        "acme-import": ("2027-01-09T23:00:00Z", "2027-01-13T00:00:00Z"),
    }


def _catalogue_again(tmp_path: Path) -> Catalogue:
    loaded = load(tmp_path / "jobs.yaml")
    assert loaded.catalogue is not None
    return loaded.catalogue


def test_next_shows_only_fires_between_start_and_end(tmp_path: Path) -> None:
    catalogue = _catalogue(tmp_path)
    (item,) = upcoming(
        ["import"], catalogue, after=datetime(2026, 12, 1, tzinfo=UTC), count=10, tz=None
    )
    # 03:00 in Paris is 02:00 UTC: the 10th, 11th and 12th; the 13th is past the end.
    assert [f"{t:%m-%d %H:%M}" for t in item.fire_times] == [
        "01-10 02:00", "01-11 02:00", "01-12 02:00",
    ]  # fmt: skip


def test_history_expects_no_fire_outside_the_dates(tmp_path: Path) -> None:
    job = _catalogue(tmp_path).job("import")
    assert job is not None
    expected = expected_fires(
        job,
        parse(job.schedule),
        [],
        since=datetime(2027, 1, 1, tzinfo=UTC),
        until=datetime(2027, 2, 1, tzinfo=UTC),
    )
    assert [f.day for f in expected.fires] == [10, 11, 12]
    before = expected_fires(
        job,
        parse(job.schedule),
        [],
        since=datetime(2026, 1, 1, tzinfo=UTC),
        until=datetime(2026, 2, 1, tzinfo=UTC),
    )
    assert before.fires == ()


def test_a_rate_counts_from_its_start_date() -> None:
    job = Job(
        name="poll",
        schedule="rate(7 hours)",
        expected_runtime=timedelta(minutes=1),
        timeout=timedelta(minutes=2),
        timeout_is_explicit=False,
        backend=Backend.SCHEDULER,
        start=datetime(2027, 1, 1, 0, 30, tzinfo=UTC),
    )
    catalogue = Catalogue(name="acme", path=Path("/r/jobs.yaml"), jobs=(job,))
    (item,) = upcoming(
        ["poll"], catalogue, after=datetime(2026, 1, 1, tzinfo=UTC), count=2, tz=None
    )
    assert [f"{t:%d %H:%M}" for t in item.fire_times] == ["01 07:30", "01 14:30"]


ONE_OFF = """\
catalogue: acme
jobs:
  launch:
    schedule: at(2027-03-01T09:00:00)
    backend: scheduler
    timezone: Europe/Paris
    expected_runtime: 1m
    handler: jobs/export/handler.py:main
"""


def _one_off_state(tmp_path: Path) -> ResourceState:
    (tmp_path / "jobs" / "export").mkdir(parents=True)
    (tmp_path / "jobs" / "export" / "handler.py").write_text("def main(e, c):\n    pass\n")
    (tmp_path / "jobs.yaml").write_text(ONE_OFF)
    loaded = load(tmp_path / "jobs.yaml")
    assert loaded.catalogue is not None
    packages = {"launch": PackageRef("launch", Path("/b/l.zip"), "sha=", 1)}
    return compile_catalogue(loaded.catalogue, account="1", region="eu-west-1", packages=packages)


def test_a_one_off_deletes_itself_after_running_and_knows_when_it_runs(tmp_path: Path) -> None:
    (schedule,) = [r for r in _one_off_state(tmp_path) if isinstance(r, Schedule)]
    assert (schedule.action_after_completion, schedule.fires_at) == (
        "DELETE",
        "2027-03-01T08:00:00Z",  # 09:00 in Paris
    )


def test_a_gone_one_off_past_its_time_is_finished_not_created_again(tmp_path: Path) -> None:
    desired = _one_off_state(tmp_path)
    key = next(key_of(r) for r in desired if isinstance(r, Schedule))
    before = make_plan(desired, ResourceState(), now=datetime(2027, 3, 1, 7, 59, tzinfo=UTC))
    assert key in {c.key for c in before.pending}
    assert before.finished == ()
    after = make_plan(desired, ResourceState(), now=datetime(2027, 3, 1, 8, 0, tzinfo=UTC))
    assert key not in {c.key for c in after.changes}
    assert [s.key_name for s in after.finished] == ["acme/acme-launch"]
    text = plan_report.to_text(after, header="plan")
    assert "acme/acme-launch  ran at 2027-03-01T08:00:00Z, not created again" in text
