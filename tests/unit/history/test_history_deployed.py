"""A job sched deployed within the window expects no fire from before its deployment: history and
status count misses from the later of the window start and the deployment time."""

from __future__ import annotations

from datetime import timedelta

from run_fakes import FakeDeployments, FakeLogs
from run_support import at, catalogue, fargate_job, group, job, run_events

from scheduler.history import Attention, Run, RunStatus
from scheduler.history.read import history_for
from scheduler.history.status import status_for
from scheduler.history.targets import deployment_times

NOW = at("2026-11-25T08:00:00")  # a Wednesday
DAILY = job("daily", "cron(0 2 * * ? *)")
LEGACY = job(
    "legacy",
    "cron(0 2 * * ? *)",
    handler=None,
    function="arn:aws:lambda:eu-west-1:123456789012:function:old-daily",
)


def rows(runs: tuple[Run, ...] | list[Run]) -> list[tuple[str, str]]:
    return [(f"{r.scheduled_time:%m-%d %H:%M}", r.status.value) for r in runs]


def daily_runs(*days: int) -> FakeLogs:
    return FakeLogs(
        {
            group("daily"): [
                e
                for day in days
                for e in run_events("daily", at(f"2026-11-{day}T02:00:00"), request_id=f"d-{day}")
            ]
        }
    )


class TestDeploymentTimes:
    def test_one_call_asks_for_the_functions_sched_deploys_and_answers_by_job(self) -> None:
        source = FakeDeployments(
            {
                "acme-ops-daily": at("2026-11-25T06:00:00"),
                "acme-ops-weekly": at("2026-11-20T10:00:00"),
                "old-daily": at("2026-01-01T00:00:00"),
            }
        )
        cat = catalogue(
            DAILY,
            LEGACY,
            fargate_job("reindex", "0 3 * * 0"),
            job("weekly", "cron(0 2 ? * MON *)"),
            job("never-applied", "cron(0 5 * * ? *)"),
        )
        assert deployment_times(cat, source) == {
            "daily": at("2026-11-25T06:00:00"),
            "weekly": at("2026-11-20T10:00:00"),
        }
        assert source.calls == [("acme-ops-daily", "acme-ops-never-applied", "acme-ops-weekly")]

    def test_nothing_is_asked_when_sched_deploys_no_function(self) -> None:
        source = FakeDeployments()
        assert (
            deployment_times(catalogue(LEGACY, fargate_job("reindex", "0 3 * * 0")), source) == {}
        )
        assert source.calls == []


class TestStatus:
    def test_a_daily_job_deployed_two_hours_ago_with_no_runs_has_missed_nothing(self) -> None:
        (before,) = status_for(catalogue(DAILY), FakeLogs(), now=NOW)
        assert before.status is not None and before.status.missed == 7  # the false alarm

        (row,) = status_for(
            catalogue(DAILY), FakeLogs(), now=NOW, deployed={"daily": NOW - timedelta(hours=2)}
        )
        assert row.status is not None
        assert (row.attention, row.status.runs, row.status.missed) == (Attention.NO_RUNS, 0, 0)
        assert row.note == "deployed 2026-11-25 06:00 UTC; earlier fires are not expected"

    def test_a_job_deployed_three_days_ago_that_never_ran_missed_the_three_fires_since(
        self,
    ) -> None:
        (row,) = status_for(
            catalogue(DAILY), FakeLogs(), now=NOW, deployed={"daily": NOW - timedelta(days=3)}
        )
        assert row.status is not None
        assert (row.attention, row.status.runs, row.status.missed) == (Attention.MISSING, 3, 3)
        assert row.status.last_run is not None
        assert row.status.last_run.scheduled_time == at("2026-11-25T02:00:00")


class TestHistory:
    def test_only_the_fires_after_the_deployment_are_missed(self) -> None:
        history = history_for(
            catalogue(DAILY),
            FakeLogs(),
            now=NOW,
            since=NOW - timedelta(days=7),
            deployed={"daily": at("2026-11-22T08:00:00")},
        )
        assert rows(history.runs) == [
            ("11-23 02:00", "missed"),
            ("11-24 02:00", "missed"),
            ("11-25 02:00", "missed"),
        ]
        assert history.notes == [
            ("daily", "deployed 2026-11-22 08:00 UTC; earlier fires are not expected")
        ]

    def test_a_fire_just_after_the_deployment_is_expected_one_at_it_is_not(self) -> None:
        def missed(deployed: str) -> list[tuple[str, str]]:
            history = history_for(
                catalogue(DAILY),
                FakeLogs(),
                now=NOW,
                since=at("2026-11-23T00:00:00"),
                deployed={"daily": at(deployed)},
            )
            return rows(history.runs)

        assert missed("2026-11-24T01:59:00") == [
            ("11-24 02:00", "missed"),
            ("11-25 02:00", "missed"),
        ]
        assert missed("2026-11-24T02:00:00") == [("11-25 02:00", "missed")]

    def test_runs_before_the_deployment_are_still_shown(self) -> None:
        history = history_for(
            catalogue(DAILY),
            daily_runs(21, 22, 23, 24),
            now=NOW,
            since=at("2026-11-20T00:00:00"),
            deployed={"daily": at("2026-11-24T12:00:00")},
        )
        assert rows(history.runs) == [
            ("11-21 02:00", "succeeded"),
            ("11-22 02:00", "succeeded"),
            ("11-23 02:00", "succeeded"),
            ("11-24 02:00", "succeeded"),
            ("11-25 02:00", "missed"),
        ]

    def test_the_note_appears_only_when_a_fire_left_out_would_have_been_missed(self) -> None:
        deployed = {"daily": at("2026-11-24T12:00:00")}
        since = at("2026-11-20T00:00:00")
        all_ran = history_for(
            catalogue(DAILY), daily_runs(20, 21, 22, 23, 24, 25), now=NOW, since=since
        )
        redeployed = history_for(
            catalogue(DAILY),
            daily_runs(20, 21, 22, 23, 24, 25),
            now=NOW,
            since=since,
            deployed=deployed,
        )
        assert rows(redeployed.runs) == rows(all_ran.runs)
        assert redeployed.notes == []
        gap = history_for(
            catalogue(DAILY), daily_runs(20, 21, 23, 24), now=NOW, since=since, deployed=deployed
        )
        assert [r for r in rows(gap.runs) if r[1] == "missed"] == [("11-25 02:00", "missed")]
        assert gap.notes == [
            ("daily", "deployed 2026-11-24 12:00 UTC; earlier fires are not expected")
        ]

    def test_a_deployment_before_the_window_changes_nothing(self) -> None:
        history = history_for(
            catalogue(DAILY),
            FakeLogs(),
            now=NOW,
            since=at("2026-11-23T00:00:00"),
            deployed={"daily": at("2026-11-22T23:59:00")},
        )
        assert rows(history.runs) == [
            ("11-23 02:00", "missed"),
            ("11-24 02:00", "missed"),
            ("11-25 02:00", "missed"),
        ]
        assert history.notes == []

    def test_a_window_that_ended_before_the_deployment_expects_nothing(self) -> None:
        history = history_for(
            catalogue(DAILY),
            FakeLogs(),
            now=NOW,
            since=at("2026-11-20T00:00:00"),
            until=at("2026-11-23T00:00:00"),
            deployed={"daily": at("2026-11-24T12:00:00")},
        )
        assert history.runs == []
        assert history.notes == [
            ("daily", "deployed 2026-11-24 12:00 UTC; earlier fires are not expected")
        ]

    def test_a_job_on_an_existing_function_keeps_every_fire(self) -> None:
        history = history_for(
            catalogue(LEGACY),
            FakeLogs(),
            now=NOW,
            since=at("2026-11-23T00:00:00"),
            deployed={"legacy": at("2026-11-25T06:00:00")},
        )
        assert rows(history.runs) == [
            ("11-23 02:00", "missed"),
            ("11-24 02:00", "missed"),
            ("11-25 02:00", "missed"),
        ]
        assert history.notes == []

    def test_a_jobs_deployment_does_not_shorten_another_jobs_window(self) -> None:
        other = job("other", "cron(0 3 * * ? *)")
        history = history_for(
            catalogue(DAILY, other),
            FakeLogs(),
            now=NOW,
            since=at("2026-11-24T00:00:00"),
            deployed={"daily": at("2026-11-25T06:00:00"), "other": at("2026-11-01T00:00:00")},
        )
        assert [(r.job, *row) for r, row in zip(history.runs, rows(history.runs), strict=True)] == [
            ("other", "11-24 03:00", "missed"),
            ("other", "11-25 03:00", "missed"),
        ]

    def test_a_rate_job_expects_no_grid_fire_before_its_deployment(self) -> None:
        hourly = job("tmp-cleanup", "rate(1 hour)")
        logs = FakeLogs(
            {
                group("tmp-cleanup"): [
                    *run_events("tmp-cleanup", at("2026-11-25T03:17:00"), request_id="r-1"),
                    *run_events("tmp-cleanup", at("2026-11-25T07:17:00"), request_id="r-2"),
                ]
            }
        )
        since = at("2026-11-25T00:00:00")
        before = history_for(catalogue(hourly), logs, now=NOW, since=since)
        assert [s for _, s in rows(before.runs)].count(RunStatus.MISSED.value) == 3
        history = history_for(
            catalogue(hourly),
            logs,
            now=NOW,
            since=since,
            deployed={"tmp-cleanup": at("2026-11-25T06:30:00")},
        )
        assert rows(history.runs) == [("11-25 03:17", "succeeded"), ("11-25 07:17", "succeeded")]
        assert history.notes == [
            ("tmp-cleanup", "deployed 2026-11-25 06:30 UTC; earlier fires are not expected")
        ]
