"""The AWS resources sched manages, as plain frozen values.

Compile produces them (desired state), the AWS adapters read them back (deployed state) and
plan compares the two field by field, so a field means the same on both sides: JSON documents
are canonical (`canonical.canonical_json`), tags and environments are sorted pairs, order never
matters. `resource_state.py` collects them; `resource_dict.py` writes one as plain data.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar

from scheduler import limits

Pairs = tuple[tuple[str, str], ...]

# Field metadata: MAPPING marks sorted key/value pairs (diffed key by key, shown as an object);
# JSON marks a canonical JSON document (shown parsed in `as_dict`).
MAPPING = "mapping"
JSON = "json"
# OPTIONAL marks a field added later that `as_dict` leaves out while it is None, so the JSON of
# resources that do not use it stays as it was.
OPTIONAL = "optional"


def pairs(mapping: Mapping[str, str] | Iterable[tuple[str, str]]) -> Pairs:
    """Sorted key/value pairs: the one form tags and environments take in a resource."""
    items = mapping.items() if isinstance(mapping, Mapping) else mapping
    return tuple(sorted((str(k), str(v)) for k, v in items))


class ResourceKind(StrEnum):
    """Resource kinds, declared in the order apply creates them."""

    TOPIC = "topic"
    ROLE = "role"
    FUNCTION = "function"
    ALIAS = "alias"
    PERMISSION = "permission"
    RULE = "rule"
    QUEUE_POLICY = "queue-policy"
    SCHEDULE_GROUP = "schedule-group"
    SCHEDULE = "schedule"
    TARGET = "target"

    @property
    def order(self) -> int:
        return list(ResourceKind).index(self)


class Toggle(StrEnum):
    """The state of a rule or schedule, spelled as both APIs spell it."""

    ENABLED = "ENABLED"
    DISABLED = "DISABLED"


@dataclass(frozen=True)
class RetryPolicy:
    """Retries of a rule target or a schedule. Both fields are always set so that what AWS reads
    back equals what was written (AWS fills in defaults for missing ones)."""

    maximum_retry_attempts: int
    maximum_event_age_seconds: int


@dataclass(frozen=True)
class InputTransformer:
    """What a rule target receives: `template` with `<name>` filled from the event's `paths`."""

    paths: Pairs = field(default=(), metadata={MAPPING: True})
    template: str = ""


@dataclass(frozen=True)
class EcsParameters:
    """How a rule target starts an ECS task on Fargate (awsvpc networking)."""

    task_definition_arn: str
    subnets: tuple[str, ...]
    security_groups: tuple[str, ...] = ()
    assign_public_ip: bool = False
    task_count: int = 1
    launch_type: str = "FARGATE"


@dataclass(frozen=True)
class VpcConfig:
    """Where a function runs in a VPC: subnet and security group ids, each sorted."""

    subnet_ids: tuple[str, ...]
    security_group_ids: tuple[str, ...]


@dataclass(frozen=True)
class Role:
    """An IAM role: its trust policy, at most one inline policy (named `sched`) and managed
    policies attached by ARN."""

    kind: ClassVar[ResourceKind] = ResourceKind.ROLE
    replace_on: ClassVar[frozenset[str]] = frozenset()
    INLINE_POLICY_NAME: ClassVar[str] = "sched"

    name: str
    trust_policy: str = field(metadata={JSON: True})
    description: str = ""
    inline_policy: str | None = field(default=None, metadata={JSON: True})
    managed_policy_arns: tuple[str, ...] = ()
    tags: Pairs = field(default=(), metadata={MAPPING: True})

    @property
    def key_name(self) -> str:
        return self.name

    @property
    def trust_services(self) -> tuple[str, ...]:
        """The services the trust policy lets assume the role, for display."""
        services: list[str] = []
        for statement in json.loads(self.trust_policy).get("Statement", []):
            service = statement.get("Principal", {}).get("Service", [])
            services.extend([service] if isinstance(service, str) else service)
        return tuple(sorted(services))


@dataclass(frozen=True)
class Function:
    """A Lambda function sched deploys. `code_sha256` is the base64 SHA-256 of the zip, as
    Lambda reports `CodeSha256` (never compared: it depends on the zlib that built the zip);
    `code` is the digest of the files the zip holds, which is compared: on a deployed function,
    the one sched recorded with the zip it uploaded, or `outside sched (<CodeSha256>)` once its
    code is not that zip. `code_path` (local, never compared) is where the zip is."""

    kind: ClassVar[ResourceKind] = ResourceKind.FUNCTION
    replace_on: ClassVar[frozenset[str]] = frozenset()

    name: str
    runtime: str
    handler: str
    role_arn: str
    memory_mb: int
    timeout_seconds: int
    code_sha256: str = field(compare=False)
    code: str = ""
    environment: Pairs = field(default=(), metadata={MAPPING: True})
    description: str = ""
    log_format: str = "JSON"
    tags: Pairs = field(default=(), metadata={MAPPING: True})
    # Its event invoke config: Lambda's own re-runs of a failed run, and where a run that still
    # failed goes (an SQS queue, SNS topic, function or bus ARN). The defaults are Lambda's.
    retry_attempts: int = limits.LAMBDA_MAX_RETRY_ATTEMPTS
    max_event_age_seconds: int = limits.LAMBDA_MAX_EVENT_AGE_SECONDS
    on_failure: str | None = None
    vpc: VpcConfig | None = None  # None: not in a VPC
    architecture: str = "x86_64"  # Lambda's Architectures, one of x86_64 and arm64
    code_path: Path | None = field(default=None, compare=False)
    # `versions:` of the job: each change publishes a version and moves its `live` alias there,
    # keeping the newest N. None: not versioned (the schedule invokes $LATEST). Never compared:
    # AWS does not store it; the alias shows what is deployed.
    versions: int | None = field(default=None, compare=False)
    # `log_retention:` of the job, in days, set on its log group. None: its logs are kept forever.
    log_retention_days: int | None = field(default=None, metadata={OPTIONAL: True})
    # LoggingConfig.LogGroup: the group its logs go to (`naming.log_group_name`; apply creates
    # it). None: Lambda's default, `/aws/lambda/<name>`, which a deployed function reports as is.
    log_group: str | None = field(default=None, metadata={OPTIONAL: True})

    @property
    def key_name(self) -> str:
        return self.name


@dataclass(frozen=True)
class Permission:
    """A statement in a function's resource policy letting a service invoke it. `function` is a
    name for functions sched deploys and an ARN for existing ones (`function:` jobs). There is no
    API to change a statement, so any change replaces it."""

    kind: ClassVar[ResourceKind] = ResourceKind.PERMISSION
    replace_on: ClassVar[frozenset[str]] = frozenset({"principal", "source_arn", "action"})

    function: str
    statement_id: str
    principal: str
    source_arn: str
    action: str = "lambda:InvokeFunction"
    # An alias: the statement is in the alias's own policy.
    qualifier: str | None = field(default=None, metadata={OPTIONAL: True})

    @property
    def key_name(self) -> str:
        qualified = f"{self.function}:{self.qualifier}" if self.qualifier else self.function
        return f"{qualified}/{self.statement_id}"


# What a desired alias points at: the newest published version of its function. The reader
# reads an alias pointing there as this too, so only an alias moved elsewhere (a rollback)
# differs from the catalogue.
NEWEST_VERSION = "newest"
# The alias of a versioned function that its rule or schedule invokes.
LIVE_ALIAS = "live"


@dataclass(frozen=True)
class Alias:
    """The `live` alias of a versioned function, which the rule or schedule invokes. `version`
    is NEWEST_VERSION or the version it was rolled back to. `keep` and the invoke config (the
    function's, mirrored onto the alias, which Lambda configures apart) are never compared."""

    kind: ClassVar[ResourceKind] = ResourceKind.ALIAS
    replace_on: ClassVar[frozenset[str]] = frozenset()

    function: str
    name: str
    version: str = NEWEST_VERSION
    # Pinned by `sched rollback`: the plan keeps it on `version` (drift shown, never reverted).
    pinned: bool = field(default=False, compare=False)
    keep: int = field(default=1, compare=False)
    retry_attempts: int = field(default=limits.LAMBDA_MAX_RETRY_ATTEMPTS, compare=False)
    max_event_age_seconds: int = field(default=limits.LAMBDA_MAX_EVENT_AGE_SECONDS, compare=False)
    on_failure: str | None = field(default=None, compare=False)

    @property
    def key_name(self) -> str:
        return f"{self.function}:{self.name}"


@dataclass(frozen=True)
class Rule:
    """An EventBridge rule on the default bus, fired by a schedule expression (UTC)."""

    kind: ClassVar[ResourceKind] = ResourceKind.RULE
    replace_on: ClassVar[frozenset[str]] = frozenset()

    name: str
    schedule_expression: str
    state: Toggle = Toggle.ENABLED
    description: str = ""
    tags: Pairs = field(default=(), metadata={MAPPING: True})

    @property
    def key_name(self) -> str:
        return self.name


@dataclass(frozen=True)
class QueueStatement:
    """sched's one statement in the resource policy of an SQS queue it did not create (a job's
    `dead_letter_queue`), letting EventBridge send the events `source_arn`'s target could not
    take. The queue and its other statements are the user's: only the statement with `sid` is
    ever written or removed."""

    kind: ClassVar[ResourceKind] = ResourceKind.QUEUE_POLICY
    replace_on: ClassVar[frozenset[str]] = frozenset()
    PRINCIPAL: ClassVar[str] = "events.amazonaws.com"
    ACTION: ClassVar[str] = "sqs:SendMessage"

    queue_arn: str
    sid: str
    source_arn: str
    principal: str = PRINCIPAL
    action: str = ACTION

    @property
    def key_name(self) -> str:
        return f"{self.queue_arn.rsplit(':', 1)[-1]}/{self.sid}"

    @property
    def statement(self) -> dict[str, Any]:
        """The statement as it stands in the queue's policy: the rule's dead letters only, as
        https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html writes it."""
        return {
            "Sid": self.sid,
            "Effect": "Allow",
            "Principal": {"Service": self.principal},
            "Action": self.action,
            "Resource": self.queue_arn,
            "Condition": {"ArnEquals": {"aws:SourceArn": self.source_arn}},
        }


@dataclass(frozen=True)
class Target:
    """The one target of a rule: a function (with an input transformer) or an ECS cluster
    (with `ecs` parameters and the role EventBridge assumes to run the task)."""

    kind: ClassVar[ResourceKind] = ResourceKind.TARGET
    replace_on: ClassVar[frozenset[str]] = frozenset()

    rule: str
    id: str
    arn: str
    input_transformer: InputTransformer | None = None
    retry_policy: RetryPolicy | None = None
    dead_letter_arn: str | None = None
    role_arn: str | None = None
    ecs: EcsParameters | None = None

    @property
    def key_name(self) -> str:
        return f"{self.rule}/{self.id}"


@dataclass(frozen=True)
class ScheduleGroup:
    """The tagged group that holds a catalogue's schedules (schedules cannot be tagged)."""

    kind: ClassVar[ResourceKind] = ResourceKind.SCHEDULE_GROUP
    replace_on: ClassVar[frozenset[str]] = frozenset()

    name: str
    tags: Pairs = field(default=(), metadata={MAPPING: True})

    @property
    def key_name(self) -> str:
        return self.name


@dataclass(frozen=True)
class Schedule:
    """An EventBridge Scheduler schedule invoking `target_arn` as `role_arn`, in `timezone`.
    `flexible_window_minutes` None means the flexible time window is OFF. `start_date` and
    `end_date` (UTC, `2027-01-01T09:00:00Z`) bound when it may run; None: unbounded."""

    kind: ClassVar[ResourceKind] = ResourceKind.SCHEDULE
    replace_on: ClassVar[frozenset[str]] = frozenset()

    group: str
    name: str
    expression: str
    timezone: str
    target_arn: str
    role_arn: str
    input: str = field(metadata={JSON: True})
    retry_policy: RetryPolicy
    state: Toggle = Toggle.ENABLED
    dead_letter_arn: str | None = None
    description: str = ""
    flexible_window_minutes: int | None = None
    start_date: str | None = None
    end_date: str | None = None
    # "DELETE" for a one-off at() schedule, which deletes itself once it has run; None: kept.
    action_after_completion: str | None = None
    # When a one-off runs (UTC, from compile; never compared): past it, a missing schedule
    # has run and deleted itself, and the plan does not create it again.
    fires_at: str | None = field(default=None, compare=False)
    # A Fargate job's schedule starts an ECS task in the `target_arn` cluster (RunTask).
    ecs: EcsParameters | None = None

    @property
    def key_name(self) -> str:
        return f"{self.group}/{self.name}"


@dataclass(frozen=True)
class Topic:
    """An SNS topic sched owns for an email alert channel, with the addresses sched subscribed to
    it (`emails`, sorted; marked in `naming.EMAILS_TAG`). Existing topics (`topic:` channels) are
    never resources of sched."""

    kind: ClassVar[ResourceKind] = ResourceKind.TOPIC
    replace_on: ClassVar[frozenset[str]] = frozenset()

    name: str
    emails: tuple[str, ...] = ()
    tags: Pairs = field(default=(), metadata={MAPPING: True})
    # Read from AWS only: which of `emails` await confirmation (no subscription ARN yet).
    pending: tuple[str, ...] = field(default=(), compare=False)

    @property
    def key_name(self) -> str:
        return self.name


Resource = (
    Role
    | Function
    | Alias
    | Permission
    | Rule
    | QueueStatement
    | Target
    | ScheduleGroup
    | Schedule
    | Topic
)
