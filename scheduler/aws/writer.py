"""The ResourceWriter: sends each create/update/delete to the writer of its resource kind.

One routing (`AwsResourceWriter._route`) pairs a resource with its kind's writer, so a new kind
is one `case`. Thread-safe: the writers share boto3 clients (thread-safe) and keep no other state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar, assert_never

from scheduler.aws.clients import Clients
from scheduler.aws.rates import lane_limit
from scheduler.aws.retry import DELAYS, Pacing, Sleep
from scheduler.aws.write_alias import AliasWriter
from scheduler.aws.write_events import RuleWriter, TargetWriter
from scheduler.aws.write_iam import RoleWriter
from scheduler.aws.write_lambda import FunctionWriter
from scheduler.aws.write_permissions import PermissionWriter
from scheduler.aws.write_scheduler import ScheduleGroupWriter, ScheduleWriter
from scheduler.aws.write_sns import TopicWriter
from scheduler.aws.write_sqs import QueueStatementWriter
from scheduler.resources import (
    Alias,
    Function,
    Permission,
    QueueStatement,
    Resource,
    Role,
    Rule,
    Schedule,
    ScheduleGroup,
    Target,
    Topic,
)

R = TypeVar("R", bound=Resource)
R_contra = TypeVar("R_contra", bound=Resource, contravariant=True)


class KindWriter(Protocol[R_contra]):
    """What each per-service writer (`aws/write_*.py`) does for its one kind of resource."""

    def create(self, resource: R_contra) -> None: ...

    def update(self, before: R_contra, after: R_contra) -> None: ...

    def delete(self, resource: R_contra) -> None: ...


class _Change(Protocol):
    """A resource together with the writer of its kind: what `_route` returns."""

    def create(self) -> None: ...

    def update(self, before: Resource) -> None: ...

    def delete(self) -> None: ...


@dataclass(frozen=True)
class _Routed(Generic[R]):
    """One resource and its kind's writer; built per call, so nothing is shared between threads."""

    writer: KindWriter[R]
    resource: R

    def create(self) -> None:
        self.writer.create(self.resource)

    def update(self, before: Resource) -> None:
        # Plan pairs a deployed and a desired resource by (kind, name): both are of one kind.
        assert isinstance(before, type(self.resource))
        self.writer.update(before, self.resource)

    def delete(self) -> None:
        self.writer.delete(self.resource)


class AwsResourceWriter:
    """`ResourceWriter` over boto3 clients, and interruptible (see `apply.Interruptible`).

    Changes AWS is not ready for yet (IAM propagation, a function busy updating) are tried again
    after each of `delays` (none: one attempt, for an endpoint with nothing to wait for, like
    moto); `sleep` replaces the waiting (tests pass one that does not wait). `interrupt()` cuts
    every pause short: the changes waiting fail as `Interrupted`. `local` works around what
    the embedded local AWS (moto) does differently from AWS.
    """

    def __init__(
        self,
        clients: Clients,
        *,
        region: str,
        account: str,
        sleep: Sleep | None = None,
        delays: tuple[float, ...] = DELAYS,
        local: bool = False,
    ) -> None:
        self.pacing = Pacing(delays, sleep)
        self.roles = RoleWriter(clients)
        self.functions = FunctionWriter(
            clients, region=region, account=account, pacing=self.pacing, local=local
        )
        self.aliases = AliasWriter(clients, pacing=self.pacing)
        self.permissions = PermissionWriter(
            clients, region=region, account=account, pacing=self.pacing
        )
        self.rules = RuleWriter(clients, region=region, account=account)
        self.targets = TargetWriter(clients)
        self.queue_statements = QueueStatementWriter(clients)
        self.groups = ScheduleGroupWriter(clients, region=region, account=account)
        self.schedules = ScheduleWriter(clients, pacing=self.pacing)
        self.topics = TopicWriter(clients, region=region, account=account)

    def interrupt(self) -> None:
        """Stop waiting: pauses end now, and the changes in them fail as interrupted."""
        self.pacing.stop.set()

    def resume(self) -> None:
        """Wait again as usual (a new apply after an interrupted one)."""
        self.pacing.stop.clear()

    def create(self, resource: Resource) -> None:
        self._route(resource).create()

    def update(self, before: Resource, after: Resource) -> None:
        self._route(after).update(before)

    def delete(self, resource: Resource) -> None:
        self._route(resource).delete()

    def lane(self, resource: Resource) -> tuple[str, int]:
        """The service a change of `resource` calls, and how many may run at once
        (`apply.Laned`; `rates.lane_limit`)."""
        service = _service(resource)
        return service, lane_limit(service)

    def _route(self, resource: Resource) -> _Change:
        """The resource with the writer of its kind (mypy checks that the two agree)."""
        match resource:
            case Role():
                return _Routed(self.roles, resource)
            case Function():
                return _Routed(self.functions, resource)
            case Alias():
                return _Routed(self.aliases, resource)
            case Permission():
                return _Routed(self.permissions, resource)
            case Rule():
                return _Routed(self.rules, resource)
            case QueueStatement():
                return _Routed(self.queue_statements, resource)
            case Target():
                return _Routed(self.targets, resource)
            case ScheduleGroup():
                return _Routed(self.groups, resource)
            case Schedule():
                return _Routed(self.schedules, resource)
            case Topic():
                return _Routed(self.topics, resource)
            case _:
                assert_never(resource)


def _service(resource: Resource) -> str:
    match resource:
        case Role():
            return "iam"
        case Function() | Alias() | Permission():
            return "lambda"
        case Rule() | Target():
            return "events"
        case ScheduleGroup() | Schedule():
            return "scheduler"
        case Topic():
            return "sns"
        case QueueStatement():
            return "sqs"
        case _:
            assert_never(resource)
