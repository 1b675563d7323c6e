"""The ResourceWriter: sends each create/update/delete to the writer of its resource kind.

Thread-safe: the writers share boto3 clients (thread-safe) and keep no other state.
"""

from __future__ import annotations

from typing import assert_never

from scheduler.aws.clients import Clients
from scheduler.aws.retry import DELAYS, Pacing, Sleep
from scheduler.aws.write_events import RuleWriter, TargetWriter
from scheduler.aws.write_iam import RoleWriter
from scheduler.aws.write_lambda import FunctionWriter, PermissionWriter
from scheduler.aws.write_scheduler import ScheduleGroupWriter, ScheduleWriter
from scheduler.resources import (
    Function,
    Permission,
    Resource,
    Role,
    Rule,
    Schedule,
    ScheduleGroup,
    Target,
)


class AwsResourceWriter:
    """`ResourceWriter` over boto3 clients, and interruptible (see `apply.Interruptible`).

    Changes AWS is not ready for yet (IAM propagation, a function busy updating) are tried again
    after each of `delays` (none: one attempt, for an endpoint with nothing to wait for, like
    moto); `sleep` replaces the waiting (tests pass one that does not wait). `interrupt()` cuts
    every pause short: the changes waiting fail as `Interrupted`.
    """

    def __init__(
        self,
        clients: Clients,
        *,
        region: str,
        account: str,
        sleep: Sleep | None = None,
        delays: tuple[float, ...] = DELAYS,
    ) -> None:
        self.pacing = Pacing(delays, sleep)
        self.roles = RoleWriter(clients)
        self.functions = FunctionWriter(clients, region=region, account=account, pacing=self.pacing)
        self.permissions = PermissionWriter(clients, pacing=self.pacing)
        self.rules = RuleWriter(clients, region=region, account=account)
        self.targets = TargetWriter(clients)
        self.groups = ScheduleGroupWriter(clients, region=region, account=account)
        self.schedules = ScheduleWriter(clients, pacing=self.pacing)

    def interrupt(self) -> None:
        """Stop waiting: pauses end now, and the changes in them fail as interrupted."""
        self.pacing.stop.set()

    def resume(self) -> None:
        """Wait again as usual (a new apply after an interrupted one)."""
        self.pacing.stop.clear()

    def create(self, resource: Resource) -> None:
        match resource:
            case Role():
                self.roles.create(resource)
            case Function():
                self.functions.create(resource)
            case Permission():
                self.permissions.create(resource)
            case Rule():
                self.rules.create(resource)
            case Target():
                self.targets.create(resource)
            case ScheduleGroup():
                self.groups.create(resource)
            case Schedule():
                self.schedules.create(resource)
            case _:
                assert_never(resource)

    def update(self, before: Resource, after: Resource) -> None:
        match after:
            case Role():
                assert isinstance(before, Role)
                self.roles.update(before, after)
            case Function():
                assert isinstance(before, Function)
                self.functions.update(before, after)
            case Permission():
                assert isinstance(before, Permission)
                self.permissions.update(before, after)
            case Rule():
                assert isinstance(before, Rule)
                self.rules.update(before, after)
            case Target():
                assert isinstance(before, Target)
                self.targets.update(before, after)
            case ScheduleGroup():
                assert isinstance(before, ScheduleGroup)
                self.groups.update(before, after)
            case Schedule():
                assert isinstance(before, Schedule)
                self.schedules.update(before, after)
            case _:
                assert_never(after)

    def delete(self, resource: Resource) -> None:
        match resource:
            case Role():
                self.roles.delete(resource)
            case Function():
                self.functions.delete(resource)
            case Permission():
                self.permissions.delete(resource)
            case Rule():
                self.rules.delete(resource)
            case Target():
                self.targets.delete(resource)
            case ScheduleGroup():
                self.groups.delete(resource)
            case Schedule():
                self.schedules.delete(resource)
            case _:
                assert_never(resource)
