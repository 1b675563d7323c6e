"""Pydantic models of `jobs.yaml` (the YAML boundary) and their resolution into `model.py`'s data.

The `*Spec` models say what a user may write: unknown keys are errors, types are strict.
`resolve_job` applies `defaults:` and derived values, producing plain frozen dataclasses that
every later stage uses; pydantic does not travel past this module and the loader.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    model_validator,
)

from scheduler import limits
from scheduler.catalogue.durations import format_duration, parse_duration
from scheduler.catalogue.model import (
    DEFAULT_ALERT_ON,
    AlertRule,
    Alerts,
    Architecture,
    Backend,
    Channel,
    Compute,
    Fargate,
    Grant,
    HookKind,
    Ignore,
    Job,
    Policy,
    RoleMode,
    SharedFolder,
    Vpc,
    default_timeout,
    job_of,
)
from scheduler.diagnostics import echo


def _to_duration(value: object) -> timedelta:
    if isinstance(value, timedelta):
        return value
    if isinstance(value, bool) or not isinstance(value, str):
        raise ValueError("a duration is text with a unit, like 90s, 5m, 1h30m or PT5M")
    try:
        duration = parse_duration(value)
    except OverflowError:  # pydantic reports only ValueError; anything else escapes validation
        raise ValueError(
            f"{echo(value, repr)} is longer than any duration sched can handle"
        ) from None
    if duration <= timedelta(0):
        raise ValueError(
            f"{echo(value, repr)} is no time at all; a duration must be longer than 0s"
        )
    return duration


def _duration_schema(schema: dict[str, Any]) -> None:
    # pydantic says `format: duration` (ISO 8601 only), which an editor would hold against "5m".
    schema.pop("format", None)
    schema.update(type="string", examples=["90s", "5m", "1h30m", "PT5M"])


def as_instant(value: datetime | None, timezone: str) -> datetime | None:
    """A start or end date as an aware UTC instant: one without an offset is in `timezone`
    (an unknown zone is reported by SCH105; it is read as UTC here)."""
    if value is None:
        return None
    if value.tzinfo is None:
        try:
            value = value.replace(tzinfo=ZoneInfo(timezone))
        except (ZoneInfoNotFoundError, ValueError):
            value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _to_date(value: object) -> datetime:
    # YAML reads an unquoted 2027-01-01T09:00:00 as a timestamp already.
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time())
    if isinstance(value, bool) or not isinstance(value, str):
        raise ValueError("a date is ISO 8601 text, like 2027-01-01T09:00:00 or 2027-01-01")
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(
            f"{echo(value, repr)} is not an ISO 8601 date, like 2027-01-01T09:00:00"
        ) from None


Date = Annotated[
    datetime,
    BeforeValidator(_to_date),
    PlainSerializer(lambda d: d.isoformat(), return_type=str),
    Field(json_schema_extra={"type": "string", "examples": ["2027-01-01T09:00:00"]}),
]

Duration = Annotated[
    timedelta,
    BeforeValidator(_to_duration),
    PlainSerializer(format_duration, return_type=str),
    Field(json_schema_extra=_duration_schema),
]

# Editors complete and bound these; validation keeps its own checks (SCH203, SCH211), whose
# messages say more than a schema error would.
Memory = Annotated[
    int,
    Field(
        json_schema_extra={
            "minimum": limits.LAMBDA_MIN_MEMORY_MB,
            "maximum": limits.LAMBDA_MAX_MEMORY_MB,
        }
    ),
]
RuntimeName = Annotated[str, Field(json_schema_extra={"enum": list(limits.LAMBDA_RUNTIMES)})]


# Enums are matched by value ("rules"), which strict mode would refuse for plain strings.
BackendName = Annotated[Backend, Field(strict=False)]
ComputeName = Annotated[Compute, Field(strict=False)]
ArchitectureName = Annotated[Architecture, Field(strict=False)]
RoleModeName = Annotated[RoleMode, Field(strict=False)]


IgnoreMap = Annotated[
    dict[str, str | None],
    Field(
        description=(
            "diagnostic codes silenced on purpose, each with the reason: {SCH108: why}."
            " Only warnings and infos can be; json and sarif output still show them"
        ),
        json_schema_extra={"propertyNames": {"pattern": "^SCH[0-9]{3}$"}},
    ),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class FargateSpec(_Strict):
    """Where a `compute: fargate` job runs as an ECS task."""

    cluster: str = Field(description="ECS cluster name or ARN")
    task_definition: str = Field(description="task definition family[:revision] or ARN")
    subnets: list[str] = Field(min_length=1, description="subnet ids for awsvpc networking")
    security_groups: list[str] = Field(
        default_factory=list, description="security group ids (sg-...) for the task"
    )
    assign_public_ip: bool = Field(
        False, description="give the task a public IP (needed in a public subnet without NAT)"
    )
    container: str | None = Field(None, description="container that receives the job input")


class VpcSpec(_Strict):
    """The VPC a Lambda job's function runs in, to reach private resources."""

    subnets: list[str] = Field(default_factory=list, description="subnet ids (subnet-...)")
    security_groups: list[str] = Field(
        default_factory=list, description="security group ids (sg-...)"
    )


class CodeSpec(_Strict):
    """What a handler job's package holds besides its handler's folder."""

    shared: list[str] = Field(
        default_factory=list,
        description=(
            "folders of code the job imports (relative to the catalogue, e.g. jobs/lib), each"
            " zipped at the package's root under its own name, so jobs/lib imports as lib;"
            " the defaults' and the job's add up"
        ),
    )


_NO_SHARED_CODE = CodeSpec()


def _no_shared_code() -> CodeSpec:
    # One instance for every job without `code:` (nothing changes a spec): a new one was a
    # second model validation for each job.
    return _NO_SHARED_CODE


class ChannelSpec(_Strict):
    """One alert channel: addresses to email (through an SNS topic sched creates and owns), an
    existing SNS topic sched only publishes to, or a Slack or other webhook whose URL is a
    secret in SSM Parameter Store or Secrets Manager (never the URL itself)."""

    email: list[str] | None = Field(
        None, min_length=1, description="addresses sched subscribes to a topic of its own"
    )
    topic: str | None = Field(None, description="ARN of an existing SNS topic (never changed)")
    slack: str | None = Field(
        None,
        description="a Slack incoming webhook's URL, as a secret reference: ssm:/parameter/name"
        " or secretsmanager:secret-name[#json-key]",
    )
    webhook: str | None = Field(
        None,
        description="a URL that receives each alert as JSON (POST), as a secret reference:"
        " ssm:/parameter/name or secretsmanager:secret-name[#json-key]",
    )
    kms_key: str | None = Field(
        None,
        description="slack/webhook: the customer managed KMS key its secret is encrypted with"
        " (the watcher may decrypt with it)",
    )

    @model_validator(mode="after")
    def _one_kind(self) -> ChannelSpec:
        kinds = [k for k in (self.email, self.topic, self.slack, self.webhook) if k is not None]
        if len(kinds) != 1:
            raise ValueError(
                "a channel is one of email: [addresses], topic: <SNS topic ARN>,"
                " slack: <secret reference> or webhook: <secret reference>"
            )
        if self.kms_key is not None and self.slack is None and self.webhook is None:
            raise ValueError("kms_key: belongs to a slack: or webhook: channel")
        return self


class AlertSpec(_Strict):
    """When a job's runs alert: `to` which channels, `when` which outcomes, `after` how many bad
    fires in a row, a fire's `grace` before it is missed, and `repeat` while still bad."""

    to: list[str] | None = Field(None, description="channel names (default: every channel)")
    when: list[str] | None = Field(
        None,
        description="failed, timed_out, missed, late, overran, fast, recovered "
        "(default: failed, timed_out, missed, recovered)",
    )
    after: int | None = Field(None, ge=1, description="consecutive bad fires before alerting")
    grace: Duration | None = Field(None, description="how late a run may start before missed")
    repeat: Duration | None = Field(None, description="send again this often while still bad")


class AlertsSpec(_Strict):
    """The catalogue's alert channels and its watcher's schedule."""

    channels: dict[str, ChannelSpec] = Field(
        default_factory=dict, description="alert channels by name: email addresses or an SNS topic"
    )
    every: Duration = Field(
        timedelta(minutes=5), description="how often the watcher reads the jobs' logs"
    )


class DefaultsSpec(_Strict):
    """Values every job inherits unless it sets its own."""

    backend: BackendName = Field(
        Backend.RULES,
        description="rules (EventBridge rules, UTC only) or scheduler (EventBridge Scheduler)",
    )
    compute: ComputeName = Field(
        Compute.LAMBDA, description="lambda, or fargate (an ECS task, for jobs over 15 minutes)"
    )
    runtime: RuntimeName = Field("python3.12", description="the Lambda runtime of every job")
    memory: Memory = Field(256, description="MB of memory of every job's function (128-10240)")
    timezone: str = Field(
        "UTC", description="IANA zone the schedules are read in; needs backend: scheduler"
    )
    retries: int = Field(
        2, ge=0, le=limits.LAMBDA_MAX_RETRY_ATTEMPTS, description="Lambda's re-runs of a failed run"
    )
    delivery_retries: int = Field(
        2,
        ge=0,
        le=limits.EVENTBRIDGE_MAX_RETRY_ATTEMPTS,
        description="the rule's or schedule's retries of a delivery Lambda refused",
    )
    timeout: Duration | None = Field(
        None, description="every job's timeout (default: twice expected_runtime, at most 15m)"
    )
    role: str | None = Field(None, description="ARN of an existing execution role for every job")
    roles: RoleModeName = Field(
        RoleMode.PER_JOB,
        description="per-job (each job its own role) or shared (jobs with identical permissions "
        "share one role, named by the policy's hash)",
    )
    permissions: list[str | dict[str, Any]] = Field(
        default_factory=list, description="what every job's own role may do (jobs add to it)"
    )
    dead_letter_queue: str | None = Field(
        None, description="SQS queue ARN that receives every job's failed events"
    )
    tags: dict[str, str] = Field(default_factory=dict, description="tags on every resource")
    environment: dict[str, str] = Field(
        default_factory=dict, description="environment variables of every job's function"
    )
    fargate: FargateSpec | None = Field(
        None, description="where every compute: fargate job runs (cluster, task definition, ...)"
    )
    secrets_kms_key: str | None = Field(
        None, description="the customer managed KMS key every job's secrets are encrypted with"
    )
    vpc: VpcSpec | None = Field(None, description="the VPC every Lambda job's function runs in")
    code: CodeSpec = Field(
        default_factory=_no_shared_code, description="shared code folders every handler job ships"
    )
    architecture: ArchitectureName = Field(
        Architecture.X86_64,
        description="x86_64, or arm64 (Graviton: less a second); dependencies are installed for it",
    )
    alert: AlertSpec | None = Field(None, description="every job's alerts (false on a job: none)")
    versions: int | None = Field(
        None,
        description=(
            "how many published versions of each function apply keeps (3 is a good start);"
            " the schedule then invokes its live alias, which sched rollback moves"
        ),
    )
    log_retention: int | None = Field(
        None, description="days CloudWatch Logs keeps each job's logs (1, 3, 5, 7, 14, 30, ...)"
    )


class PolicySpec(_Strict):
    """Rules the team sets for itself."""

    max_runtime: Duration = Field(
        limits.LAMBDA_MAX_TIMEOUT,
        description="longest expected_runtime allowed on Lambda (at most 15m)",
    )
    timeout_warning_ratio: float = Field(
        0.8, gt=0, le=1, description="warn when expected_runtime exceeds this share of timeout"
    )
    max_concurrent_jobs: int | None = Field(
        None,
        gt=0,
        description="warn when more Lambda jobs than this run at once (default: Lambda's "
        "account concurrency, 1000)",
    )


class JobSpec(_Strict):
    """One scheduled job as written in the catalogue."""

    description: str = Field(
        "", description="what the job does; the function's and the rule's description"
    )
    schedule: str = Field(description="cron(...), rate(...), at(...), Unix cron or @daily-style")
    expected_runtime: Duration = Field(description="how long a run normally takes")
    handler: str | None = Field(None, description="path/to/file.py:function under the catalogue")
    function: str | None = Field(None, description="ARN of an existing Lambda function")
    timeout: Duration | None = Field(
        None, description="when Lambda stops a run (default: twice expected_runtime, at most 15m)"
    )
    input: dict[str, Any] | None = Field(None, description="the JSON event every run receives")
    environment: dict[str, str] = Field(
        default_factory=dict, description="environment variables, over the defaults'"
    )
    memory: Memory | None = Field(None, description="MB of memory of the function (128-10240)")
    retries: int | None = Field(
        None,
        ge=0,
        le=limits.LAMBDA_MAX_RETRY_ATTEMPTS,
        description="how often Lambda re-runs a failed run (0-2)",
    )
    max_event_age: Duration | None = Field(
        None, description="how long Lambda keeps trying a run's event (60s to 6h)"
    )
    delivery_retries: int | None = Field(
        None,
        ge=0,
        le=limits.EVENTBRIDGE_MAX_RETRY_ATTEMPTS,
        description="the rule's or schedule's retries of a delivery Lambda refused",
    )
    delivery_max_event_age: Duration | None = Field(
        None, description="how long the rule or schedule keeps trying to deliver (to 24h)"
    )
    dead_letter_queue: str | None = Field(None, description="SQS queue ARN for failed events")
    tags: dict[str, str] = Field(
        default_factory=dict, description="tags on the job's resources, over the defaults'"
    )
    compute: ComputeName | None = Field(None, description="lambda (the default) or fargate")
    backend: BackendName | None = Field(
        None, description="rules (EventBridge rules, UTC only) or scheduler (EventBridge Scheduler)"
    )
    timezone: str | None = Field(
        None, description="IANA zone the schedule is read in, e.g. Europe/Paris; needs scheduler"
    )
    flexible_window: Duration | None = Field(
        None,
        description=(
            "backend: scheduler only: how long after its time a run may start, in whole "
            "minutes (1m to 24h); spreads runs when many fire at once"
        ),
    )
    start: Date | None = Field(
        None,
        description=(
            "backend: scheduler only: no run before this date (ISO 8601; without an offset, "
            "in the job's time zone)"
        ),
    )
    end: Date | None = Field(
        None, description="backend: scheduler only: no run after this date (after start)"
    )
    enabled: bool = Field(True, description="false: deployed, but its schedule does not fire")
    versions: int | None = Field(
        None, description="how many published versions of its function apply keeps (1 or more)"
    )
    log_retention: int | None = Field(
        None, description="days CloudWatch Logs keeps its logs (1, 3, 5, 7, 14, 30, ... 3653)"
    )
    role: str | None = Field(None, description="ARN of an existing execution role")
    secrets: dict[str, str] = Field(
        default_factory=dict,
        description=(
            "environment variables the wrapper fills in before the handler runs, from"
            " ssm:/parameter/name or secretsmanager:secret-name[#json-key]"
        ),
    )
    secrets_kms_key: str | None = Field(
        None,
        description=(
            "the customer managed KMS key the secrets are encrypted with (key ARN, key id,"
            " alias/NAME or alias ARN): the role may decrypt with it, through SSM and"
            " Secrets Manager only"
        ),
    )
    permissions: list[str | dict[str, Any]] = Field(
        default_factory=list,
        description=(
            "what the job's own role may do, added to the defaults': SAM policy templates"
            " ({S3ReadPolicy: {BucketName: b}}), IAM statements or managed policy ARNs"
        ),
    )
    runtime: RuntimeName | None = Field(None, description="the Lambda runtime (python3.12, ...)")
    fargate: FargateSpec | None = Field(
        None, description="the ECS task a compute: fargate job runs as, over the defaults'"
    )
    vpc: VpcSpec | None = Field(
        None,
        description=(
            "the VPC the function runs in (subnets, security_groups), to reach private"
            " resources; its role may then manage the network interfaces Lambda needs"
        ),
    )
    alert: AlertSpec | bool | None = Field(
        None, description="this job's alerts, over the defaults'; false: never alert"
    )
    environments: list[str] | None = Field(
        None, description="the environments the job is deployed to (default: every one)"
    )
    architecture: ArchitectureName | None = Field(
        None, description="x86_64 or arm64 (Graviton); its requirements are installed for it"
    )
    code: CodeSpec = Field(
        default_factory=_no_shared_code,
        description="shared code folders the job's package holds too, added to the defaults'",
    )
    ignore: IgnoreMap = Field(default_factory=dict)


Overrides = dict[str, Any]


class EnvironmentSpec(_Strict):
    """One environment: where it is deployed, and what it changes. Its `defaults`, `policy`
    and `alerts` merge over the catalogue's, its `jobs` over each job (mappings merge key by
    key, lists append, other values replace)."""

    account: str | int = Field(description="the 12-digit AWS account id it is deployed to")
    region: str = Field(description="the AWS region it is deployed to, e.g. eu-west-1")
    defaults: Overrides = Field(
        default_factory=dict, description="over the catalogue's defaults, before each job's keys"
    )
    policy: Overrides = Field(default_factory=dict, description="over the catalogue's policy")
    alerts: Overrides = Field(default_factory=dict, description="over the catalogue's alerts")
    jobs: dict[str, Overrides] = Field(
        default_factory=dict, description="over single jobs' keys, by job name (last word)"
    )


class CatalogueSpec(_Strict):
    """The whole file. The loader validates `jobs` one by one so one bad job hides no other."""

    catalogue: str = Field(description="names and tags every resource; one ownership scope")
    defaults: DefaultsSpec = Field(
        default_factory=DefaultsSpec, description="values every job inherits unless it sets its own"
    )
    policy: PolicySpec = Field(
        default_factory=PolicySpec, description="rules the team sets for itself (max_runtime, ...)"
    )
    jobs: dict[str, JobSpec] = Field(
        default_factory=dict, description="the scheduled jobs, by name (letters, digits, -, _)"
    )
    alerts: AlertsSpec | None = Field(
        None, description="alert channels and how often the watcher reads the jobs' logs"
    )
    environments: dict[str, EnvironmentSpec] = Field(
        default_factory=dict,
        description="where the catalogue is deployed (dev, prod, ...), each with its overrides",
    )
    ignore: IgnoreMap = Field(default_factory=dict)


def resolve_ignores(spec: CatalogueSpec, jobs: list[tuple[str, JobSpec]]) -> tuple[Ignore, ...]:
    """Every `ignore:` entry: the catalogue-wide ones first, then each job's."""
    return (
        *(Ignore(code, reason) for code, reason in spec.ignore.items()),
        *(Ignore(code, reason, name) for name, job in jobs for code, reason in job.ignore.items()),
    )


def _fargate(spec: FargateSpec | None) -> Fargate | None:
    if spec is None:
        return None
    return Fargate(
        cluster=spec.cluster,
        task_definition=spec.task_definition,
        subnets=tuple(spec.subnets),
        security_groups=tuple(spec.security_groups),
        assign_public_ip=spec.assign_public_ip,
        container=spec.container,
    )


def _vpc(spec: VpcSpec | None) -> Vpc | None:
    if spec is None:
        return None
    return Vpc(subnets=tuple(spec.subnets), security_groups=tuple(spec.security_groups))


def _shared_code(name: str, own: CodeSpec, defaults: CodeSpec) -> tuple[SharedFolder, ...]:
    """The defaults' shared folders, then the job's; a folder named twice is shipped once."""
    places: list[tuple[tuple[str, ...], CodeSpec]] = [
        (("defaults",), defaults),
        (("jobs", name), own),
    ]
    found: dict[str, SharedFolder] = {}
    for where, code in places:
        for i, folder in enumerate(code.shared):
            key = folder.strip().rstrip("/")
            found.setdefault(key, SharedFolder(key, (*where, "code", "shared", i)))
    return tuple(found.values())


def resolve_policy(spec: PolicySpec) -> Policy:
    return Policy(
        max_runtime=spec.max_runtime,
        timeout_warning_ratio=spec.timeout_warning_ratio,
        max_concurrent_jobs=spec.max_concurrent_jobs,
    )


def _channel(name: str, spec: ChannelSpec) -> Channel:
    if spec.slack is not None or spec.webhook is not None:
        hook = HookKind.SLACK if spec.slack is not None else HookKind.WEBHOOK
        return Channel(name, hook=hook, secret=spec.slack or spec.webhook, kms_key=spec.kms_key)
    return Channel(name, tuple(spec.email or ()), spec.topic)


def resolve_alerts(spec: AlertsSpec | None) -> Alerts | None:
    if spec is None:
        return None
    channels = tuple(_channel(name, c) for name, c in spec.channels.items())
    return Alerts(channels=channels, every=spec.every)


def _alert(
    spec: AlertSpec | bool | None, defaults: AlertSpec | None, channels: tuple[str, ...]
) -> AlertRule | None:
    """The job's alert rule: its own keys over the defaults'; none unless one of them asks."""
    if spec is False or (spec is None and defaults is None):
        return None
    own = spec if isinstance(spec, AlertSpec) else AlertSpec()
    base = defaults or AlertSpec()
    to = own.to if own.to is not None else base.to
    when = own.when if own.when is not None else base.when
    after = own.after if own.after is not None else base.after
    rule = AlertRule(channels=tuple(to) if to is not None else channels)
    return AlertRule(
        channels=rule.channels,
        when=tuple(when) if when is not None else tuple(DEFAULT_ALERT_ON),
        after=after if after is not None else rule.after,
        grace=own.grace or base.grace or rule.grace,
        repeat=own.repeat or base.repeat,
    )


@dataclass(frozen=True)
class _Inherited:
    """What every job takes from `defaults:` unless it sets its own, resolved once."""

    environment: tuple[tuple[str, str], ...]
    tags: tuple[tuple[str, str], ...]
    permissions: tuple[Grant, ...]
    fargate: Fargate | None
    vpc: Vpc | None
    shared_code: tuple[SharedFolder, ...]


def _inherited(defaults: DefaultsSpec) -> _Inherited:
    return _Inherited(
        environment=tuple(sorted(defaults.environment.items())),
        tags=tuple(sorted(defaults.tags.items())),
        permissions=tuple(
            Grant(e, ("defaults", "permissions", i)) for i, e in enumerate(defaults.permissions)
        ),
        fargate=_fargate(defaults.fargate),
        vpc=_vpc(defaults.vpc),
        shared_code=_shared_code("", CodeSpec(), defaults.code),
    )


def resolve_jobs(
    specs: Iterable[tuple[str, JobSpec]],
    defaults: DefaultsSpec,
    policy: Policy,
    channels: tuple[str, ...] = (),
) -> tuple[Job, ...]:
    """`resolve_job` of each (name, spec), what the defaults give resolved once for all."""
    inherited = _inherited(defaults)
    return tuple(
        _resolve(name, spec, defaults, inherited, policy, channels) for name, spec in specs
    )


def resolve_job(
    name: str,
    spec: JobSpec,
    defaults: DefaultsSpec,
    policy: Policy,
    channels: tuple[str, ...] = (),
) -> Job:
    """Apply `defaults:` to one job. Tags and environment merge, the job's keys winning.
    `channels` are the catalogue's alert channels, where an alert goes unless it says."""
    return _resolve(name, spec, defaults, _inherited(defaults), policy, channels)


def _merged(
    inherited: tuple[tuple[str, str], ...], defaults: dict[str, str], own: dict[str, str]
) -> tuple[tuple[str, str], ...]:
    return tuple(sorted({**defaults, **own}.items())) if own else inherited


def _resolve(
    name: str,
    spec: JobSpec,
    defaults: DefaultsSpec,
    inherited: _Inherited,
    policy: Policy,
    channels: tuple[str, ...],
) -> Job:
    timeout = spec.timeout if spec.timeout is not None else defaults.timeout
    timezone = spec.timezone or defaults.timezone
    own_grants = tuple(
        Grant(e, ("jobs", name, "permissions", i)) for i, e in enumerate(spec.permissions)
    )
    return job_of(
        {
            "name": name,
            "schedule": spec.schedule.strip(),
            "expected_runtime": spec.expected_runtime,
            "timeout": (
                timeout
                if timeout is not None
                else default_timeout(spec.expected_runtime, policy.max_runtime)
            ),
            "timeout_is_explicit": timeout is not None,
            "description": spec.description,
            "handler": spec.handler,
            "function": spec.function,
            "input": spec.input,
            "environment": _merged(inherited.environment, defaults.environment, spec.environment),
            "memory": spec.memory if spec.memory is not None else defaults.memory,
            "retries": spec.retries if spec.retries is not None else defaults.retries,
            "max_event_age": spec.max_event_age,
            "delivery_retries": (
                spec.delivery_retries
                if spec.delivery_retries is not None
                else defaults.delivery_retries
            ),
            "delivery_max_event_age": spec.delivery_max_event_age,
            "dead_letter_queue": spec.dead_letter_queue or defaults.dead_letter_queue,
            "tags": _merged(inherited.tags, defaults.tags, spec.tags),
            "compute": spec.compute or defaults.compute,
            "backend": spec.backend or defaults.backend,
            "timezone": timezone,
            "flexible_window": spec.flexible_window,
            "start": as_instant(spec.start, timezone),
            "end": as_instant(spec.end, timezone),
            "enabled": spec.enabled,
            "role": spec.role or defaults.role,
            "permissions": (
                (*inherited.permissions, *own_grants) if own_grants else inherited.permissions
            ),
            "secrets": tuple(sorted(spec.secrets.items())) if spec.secrets else (),
            "secrets_kms_key": spec.secrets_kms_key or defaults.secrets_kms_key,
            "runtime": spec.runtime or defaults.runtime,
            "fargate": _fargate(spec.fargate) if spec.fargate is not None else inherited.fargate,
            "vpc": _vpc(spec.vpc) if spec.vpc is not None else inherited.vpc,
            "shared_code": (
                _shared_code(name, spec.code, defaults.code)
                if spec.code.shared
                else inherited.shared_code
            ),
            "architecture": spec.architecture or defaults.architecture,
            "alert": _alert(spec.alert, defaults.alert, channels),
            "versions": spec.versions if spec.versions is not None else defaults.versions,
            "log_retention": (
                spec.log_retention if spec.log_retention is not None else defaults.log_retention
            ),
        }
    )
