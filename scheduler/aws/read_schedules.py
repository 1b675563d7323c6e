"""One catalogue's EventBridge Scheduler resources, for the StateReader: the schedule groups
with its names (owned by name and tags), and in the owned ones the schedules, read one by one
when they have its names (`owns_schedule`); any other schedule there is a person's.
"""

from __future__ import annotations

from scheduler import naming
from scheduler.aws.convert import schedule_from_aws, tags_from_list
from scheduler.aws.errors import translated
from scheduler.aws.read_scope import ScopedRead
from scheduler.errors import NotFound
from scheduler.resource_state import Unowned
from scheduler.resources import Resource, ResourceKind, Schedule, ScheduleGroup, pairs
from scheduler.state import NOT_OURS, inside, owns_schedule, taken_by

_DELETING = "DELETING"


class ScheduleReader(ScopedRead):
    """The owned schedule groups and the schedules in them."""

    def read(self) -> tuple[list[Resource], list[Unowned]]:
        """The owned schedule groups and sched's schedules in them (`owns_schedule`); the
        groups with the catalogue's names it does not own, and the schedules a person added."""
        group_name = naming.schedule_group_name(self.names)
        name_prefix = _common_prefix(group_name, self.prefix)
        with translated("scheduler"):
            paginator = self.c.scheduler.get_paginator("list_schedule_groups")
            pages = (
                paginator.paginate(NamePrefix=name_prefix) if name_prefix else paginator.paginate()
            )
            groups = [
                g
                for page in pages
                for g in page["ScheduleGroups"]
                if g.get("State") != _DELETING and naming.has_owned_name(g["Name"], self.names)
            ]
        tags = self.map(self.group_tags, [g["Arn"] for g in groups])
        owned = [
            ScheduleGroup(name=g["Name"], tags=pairs(t))
            for g, t in zip(groups, tags, strict=True)
            if self.owns(g["Name"], t)
        ]
        unowned = [
            Unowned((ResourceKind.SCHEDULE_GROUP, g["Name"]), taken_by(t))
            for g, t in zip(groups, tags, strict=True)
            if not self.owns(g["Name"], t)
        ]
        listed = [
            s for names in self.map(self.schedules_in, [g.name for g in owned]) for s in names
        ]
        # A name sched never makes is someone's without reading it; the rest are read.
        named = [s for s in listed if naming.has_owned_name(s[1], self.names)]
        unowned.extend(
            Unowned((ResourceKind.SCHEDULE, f"{group}/{name}"), NOT_OURS, inside=True)
            for group, name in listed
            if not naming.has_owned_name(name, self.names)
        )
        schedules = [s for s in self.map(self.schedule, named) if s is not None]
        ours = [s for s in schedules if owns_schedule(s, self.scope)]
        unowned.extend(inside(s) for s in schedules if not owns_schedule(s, self.scope))
        return [*owned, *ours], unowned

    def group_tags(self, arn: str) -> dict[str, str]:
        with translated("scheduler", arn):
            return tags_from_list(self.c.scheduler.list_tags_for_resource(ResourceArn=arn)["Tags"])

    def schedules_in(self, group: str) -> list[tuple[str, str]]:
        with translated("scheduler", group):
            pages = self.c.scheduler.get_paginator("list_schedules").paginate(GroupName=group)
            return [(group, s["Name"]) for page in pages for s in page["Schedules"]]

    def schedule(self, key: tuple[str, str]) -> Schedule | None:
        group, name = key
        try:
            with translated("scheduler", f"{group}/{name}"):
                return schedule_from_aws(self.c.scheduler.get_schedule(GroupName=group, Name=name))
        except NotFound:  # deleted since it was listed
            return None


def _common_prefix(a: str, b: str) -> str:
    size = 0
    while size < min(len(a), len(b)) and a[size] == b[size]:
        size += 1
    return a[:size]
