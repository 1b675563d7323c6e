"""Pydantic models of `jobs.yaml` (the YAML boundary) and the resolved, frozen `Job`/`Catalogue`.

The `*Spec` models say what a user may write: unknown keys are errors, types are strict.
`resolve_job` applies `defaults:` and derived values, producing plain frozen dataclasses that
every later stage uses; pydantic does not travel past this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer

from scheduler import limits
from scheduler.catalogue.durations import format_duration, parse_duration


def _to_duration(value: object) -> timedelta:
    if isinstance(value, timedelta):
        return value
    if isinstance(value, bool) or not isinstance(value, str):
        raise ValueError("a duration is text with a unit, like 90s, 5m, 1h30m or PT5M")
    try:
        duration = parse_duration(value)
    except OverflowError:  # pydantic reports only ValueError; anything else escapes validation
        raise ValueError(f"{value!r} is longer than any duration sched can handle") from None
    if duration <= timedelta(0):
        raise ValueError(f"{value!r} is no time at all; a duration must be longer than 0s")
    return duration


Duration = Annotated[
    timedelta,
    BeforeValidator(_to_duration),
    PlainSerializer(format_duration, return_type=str),
    Field(json_schema_extra={"type": "string", "examples": ["90s", "5m", "1h30m", "PT5M"]}),
]


class Backend(StrEnum):
    RULES = "rules"
    SCHEDULER = "scheduler"


class Compute(StrEnum):
    LAMBDA = "lambda"
    FARGATE = "fargate"


# Enums are matched by value ("rules"), which strict mode would refuse for plain strings.
BackendName = Annotated[Backend, Field(strict=False)]
ComputeName = Annotated[Compute, Field(strict=False)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class FargateSpec(_Strict):
    """Where a `compute: fargate` job runs as an ECS task."""

    cluster: str = Field(description="ECS cluster name or ARN")
    task_definition: str = Field(description="task definition family[:revision] or ARN")
    subnets: list[str] = Field(min_length=1, description="subnet ids for awsvpc networking")
    security_groups: list[str] = Field(default_factory=list)
    assign_public_ip: bool = False
    container: str | None = Field(None, description="container that receives the job input")


class DefaultsSpec(_Strict):
    """Values every job inherits unless it sets its own."""

    backend: BackendName = Backend.RULES
    compute: ComputeName = Compute.LAMBDA
    runtime: str = "python3.12"
    memory: int = 256
    timezone: str = "UTC"
    retries: int = Field(2, ge=0, le=limits.EVENTBRIDGE_MAX_RETRY_ATTEMPTS)
    timeout: Duration | None = None
    role: str | None = None
    dead_letter_queue: str | None = None
    tags: dict[str, str] = Field(default_factory=dict)
    environment: dict[str, str] = Field(default_factory=dict)
    fargate: FargateSpec | None = None


class PolicySpec(_Strict):
    """Rules the team sets for itself."""

    max_runtime: Duration = Field(
        limits.LAMBDA_MAX_TIMEOUT,
        description="longest expected_runtime allowed on Lambda (at most 15m)",
    )
    timeout_warning_ratio: float = Field(
        0.8, gt=0, le=1, description="warn when expected_runtime exceeds this share of timeout"
    )


class JobSpec(_Strict):
    """One scheduled job as written in the catalogue."""

    description: str = ""
    schedule: str = Field(description="cron(...), rate(...), at(...), Unix cron or @daily-style")
    expected_runtime: Duration = Field(description="how long a run normally takes")
    handler: str | None = Field(None, description="path/to/file.py:function under the catalogue")
    function: str | None = Field(None, description="ARN of an existing Lambda function")
    timeout: Duration | None = None
    input: dict[str, Any] | None = None
    environment: dict[str, str] = Field(default_factory=dict)
    memory: int | None = None
    retries: int | None = Field(None, ge=0, le=limits.EVENTBRIDGE_MAX_RETRY_ATTEMPTS)
    max_event_age: Duration | None = None
    dead_letter_queue: str | None = Field(None, description="SQS queue ARN for failed events")
    tags: dict[str, str] = Field(default_factory=dict)
    compute: ComputeName | None = None
    backend: BackendName | None = None
    timezone: str | None = None
    enabled: bool = True
    role: str | None = Field(None, description="ARN of an existing execution role")
    runtime: str | None = None
    fargate: FargateSpec | None = None


class CatalogueSpec(_Strict):
    """The whole file. The loader validates `jobs` one by one so one bad job hides no other."""

    catalogue: str = Field(description="names and tags every resource; one ownership scope")
    defaults: DefaultsSpec = Field(default_factory=DefaultsSpec)
    policy: PolicySpec = Field(default_factory=PolicySpec)
    jobs: dict[str, JobSpec] = Field(default_factory=dict)


@dataclass(frozen=True)
class Fargate:
    cluster: str
    task_definition: str
    subnets: tuple[str, ...]
    security_groups: tuple[str, ...] = ()
    assign_public_ip: bool = False
    container: str | None = None


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
    retries: int = 2
    max_event_age: timedelta | None = None
    dead_letter_queue: str | None = None
    tags: tuple[tuple[str, str], ...] = ()
    compute: Compute = Compute.LAMBDA
    backend: Backend = Backend.RULES
    timezone: str = "UTC"
    enabled: bool = True
    role: str | None = None
    runtime: str = "python3.12"
    fargate: Fargate | None = None

    @property
    def handler_file(self) -> str | None:
        return self.handler.rsplit(":", 1)[0] if self.handler else None

    @property
    def handler_function(self) -> str | None:
        if not self.handler:
            return None
        return self.handler.rsplit(":", 1)[1] if ":" in self.handler else "main"


@dataclass(frozen=True)
class Policy:
    max_runtime: timedelta = limits.LAMBDA_MAX_TIMEOUT
    timeout_warning_ratio: float = 0.8


@dataclass(frozen=True)
class Catalogue:
    """A loaded catalogue: its name, where it lives, its policy and its resolved jobs."""

    name: str
    path: Path
    policy: Policy = field(default_factory=Policy)
    jobs: tuple[Job, ...] = ()

    @property
    def base_dir(self) -> Path:
        return self.path.parent

    def job(self, name: str) -> Job | None:
        return next((j for j in self.jobs if j.name == name), None)


def default_timeout(expected_runtime: timedelta, max_runtime: timedelta) -> timedelta:
    """Twice the expected runtime, at least a minute, at most the policy's max runtime."""
    cap = min(max_runtime, limits.LAMBDA_MAX_TIMEOUT)
    doubled = cap if expected_runtime >= cap else min(expected_runtime * 2, cap)  # no overflow
    return max(timedelta(minutes=1), doubled)


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


def resolve_policy(spec: PolicySpec) -> Policy:
    return Policy(max_runtime=spec.max_runtime, timeout_warning_ratio=spec.timeout_warning_ratio)


def resolve_job(name: str, spec: JobSpec, defaults: DefaultsSpec, policy: Policy) -> Job:
    """Apply `defaults:` to one job. Tags and environment merge, the job's keys winning."""
    timeout = spec.timeout if spec.timeout is not None else defaults.timeout
    return Job(
        name=name,
        schedule=spec.schedule.strip(),
        expected_runtime=spec.expected_runtime,
        timeout=(
            timeout
            if timeout is not None
            else default_timeout(spec.expected_runtime, policy.max_runtime)
        ),
        timeout_is_explicit=timeout is not None,
        description=spec.description,
        handler=spec.handler,
        function=spec.function,
        input=spec.input,
        environment=tuple(sorted({**defaults.environment, **spec.environment}.items())),
        memory=spec.memory if spec.memory is not None else defaults.memory,
        retries=spec.retries if spec.retries is not None else defaults.retries,
        max_event_age=spec.max_event_age,
        dead_letter_queue=spec.dead_letter_queue or defaults.dead_letter_queue,
        tags=tuple(sorted({**defaults.tags, **spec.tags}.items())),
        compute=spec.compute or defaults.compute,
        backend=spec.backend or defaults.backend,
        timezone=spec.timezone or defaults.timezone,
        enabled=spec.enabled,
        role=spec.role or defaults.role,
        runtime=spec.runtime or defaults.runtime,
        fargate=_fargate(spec.fargate or defaults.fargate),
    )
