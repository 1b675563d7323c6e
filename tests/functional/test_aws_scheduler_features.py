"""EventBridge Scheduler's own settings round-trip through plan and apply on moto: what sched
writes it reads back equal, so a second plan is empty."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from aws_support import compile_for, load_catalogue, read_back, write_catalogue

from scheduler.apply import apply_plan
from scheduler.aws import AwsContext
from scheduler.plan import make_plan

CATALOGUE = """\
catalogue: acme
jobs:
  export:
    schedule: "0 2 * * *"
    backend: scheduler
    timezone: Europe/Paris
    flexible_window: 45m
    expected_runtime: 1m
    handler: jobs/export/handler.py:main
"""


def test_a_flexible_window_is_written_read_back_and_plans_nothing_after(
    aws: AwsContext, tmp_path: Path
) -> None:
    desired = compile_for(load_catalogue(write_catalogue(tmp_path, CATALOGUE)), aws, tmp_path)
    result = apply_plan(make_plan(desired, read_back(aws, "acme", desired)), aws.writer)
    assert result.ok, result.failed

    written = aws.session.client("scheduler").get_schedule(GroupName="acme", Name="acme-export")
    assert written["FlexibleTimeWindow"] == {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 45}
    assert make_plan(desired, read_back(aws, "acme", desired)).pending == ()

    narrower = CATALOGUE.replace("45m", "10m")
    changed = compile_for(load_catalogue(write_catalogue(tmp_path, narrower)), aws, tmp_path)
    plan = make_plan(changed, read_back(aws, "acme", changed))
    assert [c.name for c in plan.pending] == ["acme/acme-export"]
    assert apply_plan(plan, aws.writer).ok
    assert make_plan(changed, read_back(aws, "acme", changed)).pending == ()


DATED = """\
catalogue: acme
jobs:
  export:
    schedule: "0 2 * * *"
    backend: scheduler
    timezone: Europe/Paris
    start: 2199-01-01T00:00:00
    end: 2199-06-01T00:00:00
    expected_runtime: 1m
    handler: jobs/export/handler.py:main
"""


def test_start_and_end_dates_are_written_read_back_and_plan_nothing_after(
    aws: AwsContext, tmp_path: Path
) -> None:
    desired = compile_for(load_catalogue(write_catalogue(tmp_path, DATED)), aws, tmp_path)
    result = apply_plan(make_plan(desired, read_back(aws, "acme", desired)), aws.writer)
    assert result.ok, result.failed

    written = aws.session.client("scheduler").get_schedule(GroupName="acme", Name="acme-export")
    assert written["StartDate"].isoformat() == "2198-12-31T23:00:00+00:00"  # Paris midnight
    assert written["EndDate"].isoformat() == "2199-05-31T22:00:00+00:00"
    assert make_plan(desired, read_back(aws, "acme", desired)).pending == ()

    undated = DATED.replace("    end: 2199-06-01T00:00:00\n", "")
    changed = compile_for(load_catalogue(write_catalogue(tmp_path, undated)), aws, tmp_path)
    assert apply_plan(make_plan(changed, read_back(aws, "acme", changed)), aws.writer).ok
    written = aws.session.client("scheduler").get_schedule(GroupName="acme", Name="acme-export")
    assert "EndDate" not in written or written["EndDate"] is None
    assert make_plan(changed, read_back(aws, "acme", changed)).pending == ()


ONE_OFF = """\
catalogue: acme
jobs:
  export:
    schedule: at(2199-03-01T09:00:00)
    backend: scheduler
    expected_runtime: 1m
    handler: jobs/export/handler.py:main
"""


def test_a_one_off_deletes_itself_and_is_not_created_again_once_run(
    aws: AwsContext, tmp_path: Path
) -> None:
    desired = compile_for(load_catalogue(write_catalogue(tmp_path, ONE_OFF)), aws, tmp_path)
    result = apply_plan(make_plan(desired, read_back(aws, "acme", desired)), aws.writer)
    assert result.ok, result.failed
    client = aws.session.client("scheduler")
    written = client.get_schedule(GroupName="acme", Name="acme-export")
    assert written["ActionAfterCompletion"] == "DELETE"
    before_its_time = datetime(2199, 3, 1, 8, 59, tzinfo=UTC)
    assert make_plan(desired, read_back(aws, "acme", desired), now=before_its_time).pending == ()

    client.delete_schedule(GroupName="acme", Name="acme-export")  # as Scheduler does after it ran
    after_its_time = datetime(2199, 3, 1, 9, 1, tzinfo=UTC)
    plan = make_plan(desired, read_back(aws, "acme", desired), now=after_its_time)
    assert plan.pending == ()
    assert [s.key_name for s in plan.finished] == ["acme/acme-export"]


FARGATE = """\
catalogue: acme
jobs:
  reindex:
    schedule: "0 3 * * 0"
    backend: scheduler
    timezone: America/New_York
    expected_runtime: 45m
    compute: fargate
    fargate:
      cluster: batch
      task_definition: reindex
      subnets: [subnet-2, subnet-1]
      security_groups: [sg-1]
      container: app
"""


def test_a_fargate_job_on_scheduler_round_trips_with_its_zone(
    aws: AwsContext, tmp_path: Path
) -> None:
    desired = compile_for(load_catalogue(write_catalogue(tmp_path, FARGATE)), aws, tmp_path)
    result = apply_plan(make_plan(desired, read_back(aws, "acme", desired)), aws.writer)
    assert result.ok, result.failed
    written = aws.session.client("scheduler").get_schedule(GroupName="acme", Name="acme-reindex")
    assert written["ScheduleExpressionTimezone"] == "America/New_York"
    ecs = written["Target"]["EcsParameters"]
    assert ecs["LaunchType"] == "FARGATE"
    assert ecs["NetworkConfiguration"]["awsvpcConfiguration"]["Subnets"] == ["subnet-1", "subnet-2"]
    assert _rules(aws) == []
    assert make_plan(desired, read_back(aws, "acme", desired)).pending == ()


def _rules(aws: AwsContext) -> list[str]:
    rules = aws.session.client("events").list_rules(NamePrefix="acme-")["Rules"]
    return [r["Name"] for r in rules]
