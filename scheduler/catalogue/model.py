"""The resolved catalogue: the frozen `Job`/`Catalogue` that every stage after loading works from.

Standard library only, so that history/ and runtime/ code can ship it inside a function; the
pydantic models of what a user may write live in `schema.py`, which builds these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

from scheduler import limits, naming

# Fire times are strictly after `since`: a run at the start date itself is one of the job's.
_JUST_BEFORE = timedelta(microseconds=1)


class Backend(StrEnum):
    RULES = "rules"
    SCHEDULER = "scheduler"


class RoleMode(StrEnum):
    """Execution roles of handler jobs: one per job, or one per distinct permission set."""

    PER_JOB = "per-job"
    SHARED = "shared"


class Compute(StrEnum):
    LAMBDA = "lambda"
    FARGATE = "fargate"


class Architecture(StrEnum):
    """The instruction set a Lambda function runs on (arm64, Graviton, costs less a second)."""

    X86_64 = "x86_64"
    ARM64 = "arm64"


@dataclass(frozen=True)
class Fargate:
    cluster: str
    task_definition: str
    subnets: tuple[str, ...]
    security_groups: tuple[str, ...] = ()
    assign_public_ip: bool = False
    container: str | None = None


@dataclass(frozen=True)
class Vpc:
    """The private network a Lambda job's function runs in (`vpc:`), as written."""

    subnets: tuple[str, ...]
    security_groups: tuple[str, ...]


@dataclass(frozen=True)
class Grant:
    """One `permissions:` entry as written: an AWS SAM policy template (`{S3ReadPolicy:
    {BucketName: b}}`), an IAM statement (`{Effect, Action, Resource[, Condition]}`) or a managed
    policy ARN. `origin` is where it stands in the file, e.g. ("jobs", "log-backup",
    "permissions", 0) or ("defaults", "permissions", 1); `scheduler.permissions` reads it."""

    entry: Any
    origin: tuple[str | int, ...]


class Outcome(StrEnum):
    """What a fire can end as that an alert may be sent for (`alert: when:`)."""

    FAILED = "failed"
    TIMED_OUT = "timed_out"
    MISSED = "missed"
    LATE = "late"
    OVERRAN = "overran"
    FAST = "fast"  # succeeded in under a tenth of its expected runtime: did it do its work?
    RECOVERED = "recovered"


DEFAULT_ALERT_ON = (Outcome.FAILED, Outcome.TIMED_OUT, Outcome.MISSED, Outcome.RECOVERED)


@dataclass(frozen=True)
class AlertRule:
    """A job's resolved `alert:`: which channels hear of which outcomes, after how many bad
    fires in a row, how long a fire may be overdue before it is missed, and how often an alert
    is sent again while the job stays bad (None: once)."""

    channels: tuple[str, ...]
    when: tuple[str, ...] = tuple(DEFAULT_ALERT_ON)
    after: int = 1
    grace: timedelta = timedelta(minutes=10)
    repeat: timedelta | None = None


class HookKind(StrEnum):
    """How a webhook channel's message is shaped: Slack's `{"text": ...}`, or sched's own JSON."""

    SLACK = "slack"
    WEBHOOK = "webhook"


@dataclass(frozen=True)
class Channel:
    """A named alert channel: email addresses (an SNS topic sched owns), an existing topic, or
    a webhook (`hook`: Slack or generic) whose URL is the secret `secret` (`ssm:/...` or
    `secretsmanager:...`), read by the watcher; `kms_key` is the customer managed key it is
    encrypted with, if any."""

    name: str
    emails: tuple[str, ...] = ()
    topic: str | None = None
    hook: HookKind | None = None
    secret: str | None = None
    kms_key: str | None = None


@dataclass(frozen=True)
class Alerts:
    """The catalogue's `alerts:`: its channels and how often the watcher looks at the logs."""

    channels: tuple[Channel, ...] = ()
    every: timedelta = timedelta(minutes=5)

    def channel(self, name: str) -> Channel | None:
        return next((c for c in self.channels if c.name == name), None)


@dataclass(frozen=True)
class SharedFolder:
    """A folder of shared code (`code: shared:`) a job's package holds at its root under the
    folder's own name; `at` is where the catalogue names it (for diagnostics)."""

    folder: str  # relative to the catalogue's folder, posix
    at: tuple[str | int, ...] = ()

    @property
    def name(self) -> str:
        """The folder's name in the package, which is the name the job imports."""
        return self.folder.rsplit("/", 1)[-1]


@dataclass(frozen=True)
class Job:
    """A job with every default applied: what compile and the rules work from."""

    name: str
    schedule: str
    expected_runtime: timedelta
    timeout: timedelta
    timeout_is_explicit: bool
    description: str = ""
    handler: str | None = None
    function: str | None = None
    input: dict[str, Any] | None = None
    environment: tuple[tuple[str, str], ...] = ()
    memory: int = 256
    retries: int = 2  # Lambda's re-runs of a failed run (0-2)
    max_event_age: timedelta | None = None  # how long Lambda keeps a run's event for re-runs
    delivery_retries: int = 2  # the rule's or schedule's retries of a failed delivery
    delivery_max_event_age: timedelta | None = None
    dead_letter_queue: str | None = None
    tags: tuple[tuple[str, str], ...] = ()
    compute: Compute = Compute.LAMBDA
    backend: Backend = Backend.RULES
    timezone: str = "UTC"
    # EventBridge Scheduler may start a run up to this long after its time (None: on time).
    flexible_window: timedelta | None = None
    # EventBridge Scheduler's StartDate and EndDate (aware, UTC): no run outside them.
    start: datetime | None = None
    end: datetime | None = None
    enabled: bool = True
    role: str | None = None
    permissions: tuple[Grant, ...] = ()
    # Environment variable → reference (`ssm:/path`, `secretsmanager:name#key`): only the
    # reference is deployed; the runtime wrapper reads the value before the handler runs.
    secrets: tuple[tuple[str, str], ...] = ()
    secrets_kms_key: str | None = None  # the customer managed key they are encrypted with
    runtime: str = "python3.12"
    fargate: Fargate | None = None
    vpc: Vpc | None = None
    shared_code: tuple[SharedFolder, ...] = ()  # folders its package holds beside the handler's
    architecture: Architecture = Architecture.X86_64
    alert: AlertRule | None = None  # None: nobody is told how its runs went
    # Published versions of its function apply keeps, the schedule invoking the `live` alias;
    # None: not versioned (the schedule invokes $LATEST, as before `versions:` existed).
    versions: int | None = None
    # Days CloudWatch Logs keeps the job's logs: sched then creates and owns its log group.
    # None: Lambda creates the group on the first run, and keeps its logs forever.
    log_retention: int | None = None

    def active_span(self, since: datetime, until: datetime) -> tuple[datetime, datetime] | None:
        """(since, until] cut to the job's start and end dates; None when nothing is left."""
        if self.start is not None:
            since = max(since, self.start - _JUST_BEFORE)
        if self.end is not None:
            until = min(until, self.end)
        return (since, until) if since < until else None

    @property
    def handler_file(self) -> str | None:
        return self.handler.rsplit(":", 1)[0] if self.handler else None

    @property
    def handler_function(self) -> str | None:
        if not self.handler:
            return None
        return self.handler.rsplit(":", 1)[1] if ":" in self.handler else "main"


def job_of(fields: dict[str, Any]) -> Job:
    """The `Job` that `Job(**fields)` makes, without its `__init__`: a frozen dataclass stores
    each of its 36 fields through `object.__setattr__`, after matching 36 keyword arguments,
    which was half of resolving a job (10,000 of them in a large catalogue). `fields` become the
    job's attributes as they are; a field left out has its default (a class attribute)."""
    job = object.__new__(Job)
    object.__setattr__(job, "__dict__", fields)
    return job


@dataclass(frozen=True)
class Policy:
    max_runtime: timedelta = limits.LAMBDA_MAX_TIMEOUT
    timeout_warning_ratio: float = 0.8
    max_concurrent_jobs: int | None = None  # None: Lambda's default account concurrency


@dataclass(frozen=True)
class Ignore:
    """One entry of an `ignore:` mapping: a code a team silences on purpose, and why. `job` is
    None for the catalogue-wide `ignore:`; `reason` is None when the entry gave none."""

    code: str
    reason: str | None
    job: str | None = None


@dataclass(frozen=True)
class Environment:
    """One of the catalogue's `environments:`: the account and region it is deployed to."""

    name: str
    account: str
    region: str


@dataclass(frozen=True)
class Catalogue:
    """A loaded catalogue: its name, where it lives, its policy and its resolved jobs. With
    environments declared, `environments` names them all, and `environment` is the one these
    jobs were merged for (None: the shared part, which is never deployed); `elsewhere` holds
    the jobs left out of that environment, each with the environments it is deployed to."""

    name: str
    path: Path
    policy: Policy = field(default_factory=Policy)
    jobs: tuple[Job, ...] = ()
    alerts: Alerts | None = None
    ignores: tuple[Ignore, ...] = ()
    roles: RoleMode = RoleMode.PER_JOB
    environment: Environment | None = None
    environments: tuple[str, ...] = ()
    elsewhere: tuple[tuple[str, tuple[str, ...]], ...] = ()

    @property
    def base_dir(self) -> Path:
        return self.path.parent

    @property
    def prefix(self) -> str:
        """What its resource names start from: the catalogue's name, and its environment's."""
        return naming.scope_prefix(self.name, self.environment_name)

    @property
    def environment_name(self) -> str | None:
        return self.environment.name if self.environment is not None else None

    def job(self, name: str) -> Job | None:
        return next((j for j in self.jobs if j.name == name), None)

    def not_here(self, names: list[str]) -> tuple[str, str] | None:
        """(message, hint) when every one of `names` is a job of another environment: where
        each is deployed and the --env that reaches it; None when any is not such a job."""
        away = dict(self.elsewhere)
        if not names or any(n not in away for n in names):
            return None
        here = self.environment_name
        if len(names) == 1:
            envs = away[names[0]]
            what = f"job {names[0]!r} is not deployed to environment {here}"
            found = f"it is in: {', '.join(envs)}" if envs else "it lists no environment"
        else:
            listed = ", ".join(repr(n) for n in names)
            what = f"jobs {listed} are not deployed to environment {here}"
            found = "; ".join(f"{n} is in: {', '.join(away[n]) or 'none'}" for n in names)
        where = sorted({e for n in names for e in away[n]})
        if len(where) == 1:
            hint = f"use --env {where[0]}"
        elif where:
            hint = f"use --env with one of {', '.join(where)}"
        else:
            hint = "list an environment under the job's environments: to deploy it"
        return f"{what} ({found})", hint


def default_timeout(expected_runtime: timedelta, max_runtime: timedelta) -> timedelta:
    """Twice the expected runtime, at least a minute, at most the policy's max runtime."""
    cap = min(max_runtime, limits.LAMBDA_MAX_TIMEOUT)
    doubled = cap if expected_runtime >= cap else min(expected_runtime * 2, cap)  # no overflow
    return max(_MINUTE, doubled)


_MINUTE = timedelta(minutes=1)
