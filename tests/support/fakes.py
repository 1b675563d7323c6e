"""In-memory fakes of the ports: one `FakeCloud` is both the StateReader and the ResourceWriter.

It keeps the writer contract (create of an existing resource conflicts, delete of a missing one
succeeds), the dependencies AWS enforces (a target needs its rule, a schedule its group, a
function its role, a rule cannot be deleted while it has targets) and the reader contract (only
owned resources are read back). `InterruptibleCloud` is one whose changes can wait, like the AWS
writer's retries, until apply interrupts it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping

from scheduler import naming
from scheduler.errors import Conflict, InvalidRequest
from scheduler.ports import AccountQuotas, ReadScope
from scheduler.resource_state import DeployedState, ResourceKey, key_of
from scheduler.resources import (
    Function,
    InputTransformer,
    Permission,
    Resource,
    RetryPolicy,
    Role,
    Rule,
    Schedule,
    ScheduleGroup,
    Target,
)
from scheduler.state import owned_state

Call = tuple[str, ResourceKey]
ACCOUNT = "123456789012"
REGION = "eu-west-1"


def execution_role(catalogue: str = "acme") -> Role:
    """An execution role the jobs share (sched made one per catalogue before jobs got their own;
    plan and apply treat either the same)."""
    basic = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
    marks = {naming.POLICIES_TAG: naming.mark([basic]) or ""}
    return Role(
        name=f"{catalogue}-sched-exec",
        trust_policy='{"Statement":[]}',
        managed_policy_arns=(basic,),
        tags=tuple(sorted({**naming.ownership_tags(catalogue), **marks}.items())),
    )


def job_resources(
    job: str, expression: str = "rate(5 minutes)", catalogue: str = "acme"
) -> list[Resource]:
    """A rules-backend Lambda job's function, permission, rule and target."""
    name = naming.function_name(catalogue, job)
    tags = tuple(sorted(naming.ownership_tags(catalogue, job).items()))
    role = naming.role_arn(REGION, ACCOUNT, f"{catalogue}-sched-exec")
    return [
        Function(
            name=name,
            runtime="python3.12",
            handler="sched_runtime.handler",
            role_arn=role,
            memory_mb=256,
            timeout_seconds=60,
            code_sha256="abc=",
            environment=(("SCHED_JOB", job),),
            tags=tags,
        ),
        Permission(
            function=name,
            statement_id=naming.statement_id(catalogue, job),
            principal="events.amazonaws.com",
            source_arn=naming.rule_arn(REGION, ACCOUNT, name),
        ),
        Rule(name=name, schedule_expression=expression, tags=tags),
        Target(
            rule=name,
            id="sched",
            arn=naming.function_arn(REGION, ACCOUNT, name),
            input_transformer=InputTransformer((("time", "$.time"),), '{"t":<time>}'),
            retry_policy=RetryPolicy(2, 86400),
        ),
    ]


class FakeCloud:
    """AWS as a dict of resources. `fail` maps (operation, key) to an error raised once, before
    anything changes; `before_call` runs (outside the lock) at the start of every write;
    `external` are ARNs of roles and functions that exist outside sched."""

    def __init__(
        self,
        resources: Iterable[Resource] = (),
        *,
        fail: Mapping[Call, Exception] | None = None,
        before_call: Callable[[str, Resource], None] | None = None,
        external: Iterable[str] = (),
    ) -> None:
        self.resources: dict[ResourceKey, Resource] = {key_of(r): r for r in resources}
        self.calls: list[Call] = []
        self.fail = dict(fail or {})
        self.before_call = before_call
        self.external = frozenset(external)
        self._lock = threading.Lock()

    # StateReader

    def read(self, scope: ReadScope) -> DeployedState:
        with self._lock:
            listed = list(self.resources.values())
        return owned_state(listed, scope)

    # ResourceWriter

    def create(self, resource: Resource) -> None:
        self._start("create", resource)
        with self._lock:
            if key_of(resource) in self.resources:
                raise Conflict("create", f"{key_of(resource)} exists")
            self._check_dependencies(resource)
            self.resources[key_of(resource)] = resource

    def update(self, before: Resource, after: Resource) -> None:
        self._start("update", after)
        with self._lock:
            if key_of(after) not in self.resources:
                raise InvalidRequest("update", f"{key_of(after)} does not exist")
            self.resources[key_of(after)] = after

    def delete(self, resource: Resource) -> None:
        self._start("delete", resource)
        with self._lock:
            if isinstance(resource, Rule) and any(
                isinstance(r, Target) and r.rule == resource.name for r in self.resources.values()
            ):
                raise Conflict("delete", f"rule {resource.name} still has targets")
            self.resources.pop(key_of(resource), None)
            if isinstance(resource, Function):  # its resource policy goes with it
                for key, r in list(self.resources.items()):
                    if isinstance(r, Permission) and r.function == resource.name:
                        del self.resources[key]

    def _start(self, operation: str, resource: Resource) -> None:
        with self._lock:
            self.calls.append((operation, key_of(resource)))
            error = self.fail.pop((operation, key_of(resource)), None)
        if self.before_call is not None:
            self.before_call(operation, resource)
        if error is not None:
            raise error

    def _check_dependencies(self, resource: Resource) -> None:
        def exists(kind: type[Role | Function | Rule | ScheduleGroup], name: str) -> bool:
            return any(isinstance(r, kind) and r.name == name for r in self.resources.values())

        missing = ""
        match resource:
            case Target(rule=rule) if not exists(Rule, rule):
                missing = f"rule {rule}"
            case Schedule(group=group) if not exists(ScheduleGroup, group):
                missing = f"schedule group {group}"
            case Function(role_arn=arn) if arn not in self.external and not exists(
                Role, arn.rsplit("/", 1)[-1]
            ):
                missing = f"role {arn}"
            case Permission(function=function) if function not in self.external and not exists(
                Function, function
            ):
                missing = f"function {function}"
        if missing:
            raise InvalidRequest("create", f"{missing} does not exist")


class InterruptibleCloud(FakeCloud):
    """A FakeCloud that apply can interrupt: `stop` is set by `interrupt()`, cleared by
    `resume()`; `before_call` may wait on it as the AWS writer's retries do."""

    def __init__(
        self,
        resources: Iterable[Resource] = (),
        *,
        before_call: Callable[[str, Resource], None] | None = None,
    ) -> None:
        super().__init__(resources, before_call=before_call)
        self.stop = threading.Event()
        self.resumed = 0

    def interrupt(self) -> None:
        self.stop.set()

    def resume(self) -> None:
        self.resumed += 1
        self.stop.clear()


class FakeQuotaSource:
    """The `QuotaSource` port in memory: answers the quotas it was given and counts the reads."""

    def __init__(self, quotas: AccountQuotas) -> None:
        self.answer = quotas
        self.reads = 0

    def quotas(self) -> AccountQuotas:
        self.reads += 1
        return self.answer
