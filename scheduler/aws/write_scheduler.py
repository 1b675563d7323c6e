"""Creates, updates and deletes EventBridge Scheduler schedule groups (tagged) and schedules.

UpdateSchedule replaces a schedule's whole definition, so an update sends every field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from scheduler import naming
from scheduler.aws.clients import Clients
from scheduler.aws.convert import (
    flexible_window_to_aws,
    schedule_dates_to_aws,
    schedule_target_to_aws,
    scheduler_tags,
    tag_changes,
)
from scheduler.aws.errors import translated
from scheduler.aws.existing import made_by_this_catalogue, taken
from scheduler.aws.retry import Pacing, retrying, role_hint, role_not_ready
from scheduler.errors import AwsError, Conflict, NotFound
from scheduler.resources import Schedule, ScheduleGroup

if TYPE_CHECKING:
    from mypy_boto3_scheduler.literals import ScheduleStateType


class ScheduleGroupWriter:
    def __init__(self, clients: Clients, *, region: str, account: str) -> None:
        self.c = clients
        self.region = region
        self.account = account

    def create(self, group: ScheduleGroup) -> None:
        try:
            with translated("scheduler", group.name):
                self.c.scheduler.create_schedule_group(
                    Name=group.name, Tags=scheduler_tags(group.tags)
                )
        except Conflict as error:
            arn = _group_arn(self.region, self.account, group.name)
            with translated("scheduler", group.name):
                listed = self.c.scheduler.list_tags_for_resource(ResourceArn=arn)["Tags"]
            found = {t["Key"]: t["Value"] for t in listed}
            if not made_by_this_catalogue(found, group.tags):
                raise taken(error, "schedule group", group.name, found) from error

    def update(self, before: ScheduleGroup, after: ScheduleGroup) -> None:
        arn = _group_arn(self.region, self.account, after.name)
        to_set, to_remove = tag_changes(before.tags, after.tags)
        with translated("scheduler", after.name):
            if to_set:
                self.c.scheduler.tag_resource(
                    ResourceArn=arn, Tags=scheduler_tags(tuple(sorted(to_set.items())))
                )
            if to_remove:
                self.c.scheduler.untag_resource(ResourceArn=arn, TagKeys=to_remove)

    def delete(self, group: ScheduleGroup) -> None:
        # Deleting a group deletes the schedules left in it (asynchronously).
        try:
            with translated("scheduler", group.name):
                self.c.scheduler.delete_schedule_group(Name=group.name)
        except NotFound:
            return


# The service that assumes a schedule's role to invoke its target.
_SCHEDULER_PRINCIPAL = "scheduler.amazonaws.com"


class ScheduleWriter:
    def __init__(self, clients: Clients, *, pacing: Pacing) -> None:
        self.c = clients
        self.pacing = pacing

    def _retry(self, schedule: Schedule, call: Callable[[], object]) -> None:
        try:
            retrying(
                call, role_not_ready, self.pacing, service="scheduler", resource=schedule.key_name
            )
        except AwsError as error:
            raise role_hint(error, schedule.role_arn, _SCHEDULER_PRINCIPAL) from error

    def create(self, schedule: Schedule) -> None:
        try:
            self._retry(
                schedule,
                lambda: self.c.scheduler.create_schedule(**_request(schedule)),
            )
        except Conflict as error:
            # Schedules carry no tags: in the catalogue's own group, one that runs as the role
            # sched gives it is sched's (from a lost response), and is made the one wanted.
            with translated("scheduler", schedule.key_name):
                found = self.c.scheduler.get_schedule(Name=schedule.name, GroupName=schedule.group)
            if found.get("Target", {}).get("RoleArn") != schedule.role_arn:
                raise Conflict(
                    error.action,
                    f"a schedule named {schedule.key_name} exists and sched did not create it",
                    "rename the job, or delete that schedule from the group",
                    code=error.code,
                    resource=schedule.key_name,
                ) from error
            self.update(schedule, schedule)

    def update(self, before: Schedule, after: Schedule) -> None:
        self._retry(
            after,
            lambda: self.c.scheduler.update_schedule(**_request(after)),
        )

    def delete(self, schedule: Schedule) -> None:
        try:
            with translated("scheduler", schedule.key_name):
                self.c.scheduler.delete_schedule(Name=schedule.name, GroupName=schedule.group)
        except NotFound:
            return


def _group_arn(region: str, account: str, name: str) -> str:
    partition = naming.partition(region)
    return f"arn:{partition}:scheduler:{region}:{account}:schedule-group/{name}"


def _state(schedule: Schedule) -> ScheduleStateType:
    state: ScheduleStateType = schedule.state.value
    return state


def _request(schedule: Schedule) -> dict[str, Any]:
    """CreateSchedule and UpdateSchedule take the same, whole description of a schedule."""
    request: dict[str, Any] = {
        "Name": schedule.name,
        "GroupName": schedule.group,
        "ScheduleExpression": schedule.expression,
        "ScheduleExpressionTimezone": schedule.timezone,
        "Description": schedule.description,
        "State": _state(schedule),
        "FlexibleTimeWindow": flexible_window_to_aws(schedule),
        "Target": schedule_target_to_aws(schedule),
    }
    request.update(schedule_dates_to_aws(schedule))
    if schedule.action_after_completion is not None:
        request["ActionAfterCompletion"] = schedule.action_after_completion
    return request
