"""Ports: every Protocol the stages need from AWS: reading deployed state and applying a plan
(deploy wing), reading and writing log events, invoking a function and telling when functions
were deployed (run wing). `scheduler/aws/` implements them with boto3 (and, pointed at moto,
local mode); unit tests use in-memory fakes. Nothing here imports boto3. The errors the adapters
raise are in `scheduler/errors.py` (the `AwsError` family).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol, runtime_checkable

from scheduler import naming
from scheduler.resource_state import DeployedState, DesiredState
from scheduler.resources import Function, Permission, QueueStatement, Resource, ResourceKind


@dataclass(frozen=True)
class ReadScope:
    """What to read: the catalogue's resources in one account and region.

    `external_functions` are the ARNs of existing functions (`function:` jobs) whose resource
    policies hold statements sched manages; they carry no sched tags, so they are named here.
    `dead_letter_queues` are the ARNs of the queues whose policies should hold sched's
    statements (the reader also reads those the deployed targets name). `invoked_functions`
    are the catalogue's own functions whose policies should hold a statement (rules jobs):
    the reader reads the policy of those and of the functions owned rules target, and of no
    other (a Scheduler-backed function invoked through its schedule's role has none); None
    (not known, as for a prune without the catalogue) reads every owned function's policy.
    """

    catalogue: str
    account: str
    region: str
    external_functions: tuple[str, ...] = ()
    dead_letter_queues: tuple[str, ...] = ()
    invoked_functions: tuple[str, ...] | None = None
    # The catalogue's environment: a scope of its own (its names and `sched:environment` tag).
    environment: str | None = None

    @property
    def names(self) -> str:
        """What the scope's resource names start from (`naming.scope_prefix`)."""
        return naming.scope_prefix(self.catalogue, self.environment)

    @classmethod
    def for_desired(
        cls,
        catalogue: str,
        desired: DesiredState,
        *,
        account: str,
        region: str,
        environment: str | None = None,
    ) -> ReadScope:
        ours = {r.name for r in desired.of_kind(ResourceKind.FUNCTION) if isinstance(r, Function)}
        external = {
            r.function
            for r in desired.of_kind(ResourceKind.PERMISSION)
            if isinstance(r, Permission) and r.function not in ours
        }
        invoked = {
            r.function
            for r in desired.of_kind(ResourceKind.PERMISSION)
            if isinstance(r, Permission) and r.function in ours
        }
        queues = {r.queue_arn for r in desired if isinstance(r, QueueStatement)}
        return cls(
            catalogue,
            account,
            region,
            tuple(sorted(external)),
            tuple(sorted(queues)),
            tuple(sorted(invoked)),
            environment=environment,
        )


class StateReader(Protocol):
    """Reads what a catalogue owns. The contract the adapters keep:

    - Only owned resources (`scheduler.state`): roles, functions, rules and schedule groups for
      which `naming.owns(name, tags, catalogue)` holds, with only the tags and managed policies
      sched marked as set; sched's schedules in the owned group (its names, its scheduler role);
      sched's target (`naming.TARGET_ID`) of owned rules; permission statements whose id and
      rule are the pair sched makes for a job AND whose rule is one this catalogue owns by tags,
      or, on a function the catalogue owns, no rule owned by anyone else (another catalogue may
      share the prefix: `acme` and `acme-ops`); in the policies of the scope's dead-letter queues
      and of those the owned targets name, the statements whose Sid has the prefix AND whose
      SourceArn is a rule the catalogue owns by tags. A statement that cannot be proved ours is
      never read as ours.
    - `unowned` lists what was found and is not owned: resources with the catalogue's names
      (a create of one is a collision), and what a person added inside owned ones (drift).
    - Values in the form compile writes them: JSON documents through `canonical_json`; tags,
      environments and input paths through `pairs`; subnet, security group and policy ARN lists
      sorted; absent descriptions as ""; `Function.code_path` None.
    - A no-change plan costs under three calls a job plus paging: one tag search
      (resourcegroupstaggingapi:GetResources) or per-resource tag reads, `ListFunctions`,
      `ListRules` and `ListSchedules` pages, roles with their policies and tags in bulk
      (`ListRoles` and `GetAccountAuthorizationDetails` pages), then per job the function's
      event invoke config, and `ListTargetsByRule` and `GetPolicy` (rules backend) or
      `GetSchedule` (scheduler backend); a rule's dead-letter queue adds `GetQueueUrl` and
      `GetQueueAttributes` once per queue.
    """

    def read(self, scope: ReadScope) -> DeployedState: ...


class ResourceWriter(Protocol):
    """Changes one resource per call; apply calls it from several threads at once, so an
    implementation must be thread-safe (boto3 clients are; sessions are not).

    - `create` raises `Conflict` when the resource exists; `delete` of a resource that is already
      gone succeeds (re-running after a failure must converge).
    - `update` gets the deployed and the desired resource so it can make only the calls the
      difference needs (e.g. no code upload when `code` is equal).
    - A writer does what the service needs around a change: detach a role's policies before
      deleting it, wait for a function to be active, retry a new role IAM has not propagated.
    """

    def create(self, resource: Resource) -> None: ...

    def update(self, before: Resource, after: Resource) -> None: ...

    def delete(self, resource: Resource) -> None: ...


@dataclass(frozen=True)
class Quota:
    """One account quota: its value (`limit`), what the account already uses of it (`used`,
    None when no API tells), and whether `limit` was read from the account or is AWS's
    documented default (`read` False; `note` then says why)."""

    limit: int
    used: int | None = None
    read: bool = True
    note: str = ""


@dataclass(frozen=True)
class AccountQuotas:
    """The quotas a plan must fit in, as the account reports them: EventBridge rules per
    default bus (used: every rule on it), IAM roles per account (used: every role), Lambda's
    unreserved concurrency (limit: the unreserved part of the account's concurrency) and code
    storage in bytes (used: the account's total code size)."""

    rules_per_bus: Quota
    roles: Quota
    unreserved_concurrency: Quota
    code_storage_bytes: Quota


class QuotaSource(Protocol):
    """Reads the account's quotas and usage in a constant few calls per plan (plus one
    ListRules page per 100 rules on the default bus). An API that is denied or that the
    endpoint lacks is not an error: its quota is the documented default, with a note."""

    def quotas(self) -> AccountQuotas: ...


class ApplyLock(Protocol):
    """One apply of a catalogue at a time, held in AWS (so it holds across machines).

    - `acquire` raises `Locked` naming the holder while another unexpired lock is held; an
      expired one (a killed apply) is taken over; `force` takes it whoever holds it.
    - `refresh` raises `Locked` unless `holder` still holds it, then restarts its TTL at `now`.
    - `release` gives up the lock only if `holder` still holds it.
    """

    def acquire(
        self, catalogue: str, holder: str, now: datetime, *, ttl: timedelta, force: bool = False
    ) -> None: ...

    def refresh(self, catalogue: str, holder: str, now: datetime, *, ttl: timedelta) -> None: ...

    def release(self, catalogue: str, holder: str) -> None: ...


# ---- run wing -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LogEvent:
    """One CloudWatch Logs event as the logs adapter returns it."""

    timestamp_ms: int
    message: str
    log_stream: str


class LogSource(Protocol):
    """Reads one log group's events between two instants (epoch milliseconds, end exclusive),
    oldest first, paging as needed. A missing log group yields nothing (the job never ran)."""

    def events(self, log_group: str, start_ms: int, end_ms: int) -> Iterator[LogEvent]: ...


@dataclass(frozen=True, slots=True)
class LogRead:
    """One log group's events wanted between two instants (epoch milliseconds, end exclusive).
    A reader may plan by what the job is expected to have logged, which is not part of what is
    read: the instants its schedule fired at (`fires_ms`), or for a job firing too often to
    list, the mean time between fires (`every_ms`)."""

    log_group: str
    start_ms: int
    end_ms: int
    fires_ms: tuple[int, ...] = field(default=(), compare=False)
    every_ms: int = field(default=0, compare=False)


@runtime_checkable
class LogBatchSource(Protocol):
    """Reads many log groups at once: for each read, the events `LogSource.events` would yield
    for it (oldest first; a missing group yields nothing). History hands every job's read over
    in one call, so an adapter can cover many groups with one request (Logs Insights)."""

    def read_all(self, reads: Sequence[LogRead]) -> dict[LogRead, list[LogEvent]]: ...


@dataclass(frozen=True)
class QueryPage:
    """What GetQueryResults answered: the query's status (Scheduled, Running, Complete, Failed,
    Cancelled, Timeout, Unknown) and, once Complete, its rows (field name → value)."""

    status: str
    rows: tuple[dict[str, str], ...] = ()


class LogQueries(Protocol):
    """CloudWatch Logs Insights. `start_query` runs `query` over at most 50 log groups between
    two instants in epoch seconds (both included) and returns the query id; it raises `NotFound`
    when one of the groups does not exist. With no log groups, the query selects its own with a
    `SOURCE` command (StartQuery then takes no logGroupNames); a service that cannot run that
    raises an `AwsError`. `query_results` polls a query; `stop_query` gives up on one."""

    def start_query(
        self, log_groups: Sequence[str], start_s: int, end_s: int, query: str
    ) -> str: ...

    def query_results(self, query_id: str) -> QueryPage: ...

    def stop_query(self, query_id: str) -> None: ...


class LogGroups(Protocol):
    """The log groups of the functions sched deployed, which outlive them: their tags (None
    when the group does not exist), and deleting one (a missing one is no error)."""

    def tags(self, log_group: str) -> dict[str, str] | None: ...

    def names(self, prefix: str) -> set[str]:
        """The names of the groups that exist whose names start with `prefix`."""
        ...

    def delete(self, log_group: str) -> None: ...


class LogSink(Protocol):
    """Writes events to a log stream, creating the group and stream when needed (local mode
    writes the lines a real Lambda would)."""

    def write(self, log_group: str, log_stream: str, events: Sequence[LogEvent]) -> None: ...


@dataclass(frozen=True)
class Invoked:
    """What a synchronous invocation answered: the request id (when AWS told one), the
    function's response (its error document when it raised), Lambda's `FunctionError`
    ("Unhandled") when it failed, and the end of its log (at most its last 4 KB, decoded)."""

    request_id: str | None
    payload: str
    function_error: str | None
    log_tail: str


class Invoker(Protocol):
    """Invokes a deployed function with `payload` JSON: asynchronously (InvocationType=Event),
    returning the request id AWS assigned when it tells one; or synchronously
    (RequestResponse, with the tail of its log), waiting for the run to end."""

    def invoke_async(self, function_name: str, payload: str) -> str | None: ...

    def invoke_sync(self, function_name: str, payload: str) -> Invoked: ...


@dataclass(frozen=True)
class Deployment:
    """A function as deployed: when it was last deployed (created, or its code or configuration
    changed: Lambda's `LastModified`, aware UTC), and the SCHED_DEPLOY value in its environment
    (None when it has none: deployed by an older sched, or not by sched)."""

    at: datetime
    deploy: str | None = None
    versions: frozenset[str] = frozenset()  # SCHED_DEPLOY of its published versions


class DeploymentSource(Protocol):
    """How each of `function_names` (bare names, not ARNs) is deployed (`deployments`), or only
    when (`deployed_at`). A function that does not exist is absent from the result."""

    def deployments(
        self, function_names: Sequence[str], versioned: Collection[str] = ()
    ) -> dict[str, Deployment]:
        """`versioned`: those of them whose published versions' values are wanted too."""
        ...

    def deployed_at(self, function_names: Sequence[str]) -> dict[str, datetime]: ...


class FunctionTags(Protocol):
    """A function's tags (None when it does not exist): whose it is, before sched invokes it."""

    def tags_of(self, function_name: str) -> dict[str, str] | None: ...


class VersionStore(Protocol):
    """A versioned function's published versions (oldest first, `$LATEST` left out) and its
    aliases: what `sched versions` lists and `sched rollback` moves."""

    def versions(self, function: str) -> list[str]: ...

    def alias(self, function: str, alias: str) -> str | None: ...

    def pinned(self, function: str, alias: str) -> bool:
        """Whether a rollback pinned the alias (apply leaves it where it is)."""
        ...

    def point(self, function: str, alias: str, version: str, *, pinned: bool = False) -> None: ...


class Publisher(Protocol):
    """Publishes one message to an SNS topic (the alert watcher's channels); returns the
    message id SNS assigned."""

    def publish(self, topic_arn: str, subject: str, message: str) -> str: ...


class SecretSource(Protocol):
    """Reads the value a secret reference (`ssm:/name`, `secretsmanager:name[#key]`) names:
    a webhook channel's URL. Raises the AwsError family (or KeyError for a missing #key)."""

    def value(self, reference: str) -> str: ...


# ---- ownership scopes -----------------------------------------------------------------------


@dataclass(frozen=True)
class TaggedResource:
    """A resource the tag search found: its ARN and all its tags."""

    arn: str
    tags: tuple[tuple[str, str], ...]


class ScopeSurvey(Protocol):
    """Lists every function and rule in the account and region tagged `managed-by=sched`,
    whatever its catalogue, in one paged search (Resource Groups Tagging API `GetResources`):
    what `scheduler.scopes` reads a catalogue's old names from. None when the search is not
    allowed (no tag:GetResources permission)."""

    def sched_resources(self) -> list[TaggedResource] | None: ...
