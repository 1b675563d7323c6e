"""history_for: runs read from each job's log group, matched against its schedule's fires."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from run_fakes import FakeLogs
from run_support import at, catalogue, fargate_job, group, job, ms, run_events

from scheduler.errors import UnknownJob, UsageError
from scheduler.history import Run, RunStatus
from scheduler.history.read import history_for
from scheduler.ports import LogEvent

NOW = at("2026-11-25T08:00:00")
SINCE = at("2026-10-31T00:00:00")
WEEKLY = job("log-backup", "cron(0 2 ? * MON *)")


def rows(runs: list[Run]) -> list[tuple[str, str, str, bool]]:
    return [(r.job, f"{r.scheduled_time:%Y-%m-%d %H:%M}", r.status.value, r.late) for r in runs]


def weekly_logs() -> FakeLogs:
    return FakeLogs(
        {
            group("log-backup"): [
                *run_events("log-backup", at("2026-11-02T02:00:00"), request_id="aaaa-1"),
                *run_events(
                    "log-backup",
                    at("2026-11-16T02:00:00"),
                    request_id="bbbb-2",
                    status="failed",
                    error=("ValueError", "bucket app-logs not found"),
                ),
            ]
        }
    )


def test_a_weekly_job_with_runs_missing_has_missed_rows() -> None:
    history = history_for(catalogue(WEEKLY), weekly_logs(), now=NOW, since=SINCE)
    assert rows(history.runs) == [
        ("log-backup", "2026-11-02 02:00", "succeeded", False),
        ("log-backup", "2026-11-09 02:00", "missed", False),
        ("log-backup", "2026-11-16 02:00", "failed", False),
        ("log-backup", "2026-11-23 02:00", "missed", False),
    ]
    failed = history.runs[2]
    assert (failed.request_id, failed.error_type, failed.error_message) == (
        "bbbb-2",
        "ValueError",
        "bucket app-logs not found",
    )
    assert history.notes == []


def test_the_log_group_is_read_from_a_little_before_the_window_until_now() -> None:
    logs = weekly_logs()
    history_for(catalogue(WEEKLY), logs, now=NOW, since=SINCE)
    assert logs.reads == [(group("log-backup"), ms(SINCE - timedelta(minutes=2)), ms(NOW) + 1)]


def test_a_window_in_the_past_reads_on_for_grace_timeout_and_log_delivery() -> None:
    logs = weekly_logs()
    until = at("2026-11-10T00:00:00")
    history = history_for(catalogue(WEEKLY), logs, now=NOW, since=SINCE, until=until)
    assert logs.reads == [
        (
            group("log-backup"),
            ms(SINCE - timedelta(minutes=2)),
            ms(until + timedelta(minutes=16)) + 1,
        )
    ]
    assert rows(history.runs) == [
        ("log-backup", "2026-11-02 02:00", "succeeded", False),
        ("log-backup", "2026-11-09 02:00", "missed", False),
    ]


def test_a_run_logged_just_before_the_window_for_a_fire_inside_it_is_found() -> None:
    daily = job("report", "cron(1 0 * * ? *)")  # 00:01 every day
    since = at("2026-11-24T00:00:30")
    early = run_events(
        "report", at("2026-11-24T00:01:00"), request_id="cccc-3", delay=timedelta(seconds=-45)
    )
    history = history_for(
        catalogue(daily), FakeLogs({group("report"): early}), now=NOW, since=since
    )
    assert rows(history.runs) == [
        ("report", "2026-11-24 00:01", "succeeded", False),
        ("report", "2026-11-25 00:01", "missed", False),
    ]


def test_a_fire_within_the_grace_period_is_not_yet_missed() -> None:
    now = at("2026-11-23T02:04:00")
    history = history_for(catalogue(WEEKLY), FakeLogs(), now=now, since=at("2026-11-20T00:00:00"))
    assert history.runs == []
    later = history_for(
        catalogue(WEEKLY), FakeLogs(), now=now, since=at("2026-11-20T00:00:00"), grace=timedelta(0)
    )
    assert rows(later.runs) == [("log-backup", "2026-11-23 02:00", "missed", False)]


def test_late_runs_and_the_status_filter() -> None:
    hourly = job("sync", "cron(0 * * * ? *)")
    logs = FakeLogs(
        {
            group("sync"): [
                *run_events("sync", at("2026-11-25T05:00:00"), request_id="d-1"),
                *run_events(
                    "sync", at("2026-11-25T06:00:00"), request_id="d-2", delay=timedelta(minutes=3)
                ),
            ]
        }
    )
    since = at("2026-11-25T04:30:00")
    history = history_for(catalogue(hourly), logs, now=NOW, since=since)
    assert rows(history.runs) == [
        ("sync", "2026-11-25 05:00", "succeeded", False),
        ("sync", "2026-11-25 06:00", "succeeded", True),
        ("sync", "2026-11-25 07:00", "missed", False),
    ]  # 08:00 is within the grace period: not due yet
    assert history.runs[1].delay == timedelta(minutes=3)
    late = history_for(catalogue(hourly), logs, now=NOW, since=since, statuses=["late"])
    assert rows(late.runs) == [("sync", "2026-11-25 06:00", "succeeded", True)]
    missed = history_for(catalogue(hourly), logs, now=NOW, since=since, statuses=["missed", "late"])
    assert [r.scheduled_time for r in missed.runs] == [
        at("2026-11-25T06:00:00"),
        at("2026-11-25T07:00:00"),
    ]


def test_an_unknown_status_is_a_usage_error_naming_the_choices() -> None:
    with pytest.raises(UsageError) as caught:
        history_for(catalogue(WEEKLY), FakeLogs(), now=NOW, since=SINCE, statuses=["broken"])
    assert caught.value.message == "unknown run status broken"
    assert caught.value.hint == (
        "choose from succeeded, failed, timed_out, running, missed, unknown, late"
    )


def test_a_fargate_job_is_not_tracked_rather_than_missed() -> None:
    reindex = fargate_job("search-reindex", "0 3 * * 0")
    logs = FakeLogs()
    history = history_for(catalogue(reindex), logs, now=NOW, since=SINCE)
    assert history.runs == []
    assert logs.reads == []
    assert [(jh.job.name, jh.tracked) for jh in history.jobs] == [("search-reindex", False)]
    assert history.notes == [
        (
            "search-reindex",
            "runs on Fargate: sched reads Lambda logs only, so its runs are not tracked",
        )
    ]


def test_a_disabled_job_expects_no_runs() -> None:
    paused = job("log-backup", "cron(0 2 ? * MON *)", enabled=False)
    history = history_for(catalogue(paused), weekly_logs(), now=NOW, since=SINCE)
    assert rows(history.runs) == [
        ("log-backup", "2026-11-02 02:00", "succeeded", False),
        ("log-backup", "2026-11-16 02:00", "failed", False),
    ]
    assert history.notes == [("log-backup", "disabled: no runs expected")]


def test_a_job_on_an_existing_function_reads_that_functions_log_group() -> None:
    legacy = job(
        "legacy",
        "cron(0 2 ? * MON *)",
        handler=None,
        function="arn:aws:lambda:eu-west-1:123456789012:function:old-backup:live",
    )
    logs = FakeLogs()
    history_for(catalogue(legacy), logs, now=NOW, since=at("2026-11-24T00:00:00"))
    assert [read[0] for read in logs.reads] == ["/aws/lambda/old-backup"]


def test_the_jobs_argument_selects_and_an_unknown_job_is_an_error() -> None:
    other = job("other", "cron(0 3 * * ? *)")
    logs = weekly_logs()
    history = history_for(catalogue(WEEKLY, other), logs, now=NOW, since=SINCE, jobs=["log-backup"])
    assert {r.job for r in history.runs} == {"log-backup"}
    assert [read[0] for read in logs.reads] == [group("log-backup")]
    with pytest.raises(UnknownJob) as caught:
        history_for(catalogue(WEEKLY, other), logs, now=NOW, since=SINCE, jobs=["nope"])
    assert caught.value.message == "no job named 'nope' in catalogue 'acme-ops'"
    assert caught.value.hint == "jobs: log-backup, other"


class _Gate(FakeLogs):
    """Lets a read finish only once `parties` reads are in progress at the same time."""

    def __init__(self, parties: int, timeout: float = 5.0) -> None:
        super().__init__()
        self.barrier = threading.Barrier(parties, timeout=timeout)

    def events(self, log_group: str, start_ms: int, end_ms: int) -> Iterator[LogEvent]:
        self.barrier.wait()
        return super().events(log_group, start_ms, end_ms)


def test_log_groups_are_read_concurrently() -> None:
    jobs = [job(f"job-{i}", "cron(0 2 * * ? *)") for i in range(4)]
    history = history_for(catalogue(*jobs), _Gate(4), now=NOW, since=at("2026-11-24T00:00:00"))
    assert [jh.job.name for jh in history.jobs] == ["job-0", "job-1", "job-2", "job-3"]


def test_one_worker_reads_one_group_at_a_time() -> None:
    jobs = [job(f"job-{i}", "cron(0 2 * * ? *)") for i in range(2)]
    with pytest.raises(threading.BrokenBarrierError):
        history_for(
            catalogue(*jobs),
            _Gate(2, timeout=0.3),
            now=NOW,
            since=at("2026-11-24T00:00:00"),
            workers=1,
        )


class TestRate:
    """rate() counts from a deployment time no log shows: fires come from the logged runs."""

    HOURLY = job("tmp-cleanup", "rate(1 hour)")
    SINCE = at("2026-11-25T00:00:00")

    def history(self, *fires: str, now: str = "2026-11-25T08:00:00") -> list[tuple[str, str]]:
        events = [
            e
            for i, fire in enumerate(fires)
            for e in run_events(
                "tmp-cleanup", at(fire), request_id=f"r-{i}", duration=timedelta(seconds=5)
            )
        ]
        history = history_for(
            catalogue(self.HOURLY),
            FakeLogs({group("tmp-cleanup"): events}),
            now=at(now),
            since=self.SINCE,
        )
        return [(f"{r.scheduled_time:%H:%M}", r.status.value) for r in history.runs]

    def test_no_logged_run_means_nothing_is_reported_missed(self) -> None:
        history = history_for(catalogue(self.HOURLY), FakeLogs(), now=NOW, since=self.SINCE)
        assert history.runs == []
        assert history.notes == [
            (
                "tmp-cleanup",
                "rate(1 hour) counts from its deployment, which the logs do not show; no logged"
                " run to count from, so no run is reported missed",
            )
        ]

    def test_gaps_on_the_grid_of_the_logged_runs_are_missed(self) -> None:
        assert self.history("2026-11-25T05:17:00", "2026-11-25T07:17:00") == [
            ("05:17", "succeeded"),
            ("06:17", "missed"),
            ("07:17", "succeeded"),
        ]

    def test_fires_after_the_last_logged_run_are_missed_once_due(self) -> None:
        assert self.history("2026-11-25T05:17:00", now="2026-11-25T07:30:00") == [
            ("05:17", "succeeded"),
            ("06:17", "missed"),
            ("07:17", "missed"),
        ]

    def test_a_run_just_before_the_window_anchors_the_grid(self) -> None:
        assert self.history(
            "2026-11-24T23:40:00", "2026-11-25T02:40:00", now="2026-11-25T03:00:00"
        ) == [
            ("00:40", "missed"),
            ("01:40", "missed"),
            ("02:40", "succeeded"),
        ]

    def test_nothing_before_the_first_logged_run_is_expected(self) -> None:
        history = history_for(
            catalogue(self.HOURLY),
            FakeLogs(
                {
                    group("tmp-cleanup"): run_events(
                        "tmp-cleanup", at("2026-11-25T06:17:00"), request_id="r-0"
                    )
                }
            ),
            now=at("2026-11-25T07:00:00"),
            since=self.SINCE,
        )
        assert [r.status for r in history.runs] == [RunStatus.SUCCEEDED]
        assert history.notes == [
            (
                "tmp-cleanup",
                "rate(1 hour) counts from its deployment, which the logs do not show; misses are"
                " counted from the first logged run (2026-11-25 06:17 UTC)",
            )
        ]

    def test_a_redeployment_that_moves_the_grid_is_not_a_miss(self) -> None:
        # Redeployed at 06:40: the 06:17 grid stops, a 07:40 grid starts; no fire fits between.
        assert self.history(
            "2026-11-25T05:17:00",
            "2026-11-25T06:17:00",
            "2026-11-25T07:40:00",
            now="2026-11-25T07:50:00",
        ) == [
            ("05:17", "succeeded"),
            ("06:17", "succeeded"),
            ("07:40", "succeeded"),
        ]


def _with_a_manual_run_for_an_old_fire() -> FakeLogs:
    logs = weekly_logs()
    logs.groups[group("log-backup")] += run_events(
        "log-backup",
        at("2026-10-05T02:00:00"),  # sched run --scheduled-time: the fire it stands in for
        request_id="cccc-3",
        trigger="manual",
        start=at("2026-11-24T10:00:00"),
    )
    return logs


def test_a_manual_run_is_listed_where_it_started_not_at_its_scheduled_time() -> None:
    history = history_for(
        catalogue(WEEKLY), _with_a_manual_run_for_an_old_fire(), now=NOW, since=SINCE
    )
    assert [(r.request_id, r.status.value) for r in history.runs] == [
        ("aaaa-1", "succeeded"),
        ("", "missed"),
        ("bbbb-2", "failed"),
        ("", "missed"),
        ("cccc-3", "succeeded"),
    ]


def test_a_manual_run_is_within_since_by_its_start() -> None:
    history = history_for(
        catalogue(WEEKLY),
        _with_a_manual_run_for_an_old_fire(),
        now=NOW,
        since=at("2026-11-24T00:00:00"),
    )
    assert [(r.request_id, r.start) for r in history.runs] == [
        ("cccc-3", at("2026-11-24T10:00:00"))
    ]
