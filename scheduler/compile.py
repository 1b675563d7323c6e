"""Catalogue → DesiredState: every AWS resource the catalogue's jobs need, named, tagged, wired.

Pure and deterministic: the same catalogue, account, region and packages give the same state.
It assumes the catalogue validated; what it still cannot compile raises `CompileError`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import PurePosixPath
from typing import Any, assert_never

from scheduler import limits, naming
from scheduler.canonical import canonical_json
from scheduler.catalogue.model import Architecture, Backend, Catalogue, Compute, Job, RoleMode
from scheduler.errors import CompileError
from scheduler.history.targets import deployed_function, log_group_for
from scheduler.input_template import Placeholder, input_template
from scheduler.package import RUNTIME_MODULE, WATCHER_MODULE, WATCHER_PACKAGE, PackageRef
from scheduler.permissions import job_policy, shared_policy, shared_role_name, watcher_policy
from scheduler.resource_dict import as_dict
from scheduler.resource_state import DesiredState, ResourceState
from scheduler.resources import (
    LIVE_ALIAS,
    Alias,
    EcsParameters,
    Function,
    InputTransformer,
    Pairs,
    Permission,
    QueueStatement,
    Resource,
    RetryPolicy,
    Role,
    Rule,
    Schedule,
    ScheduleGroup,
    Target,
    Toggle,
    Topic,
    VpcConfig,
    pairs,
)
from scheduler.runtime.contract import (
    ENV_CATALOGUE,
    ENV_DEPLOY,
    ENV_EVENT_ID,
    ENV_EXPECTED_RUNTIME_MS,
    ENV_HANDLER,
    ENV_INPUT,
    ENV_JOB,
    ENV_SCHEDULED_TIME,
    ENV_SECRETS,
    job_event,
)
from scheduler.schedule import ScheduleError, parse
from scheduler.watch.config import SHARD_ENV, WatchConfig, config_for, shards

LAMBDA_HANDLER = f"{RUNTIME_MODULE}.handler"
LOG_FORMAT = "JSON"
TARGET_ID = naming.TARGET_ID
EVENTS_PRINCIPAL = "events.amazonaws.com"
LAMBDA_PRINCIPAL = "lambda.amazonaws.com"
SCHEDULER_PRINCIPAL = "scheduler.amazonaws.com"
ECS_TASKS_PRINCIPAL = "ecs-tasks.amazonaws.com"

# A rule target's constant Input would replace the event, losing its scheduled time, so rule
# targets get an input transformer. Unquoted placeholders are filled as JSON values (strings
# quoted by EventBridge): https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-transform-target-input.html
EVENT_TIME = Placeholder("time")
EVENT_ID = Placeholder("id")
EVENT_PATHS = pairs({EVENT_TIME.name: "$.time", EVENT_ID.name: "$.id"})
# Scheduler substitutes these keywords as plain text, so they sit inside JSON strings:
# https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-context-attributes.html
SCHEDULER_TIME = "<aws.scheduler.scheduled-time>"
SCHEDULER_EXECUTION_ID = "<aws.scheduler.execution-id>"
SCHEDULER_ATTEMPT = "<aws.scheduler.attempt-number>"
# The alert watcher reads logs and publishes a few messages: small, and never retried by Lambda
# (its next pass does the work again, from the state its last one logged).
WATCHER_MEMORY_MB = 256
WATCHER_TIMEOUT_SECONDS = 120
WATCHER_RUNTIME = "python3.12"


def compile_catalogue(
    catalogue: Catalogue, *, account: str, region: str, packages: Mapping[str, PackageRef]
) -> DesiredState:
    """The resources `catalogue` needs in `account`/`region`; `packages` maps job → built zip."""
    deployed = frozenset(
        naming.function_name(catalogue.prefix, job.name)
        for job in catalogue.jobs
        if job.compute is Compute.LAMBDA and job.handler is not None
    )
    build = _Build(
        catalogue.prefix,
        account,
        region,
        deployed_functions=deployed,
        shared=catalogue.roles is RoleMode.SHARED,
        owner=(catalogue.name, catalogue.environment_name),
    )
    resources: list[Resource] = []
    for job in sorted(catalogue.jobs, key=lambda j: j.name):
        match job.compute:
            case Compute.LAMBDA:
                resources.extend(build.lambda_job(job, packages.get(job.name)))
            case Compute.FARGATE:
                resources.extend(build.fargate_job(job))
            case _:
                assert_never(job.compute)
    resources.extend(build.shared_resources())
    watch = config_for(catalogue, region=region, account=account)
    if watch is not None:
        resources.extend(build.watch_topics(watch))
        for part in shards(watch):  # one watcher, or several when one pass cannot cover all
            resources.extend(build.watcher(part, packages.get(WATCHER_PACKAGE)))
    return ResourceState.of(_with_policy_mark(r) for r in resources)


def _marked_tags(tags: Mapping[str, str], ownership: Mapping[str, str]) -> Pairs:
    """The catalogue's tags, sched's ownership tags, and the mark of which keys sched set."""
    keys = naming.mark(k for k in tags if not naming.is_sched_tag(k))
    marks = {} if keys is None else {naming.TAG_KEYS_TAG: keys}
    return pairs({**tags, **ownership, **marks})


def _with_policy_mark(resource: Resource) -> Resource:
    """A role carries the mark of the managed policies sched attaches, so that one a person
    attaches is never detached; a topic the mark of the addresses sched subscribes, so that
    one a person subscribes is never unsubscribed."""
    if isinstance(resource, Topic):
        emails = naming.mark(resource.emails)
        if emails is None:
            return resource
        return replace(resource, tags=pairs({**dict(resource.tags), naming.EMAILS_TAG: emails}))
    if not isinstance(resource, Role):
        return resource
    policies = naming.mark(resource.managed_policy_arns)
    if policies is None:
        return resource
    return replace(resource, tags=pairs({**dict(resource.tags), naming.POLICIES_TAG: policies}))


def function_environment(job: Job, catalogue: str) -> dict[str, str]:
    """The environment of a handler job's function: the job's own, then sched's SCHED_* names."""
    module = PurePosixPath(job.handler_file or "").stem
    expected_ms = round(job.expected_runtime.total_seconds() * 1000)
    environment = {
        **dict(job.environment),
        ENV_JOB: job.name,
        ENV_CATALOGUE: catalogue,
        ENV_HANDLER: f"{module}.{job.handler_function}",
        ENV_EXPECTED_RUNTIME_MS: str(expected_ms),
    }
    if job.secrets:  # the references only: the wrapper reads the values at run time
        environment[ENV_SECRETS] = canonical_json(dict(job.secrets))
    return environment


def desired_state_to_json(state: DesiredState) -> str:
    """`sched compile --format json`: every resource in apply order, keys sorted."""
    return json.dumps({"resources": [as_dict(r) for r in state]}, indent=2, sort_keys=True)


@dataclass
class _Build:
    """What compiling one catalogue accumulates across jobs for its shared resources."""

    catalogue: str  # what names start from: the catalogue's name, and its environment's
    account: str
    region: str
    scheduler_targets: set[str] = field(default_factory=set)
    scheduler_dead_letters: set[str] = field(default_factory=set)
    ecs_clusters: set[str] = field(default_factory=set)
    ecs_task_definitions: set[str] = field(default_factory=set)
    # Fargate jobs on EventBridge Scheduler: the task definitions and clusters its role runs.
    scheduler_task_definitions: set[str] = field(default_factory=set)
    scheduler_clusters: set[str] = field(default_factory=set)
    deployed_functions: frozenset[str] = frozenset()
    # defaults: {roles: shared}: one role per distinct permission set, by name, and its jobs.
    shared: bool = False
    shared_roles: dict[str, Role] = field(default_factory=dict)
    owner: tuple[str, str | None] = ("", None)  # the ownership tags' catalogue and environment

    def ownership(self, job: str | None = None) -> dict[str, str]:
        catalogue, environment = self.owner
        return naming.ownership_tags(catalogue or self.catalogue, job, environment)

    def lambda_job(self, job: Job, package: PackageRef | None) -> Iterator[Resource]:
        if job.function is not None:
            target_arn = job.function
        elif job.handler is not None:
            if job.role is None and not self.shared:
                yield self.job_role(job)
            function = self.function(job, package)
            target_arn = naming.function_arn(self.region, self.account, function.name)
            yield function
            if job.versions is not None:
                yield Alias(
                    function=function.name,
                    name=LIVE_ALIAS,
                    keep=job.versions,
                    retry_attempts=function.retry_attempts,
                    max_event_age_seconds=function.max_event_age_seconds,
                    on_failure=function.on_failure,
                )
                target_arn = f"{target_arn}:{LIVE_ALIAS}"
        else:
            raise CompileError(f'job "{job.name}" has neither handler nor function')
        match job.backend:
            case Backend.RULES:
                for half in _halves(job):
                    rule = self.rule(job, half)
                    yield rule
                    yield Target(
                        rule=rule.name,
                        id=TARGET_ID,
                        arn=target_arn,
                        input_transformer=_rule_input(job, half),
                        retry_policy=_retry_policy(job),
                        dead_letter_arn=job.dead_letter_queue,
                    )
                    yield Permission(
                        function=self.invoked_function(job),
                        statement_id=naming.statement_id(self.catalogue, half.name),
                        principal=EVENTS_PRINCIPAL,
                        source_arn=naming.rule_arn(self.region, self.account, rule.name),
                        qualifier=LIVE_ALIAS if self.versioned(job) else None,
                    )
                    yield from self.dead_letter_statement(job, rule, half)
            case Backend.SCHEDULER:
                self.scheduler_targets.add(target_arn)
                if job.dead_letter_queue:
                    self.scheduler_dead_letters.add(job.dead_letter_queue)
                for half in _halves(job):
                    yield self.schedule(job, target_arn, half)
            case _:
                assert_never(job.backend)

    def _readable_arns(self, job: Job, function: str) -> list[str]:
        """What the watcher reads a job's SCHED_DEPLOY on: the function, and for a versioned job
        its qualified ARNs too (GetFunctionConfiguration with Qualifier="live")."""
        arn = naming.function_arn(self.region, self.account, function)
        return [arn, f"{arn}:*"] if self.versioned(job) else [arn]

    def versioned(self, job: Job) -> bool:
        """Whether the schedule invokes the job's function through its `live` alias."""
        return job.versions is not None and job.function is None and job.handler is not None

    def invoked_function(self, job: Job) -> str:
        """How a permission names the function a job invokes: by name when sched deploys it
        here (a `function:` ARN may name another job's function), else by its ARN. One function
        is read once, under one name, so two jobs sharing it keep both statements."""
        if job.function is None:
            return naming.function_name(self.catalogue, job.name)
        name = naming.function_name_in_arn(job.function)
        if (
            name is not None
            and job.function == naming.function_arn(self.region, self.account, name)
            and name in self.deployed_functions
        ):
            return name
        return job.function

    def function(self, job: Job, package: PackageRef | None) -> Function:
        assert job.handler_file is not None and job.handler_function is not None
        if package is None:
            raise CompileError(
                f'job "{job.name}" has no built package', "build the job's package before compiling"
            )
        environment = function_environment(job, self.catalogue)
        function = Function(
            name=naming.function_name(self.catalogue, job.name),
            runtime=job.runtime,
            handler=LAMBDA_HANDLER,
            role_arn=job.role or self.role_arn(self.execution_role(job)),
            memory_mb=job.memory,
            timeout_seconds=_whole_seconds(job.timeout.total_seconds()),
            code_sha256=package.sha256,
            code=package.digest,
            environment=pairs(environment),
            description=job.description,
            log_format=LOG_FORMAT,
            log_group=naming.log_group_name(self.catalogue, job.name),
            tags=self.job_tags(job),
            retry_attempts=job.retries,
            max_event_age_seconds=(
                _whole_seconds(job.max_event_age.total_seconds())
                if job.max_event_age is not None
                else limits.LAMBDA_MAX_EVENT_AGE_SECONDS
            ),
            on_failure=job.dead_letter_queue,
            vpc=(
                VpcConfig(tuple(sorted(job.vpc.subnets)), tuple(sorted(job.vpc.security_groups)))
                if job.vpc is not None
                else None
            ),
            architecture=job.architecture.value,
            code_path=package.path,
            versions=job.versions,
        )
        if self.versioned(job):
            function = replace(
                function, tags=pairs({**dict(function.tags), naming.ALIAS_TAG: LIVE_ALIAS})
            )
        if job.log_retention is not None:
            function = replace(
                function,
                log_retention_days=job.log_retention,
                tags=pairs({**dict(function.tags), naming.LOGS_TAG: "retention"}),
            )
        environment[ENV_DEPLOY] = deploy_value(function)
        return replace(function, environment=pairs(environment))

    def execution_role(self, job: Job) -> str:
        """The name of the role sched makes for a job without `role:`: its own, or (shared) the
        one of its permission set, noted to be made once (`shared_resources`)."""
        if not self.shared:
            return naming.job_role_name(self.catalogue, job.name)
        role = self.shared_role(job)
        self.shared_roles.setdefault(role.name, role)
        return role.name

    def shared_role(self, job: Job) -> Role:
        """The role of every job whose policy is this job's (`permissions.shared_policy`),
        named by the policy's hash: the same permission set, the same role."""
        policy = shared_policy(
            job, catalogue=self.catalogue, region=self.region, account=self.account
        )
        name = shared_role_name(policy, self.catalogue)
        digest = name.rsplit("-", 1)[-1]
        return Role(
            name=name,
            trust_policy=_trust_policy(LAMBDA_PRINCIPAL),
            description=(
                f"Execution role of the jobs of sched catalogue {self.catalogue} with permission "
                f"set {digest}"
            ),
            inline_policy=canonical_json(policy.document),
            managed_policy_arns=policy.managed_policy_arns,
            tags=_marked_tags({}, {**self.ownership(), naming.SHARED_TAG: "role"}),
        )

    def job_role(self, job: Job) -> Role:
        """The job's own execution role: its logs, and what its `permissions:` grant."""
        policy = job_policy(job, catalogue=self.catalogue, region=self.region, account=self.account)
        return Role(
            name=naming.job_role_name(self.catalogue, job.name),
            trust_policy=_trust_policy(LAMBDA_PRINCIPAL),
            description=f"Execution role of job {job.name} of sched catalogue {self.catalogue}",
            inline_policy=canonical_json(policy.document),
            managed_policy_arns=policy.managed_policy_arns,
            tags=self.job_tags(job),
        )

    def rule(self, job: Job, half: _Half | None = None) -> Rule:
        half = half or _halves(job)[0]
        expression = half.expression
        if expression.startswith("at("):
            raise CompileError(
                f'job "{job.name}": EventBridge rules cannot run a one-time at(...) schedule',
                "use backend: scheduler for one-time jobs",
            )
        return Rule(
            name=naming.rule_name(self.catalogue, half.name),
            schedule_expression=expression,
            state=_toggle(job),
            description=job.description,
            tags=self.job_tags(job),
        )

    def dead_letter_statement(
        self, job: Job, rule: Rule, half: _Half | None = None
    ) -> Iterator[QueueStatement]:
        """A rule target's dead-letter queue takes EventBridge's messages only when the queue's
        own policy allows them (a schedule's are sent with the Scheduler role instead):
        https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-dlq.html"""
        if job.dead_letter_queue is not None and ":sqs:" in job.dead_letter_queue:
            yield QueueStatement(
                queue_arn=job.dead_letter_queue,
                sid=naming.statement_id(self.catalogue, half.name if half else job.name),
                source_arn=naming.rule_arn(self.region, self.account, rule.name),
            )

    def schedule(self, job: Job, target_arn: str, half: _Half) -> Schedule:
        return Schedule(
            group=naming.schedule_group_name(self.catalogue),
            name=naming.schedule_name(self.catalogue, half.name),
            expression=half.expression,
            timezone=job.timezone,
            target_arn=target_arn,
            role_arn=self.role_arn(naming.scheduler_role_name(self.catalogue)),
            input=_scheduler_input(job, half),
            retry_policy=_retry_policy(job),
            state=_toggle(job),
            dead_letter_arn=job.dead_letter_queue,
            description=job.description,
            flexible_window_minutes=(
                _whole_seconds(job.flexible_window.total_seconds()) // 60
                if job.flexible_window is not None
                else None
            ),
            start_date=_utc_text(job.start),
            end_date=_utc_text(job.end),
            **_one_off(half.expression, job.timezone),
        )

    def fargate_job(self, job: Job) -> Iterator[Resource]:
        if job.fargate is None:
            raise CompileError(
                f'job "{job.name}" runs on Fargate but has no fargate settings',
                "add fargate: {cluster: ..., task_definition: ..., subnets: [...]}",
            )
        if len(_halves(job)) > 1:
            raise CompileError(
                f'job "{job.name}": a Fargate task cannot skip the second run of a day both '
                "day fields match",
                "run it on Lambda, or keep one of the two day fields",
            )
        spec = job.fargate
        cluster = naming.ecs_cluster_arn(self.region, self.account, spec.cluster)
        task_definition = naming.ecs_task_definition_arn(
            self.region, self.account, spec.task_definition
        )
        ecs = EcsParameters(
            task_definition_arn=task_definition,
            subnets=tuple(sorted(spec.subnets)),
            security_groups=tuple(sorted(spec.security_groups)),
            assign_public_ip=spec.assign_public_ip,
        )
        if job.backend is Backend.SCHEDULER:
            # A long job with a time zone: Scheduler starts the task itself (RunTask) as its
            # role. https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-targets-templated.html
            self.scheduler_clusters.add(cluster)
            self.scheduler_task_definitions.update(_task_definition_resources(task_definition))
            if job.dead_letter_queue:
                self.scheduler_dead_letters.add(job.dead_letter_queue)
            (half,) = _halves(job)
            schedule = self.schedule(job, cluster, half)
            container = _scheduler_container_input(job, spec.container) if spec.container else "{}"
            yield replace(schedule, input=container, ecs=ecs)
            return
        self.ecs_clusters.add(cluster)
        self.ecs_task_definitions.update(_task_definition_resources(task_definition))
        rule = self.rule(job)
        yield rule
        yield from self.dead_letter_statement(job, rule)
        yield Target(
            rule=rule.name,
            id=TARGET_ID,
            arn=cluster,
            input_transformer=_container_input(job, spec.container) if spec.container else None,
            retry_policy=_retry_policy(job),
            dead_letter_arn=job.dead_letter_queue,
            role_arn=self.role_arn(naming.ecs_role_name(self.catalogue)),
            ecs=ecs,
        )

    def shared_resources(self) -> Iterator[Resource]:
        yield from self.shared_roles.values()
        tags = _marked_tags({}, self.ownership())
        if self.scheduler_targets or self.scheduler_task_definitions:
            statements = []
            if self.scheduler_targets:
                statements.append(
                    _allow("InvokeJobs", "lambda:InvokeFunction", self.scheduler_targets)
                )
            if self.scheduler_task_definitions:
                statements += _run_task_statements(
                    self.scheduler_task_definitions, self.scheduler_clusters
                )
            if self.scheduler_dead_letters:
                statements.append(
                    _allow("DeadLetters", "sqs:SendMessage", self.scheduler_dead_letters)
                )
            # Scheduler's documented trust policy pins the account (confused deputy):
            # https://docs.aws.amazon.com/scheduler/latest/UserGuide/setting-up.html#setting-up-execution-role
            yield Role(
                name=naming.scheduler_role_name(self.catalogue),
                trust_policy=_trust_policy(SCHEDULER_PRINCIPAL, source_account=self.account),
                description=f"EventBridge Scheduler role of sched catalogue {self.catalogue}",
                inline_policy=_policy(statements),
                tags=tags,
            )
            yield ScheduleGroup(name=naming.schedule_group_name(self.catalogue), tags=tags)
        if self.ecs_task_definitions:
            run_task, pass_role = _run_task_statements(self.ecs_task_definitions, self.ecs_clusters)
            yield Role(
                name=naming.ecs_role_name(self.catalogue),
                trust_policy=_trust_policy(EVENTS_PRINCIPAL),
                description=f"EventBridge role running Fargate tasks of catalogue {self.catalogue}",
                inline_policy=_policy([run_task, pass_role]),
                tags=tags,
            )

    def watch_topics(self, config: WatchConfig) -> Iterator[Resource]:
        """The topics of the alerts' email channels."""
        tags = _marked_tags({}, self.ownership())
        alerts = config.catalogue.alerts
        for channel in alerts.channels if alerts else ():
            if channel.emails:
                name = naming.topic_name(self.catalogue, channel.name)
                yield Topic(name=name, emails=tuple(sorted(set(channel.emails))), tags=tags)

    def watcher(self, config: WatchConfig, package: PackageRef | None) -> Iterator[Resource]:
        """An alert watcher: a function of its own on its own rule, under a role that reads
        its watched jobs' logs and publishes to the topics. Each of several watchers (shards)
        ships the whole configuration and is told its part by its environment."""
        if package is None:
            raise CompileError("the alert watcher has no built package", "build it first")
        tags = _marked_tags({}, self.ownership())
        alerts = config.catalogue.alerts
        name = config.function
        shard = ((SHARD_ENV, f"{config.shard}/{config.shards}"),) if config.shards > 1 else ()
        groups = [g for j in config.jobs if (g := log_group_for(config.catalogue, j)) is not None]
        policy = watcher_policy(
            log_group=config.log_group,
            job_log_groups=groups,
            topics=[arn for _, arn in config.topics],
            region=self.region,
            account=self.account,
            job_functions=[
                arn
                for j in config.jobs
                if (f := deployed_function(config.catalogue, j)) is not None
                for arn in self._readable_arns(j, f)
            ],
            hook_secrets=[
                (c.secret, c.kms_key)
                for c in (alerts.channels if alerts else ())
                if c.secret is not None
            ],
            catalogue=self.catalogue,
            # A function's tags name its catalogue and environment, not the scope they make.
            owner={k: v for k, v in self.ownership().items() if k != naming.MANAGED_BY_KEY},
        )
        yield Role(
            name=name,
            trust_policy=_trust_policy(LAMBDA_PRINCIPAL),
            description=f"Alert watcher of sched catalogue {self.catalogue}",
            inline_policy=canonical_json(policy),
            tags=tags,
        )
        yield Function(
            name=name,
            runtime=WATCHER_RUNTIME,
            handler=f"{WATCHER_MODULE}.handler",
            role_arn=self.role_arn(name),
            memory_mb=WATCHER_MEMORY_MB,
            timeout_seconds=WATCHER_TIMEOUT_SECONDS,
            code_sha256=package.sha256,
            code=package.digest,
            description=f"Watches the runs of sched catalogue {self.catalogue} and alerts",
            log_format=LOG_FORMAT,
            log_group=config.log_group,
            tags=tags,
            retry_attempts=0,
            code_path=package.path,
            environment=shard,
        )
        rule = Rule(
            name=name,
            schedule_expression=_rate(config.every),
            description=f"Runs the alert watcher of sched catalogue {self.catalogue}",
            tags=tags,
        )
        yield rule
        yield Target(
            rule=name,
            id=TARGET_ID,
            arn=naming.function_arn(self.region, self.account, name),
            retry_policy=RetryPolicy(
                maximum_retry_attempts=0,
                maximum_event_age_seconds=limits.EVENTBRIDGE_MIN_EVENT_AGE_SECONDS,
            ),
        )
        yield Permission(
            function=name,
            statement_id=naming.statement_id(self.catalogue, "sched-watcher"),
            principal=EVENTS_PRINCIPAL,
            source_arn=naming.rule_arn(self.region, self.account, name),
        )

    def job_tags(self, job: Job) -> tuple[tuple[str, str], ...]:
        return _marked_tags(dict(job.tags), self.ownership(job.name))

    def role_arn(self, name: str) -> str:
        return naming.role_arn(self.region, self.account, name)


@dataclass(frozen=True)
class _Half:
    """One rule or schedule of a job: most jobs have one; a Unix either-day line has two, the
    second (`skip_days` set) named after `naming.day_of_week_half` and skipping the days of the
    month the first fires on, so that a day both match runs once, as in Unix cron."""

    name: str
    expression: str
    skip_days: tuple[int, ...] | None = None


def _halves(job: Job) -> tuple[_Half, ...]:
    try:
        schedule = parse(job.schedule)
    except ScheduleError as error:
        raise CompileError(
            f'job "{job.name}": schedule "{job.schedule}" cannot be compiled: {error}',
            "run `sched validate` for the details",
        ) from error
    first = _Half(job.name, schedule.aws_expression)
    if schedule.also is None:
        return (first,)
    second = _Half(naming.day_of_week_half(job.name), schedule.also, schedule.days_of_month)
    return (first, second)


def _rate(every: timedelta) -> str:
    """`rate(5 minutes)`: whole minutes, at least one (`rate(1 minute)` is singular)."""
    minutes = max(1, _whole_seconds(every.total_seconds() / 60))
    return f"rate({minutes} {'minute' if minutes == 1 else 'minutes'})"


def _toggle(job: Job) -> Toggle:
    return Toggle.ENABLED if job.enabled else Toggle.DISABLED


# What a function runs and how: a change to any of these is a new deployment of it. Tags and the
# event invoke config are left out: they change nothing the wrapper does.
_DEPLOYED_FIELDS = (
    "name",
    "runtime",
    "handler",
    "role_arn",
    "memory_mb",
    "timeout_seconds",
    "code",
    "environment",
    "description",
    "log_format",
)


DEPLOY_VALUE_LENGTH = 20


def deploy_value(function: Function) -> str:
    """The function's SCHED_DEPLOY: a digest of its code and configuration (without itself),
    the same for the same deployment, so a second apply plans nothing. The wrapper writes it
    into its lines and history believes only lines carrying the deployed one (contract.py)."""
    fields = as_dict(function)
    fields["environment"] = {k: v for k, v in fields["environment"].items() if k != ENV_DEPLOY}
    chosen = {name: fields[name] for name in _DEPLOYED_FIELDS}
    if function.architecture != Architecture.X86_64:  # so x86 deployments keep their value
        chosen["architecture"] = function.architecture
    return hashlib.sha256(canonical_json(chosen).encode()).hexdigest()[:DEPLOY_VALUE_LENGTH]


def _one_off(expression: str, timezone: str) -> dict[str, Any]:
    """A one-off at() schedule deletes itself once it has run (ActionAfterCompletion), and
    carries when that is, for the plan:
    https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule-delete.html"""
    if not expression.startswith("at("):
        return {}
    fires = parse(expression).next_fire_times(_EPOCH, 1, tz=timezone)
    return {
        "action_after_completion": ACTION_DELETE,
        "fires_at": _utc_text(fires[0]) if fires else None,
    }


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
ACTION_DELETE = "DELETE"


def _utc_text(when: datetime | None) -> str | None:
    return None if when is None else when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _whole_seconds(seconds: float) -> int:
    whole = int(seconds)
    return whole if whole == seconds else whole + 1


def _retry_policy(job: Job) -> RetryPolicy:
    age = job.delivery_max_event_age
    return RetryPolicy(
        maximum_retry_attempts=job.delivery_retries,
        maximum_event_age_seconds=(
            _whole_seconds(age.total_seconds())
            if age is not None
            else limits.EVENTBRIDGE_MAX_EVENT_AGE_SECONDS
        ),
    )


def _checked_template(job: Job, template: str) -> InputTransformer:
    if len(template) > limits.EVENTBRIDGE_TARGET_INPUT_MAX:
        raise CompileError(
            f'job "{job.name}": its input makes a rule input of {len(template)} characters; '
            f"EventBridge allows {limits.EVENTBRIDGE_TARGET_INPUT_MAX}",
            "pass a smaller input, e.g. an S3 key the handler reads",
        )
    return InputTransformer(paths=EVENT_PATHS, template=template)


def _rule_input(job: Job, half: _Half | None = None) -> InputTransformer:
    half = half or _halves(job)[0]
    event = job_event(
        Backend.RULES,
        job=job.name,
        job_input=job.input,
        scheduled_time=EVENT_TIME,
        trigger_id=EVENT_ID,
        skip_days=half.skip_days,
    )
    return _checked_template(job, input_template(event))


def _run_task_statements(task_definitions: set[str], clusters: set[str]) -> list[dict[str, Any]]:
    """RunTask on these task definitions in these clusters, and passing the task's roles."""
    run_task = _allow("RunTasks", "ecs:RunTask", task_definitions)
    run_task["Condition"] = {"ArnEquals": {"ecs:cluster": sorted(clusters)}}
    # The task's own roles are named in its task definition, which sched does not read;
    # this is the condition AWS's AmazonEC2ContainerServiceEventsRole policy uses.
    pass_role = _allow("PassTaskRoles", "iam:PassRole", {"*"})
    pass_role["Condition"] = {"StringLike": {"iam:PassedToService": ECS_TASKS_PRINCIPAL}}
    return [run_task, pass_role]


def _scheduler_container_input(job: Job, container: str) -> str:
    """A schedule's ECS target takes its Input as the task's overrides, with Scheduler's
    context keywords filled in as text (see SCHEDULER_TIME)."""
    environment = [
        {"name": ENV_JOB, "value": job.name},
        {"name": ENV_SCHEDULED_TIME, "value": SCHEDULER_TIME},
        {"name": ENV_EVENT_ID, "value": SCHEDULER_EXECUTION_ID},
        {"name": ENV_INPUT, "value": canonical_json(job.input or {})},
    ]
    return canonical_json({"containerOverrides": [{"name": container, "environment": environment}]})


def _container_input(job: Job, container: str) -> InputTransformer:
    """ECS targets take their input as task overrides: the job input travels as environment."""
    environment = [
        {"name": ENV_JOB, "value": job.name},
        {"name": ENV_SCHEDULED_TIME, "value": EVENT_TIME},
        {"name": ENV_EVENT_ID, "value": EVENT_ID},
        {"name": ENV_INPUT, "value": canonical_json(job.input or {})},
    ]
    override = {"name": container, "environment": environment}
    return _checked_template(job, input_template({"containerOverrides": [override]}))


def _scheduler_input(job: Job, half: _Half | None = None) -> str:
    half = half or _halves(job)[0]
    event = job_event(
        Backend.SCHEDULER,
        job=job.name,
        job_input=job.input,
        scheduled_time=SCHEDULER_TIME,
        trigger_id=SCHEDULER_EXECUTION_ID,
        attempt=SCHEDULER_ATTEMPT,
        skip_days=half.skip_days,
        timezone=job.timezone,
    )
    return canonical_json(event)


def _task_definition_resources(arn: str) -> tuple[str, ...]:
    """IAM resources for RunTask: an ARN without a revision means any revision of the family."""
    family = arn.rsplit("task-definition/", 1)[-1]
    return (arn,) if ":" in family else (arn, f"{arn}:*")


def _allow(sid: str, action: str, resources: set[str]) -> dict[str, Any]:
    return {"Sid": sid, "Effect": "Allow", "Action": action, "Resource": sorted(resources)}


def _policy(statements: list[dict[str, Any]]) -> str:
    return canonical_json({"Version": "2012-10-17", "Statement": statements})


def _trust_policy(service: str, *, source_account: str | None = None) -> str:
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Service": service},
        "Action": "sts:AssumeRole",
    }
    if source_account is not None:
        statement["Condition"] = {"StringEquals": {"aws:SourceAccount": source_account}}
    return _policy([statement])
