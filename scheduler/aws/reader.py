"""The StateReader: reads what one catalogue owns in AWS and nothing else (see `ports`).

Listings first, all at once (ListRoles, ListFunctions, ListRules by name prefix, the owned
schedule groups, and one tag search), then per owned resource only what no listing returns:
targets, resource policies, schedules. A candidate is owned only when its name has the
catalogue's prefix AND it carries both ownership tags; anything else is never read further.
The ownership rule itself is `scheduler.state`, which the test fake applies whole.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from scheduler import naming
from scheduler.aws.clients import Clients
from scheduler.aws.convert import (
    Response,
    function_from_aws,
    invoke_config_from_aws,
    permissions_from_policy,
    queue_statements_from_policy,
    rule_from_aws,
    schedule_from_aws,
    tags_from_list,
    target_from_aws,
)
from scheduler.aws.errors import translated
from scheduler.aws.read_roles import RoleReader
from scheduler.aws.survey import TagSearch
from scheduler.aws.write_alias import LIVE_ALIAS, alias_state, published_versions
from scheduler.aws.write_sns import email_subscriptions
from scheduler.errors import NotFound
from scheduler.ports import ReadScope
from scheduler.resource_state import DeployedState, ResourceState, Unowned
from scheduler.resources import (
    NEWEST_VERSION,
    Alias,
    Function,
    Permission,
    QueueStatement,
    Resource,
    ResourceKind,
    Role,
    Rule,
    Schedule,
    ScheduleGroup,
    Target,
    Topic,
    pairs,
)
from scheduler.runtime.contract import ENV_DEPLOY
from scheduler.state import (
    NOT_OURS,
    StatementOwnership,
    Tagged,
    inside,
    owns_queue_statement,
    owns_schedule,
    owns_tagged,
    owns_target,
    queue_statement_taken,
    taken_by,
    topic_from_listing,
    without_strangers,
)

T = TypeVar("T")
R = TypeVar("R")

WORKERS = 16
_DELETING = "DELETING"


@dataclass(frozen=True)
class _Owned:
    """The owned functions and rules, and the ARNs of the rules with an owned name that the
    catalogue does not own."""

    functions: list[Function]
    rules: list[Rule]
    rule_arns: frozenset[str]
    other_rule_arns: frozenset[str]
    unowned: list[Unowned]


@dataclass(frozen=True)
class _Candidate:
    """A listed resource with an owned name; `tags` None until they are known."""

    name: str
    arn: str
    item: Response
    tags: Mapping[str, str] | None


class AwsStateReader:
    """`StateReader` over boto3 clients; independent calls run on `workers` threads."""

    def __init__(
        self, clients: Clients, *, workers: int = WORKERS, tags: TagSearch | None = None
    ) -> None:
        self.clients = clients
        self.workers = workers
        self.tags = tags if tags is not None else TagSearch(clients)

    def read(self, scope: ReadScope) -> DeployedState:
        with ThreadPoolExecutor(self.workers, thread_name_prefix="sched-read") as pool:
            return _Read(self.clients, scope, pool, self.tags).run()


class _Read:
    """One read: the scope, the clients and the pool the per-resource calls fan out on.

    Only the calling thread and the two branch threads submit to `pool`; pool tasks never
    submit, so no task waits on a task queued behind it.
    """

    def __init__(
        self, clients: Clients, scope: ReadScope, pool: ThreadPoolExecutor, tags: TagSearch
    ) -> None:
        self.c = clients
        self.tags = tags
        self.scope = scope
        self.catalogue = scope.catalogue
        self.names = scope.names
        self.prefix = naming.owned_prefix(scope.names)
        self.pool = pool

    def run(self) -> DeployedState:
        with ThreadPoolExecutor(2, thread_name_prefix="sched-read-branch") as branches:
            roles = branches.submit(self.roles)
            schedules = branches.submit(self.scheduler)
            topics = self.pool.submit(self.topics)
            index = self.pool.submit(self.tag_index)
            listed_functions = self.pool.submit(self.list_functions)
            listed_rules = self.pool.submit(self.list_rules)
            owned = self.owned_functions_and_rules(
                index.result(), listed_functions.result(), listed_rules.result()
            )
            listed_targets = [t for ts in self.map(self.targets_of, owned.rules) for t in ts]
            targets = [t for t in listed_targets if owns_target(t)]
            aliases = [a for a in self.map(self.alias_of, owned.functions) if a is not None]
            policies, strangers = self.permissions(owned, targets, aliases)
            queues, taken = self.queue_statements(owned, targets)
            functions = self.map(self.with_invoke_config, owned.functions)
            resources: list[Resource] = [
                *functions,
                *aliases,
                *owned.rules,
                *policies,
                *queues,
                *targets,
            ]
            unowned = [*owned.unowned, *strangers, *taken]
            unowned.extend(inside(t) for t in listed_targets if not owns_target(t))
            for found, missed in (roles.result(), schedules.result(), topics.result()):
                resources.extend(found)
                unowned.extend(missed)
        cleaned: list[Resource] = []
        for resource in resources:
            if not isinstance(resource, Tagged):
                cleaned.append(resource)
                continue
            ours, strangers = without_strangers(resource)
            cleaned.append(ours)
            unowned.extend(strangers)
        return ResourceState.of(cleaned, unowned)

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
        futures: list[Future[R]] = [self.pool.submit(fn, item) for item in items]
        return [f.result() for f in futures]

    def owns(self, name: str, tags: Mapping[str, str]) -> bool:
        return owns_tagged(name, tags, self.catalogue, self.scope.environment)

    # ---- tags ---------------------------------------------------------------------------

    def tag_index(self) -> dict[str, dict[str, str]]:
        """ARN → tags of the functions and rules carrying both ownership tags, from the one
        `managed-by=sched` search (which the old-name survey then reuses: `TagSearch`).

        Optional: without tag:GetResources permission (or where the search does not cover a
        resource type) each candidate's tags are read from its own service instead.
        """
        found = self.tags.search_and_hold()
        index: dict[str, dict[str, str]] = {}
        for resource in found or ():
            tags = dict(resource.tags)
            if tags.get(naming.CATALOGUE_TAG) == self.catalogue:
                index[resource.arn] = tags
        return index

    def with_tags(
        self, candidates: list[_Candidate], read: Callable[[_Candidate], Mapping[str, str]]
    ) -> list[_Candidate]:
        missing = [c for c in candidates if c.tags is None]
        fetched = dict(zip((c.arn for c in missing), self.map(read, missing), strict=True))
        return [
            c if c.tags is not None else _Candidate(c.name, c.arn, c.item, fetched[c.arn])
            for c in candidates
        ]

    # ---- topics ---------------------------------------------------------------------------

    def topics(self) -> tuple[list[Topic], list[Unowned]]:
        """The alert topics the catalogue owns (name and tags), with the email addresses sched
        subscribed; the topics with its names it does not own (a create of one would be a
        collision), and the addresses a person subscribed to owned ones (drift)."""
        with translated("sns"):
            arns = [
                str(t["TopicArn"])
                for page in self.c.sns.get_paginator("list_topics").paginate()
                for t in page.get("Topics", [])
            ]
        named = [(arn.rsplit(":", 1)[-1], arn) for arn in arns]
        candidates = [(n, a) for n, a in named if naming.has_owned_name(n, self.names)]
        found: list[Topic] = []
        unowned: list[Unowned] = []
        for topic in self.map(self.topic, candidates):
            if isinstance(topic, tuple):
                found.append(topic[0])
                unowned.extend(topic[1])
            elif topic is not None:
                unowned.append(topic)
        return found, unowned

    def topic(self, candidate: tuple[str, str]) -> tuple[Topic, list[Unowned]] | Unowned | None:
        name, arn = candidate
        try:
            with translated("sns", name):
                response = self.c.sns.list_tags_for_resource(ResourceArn=arn)
            tags = tags_from_list(response.get("Tags", []))
            if not self.owns(name, tags):
                return Unowned((ResourceKind.TOPIC, name), taken_by(tags))
            subscriptions = email_subscriptions(self.c.sns, arn)
        except NotFound:  # deleted since it was listed
            return None
        return topic_from_listing(name, tags, subscriptions)

    # ---- functions, rules, targets, permissions -----------------------------------------

    def list_functions(self) -> list[Response]:
        with translated("lambda"):
            return [
                config
                for page in self.c.lambda_.get_paginator("list_functions").paginate()
                for config in page.get("Functions", [])
                if naming.has_owned_name(config["FunctionName"], self.names)
            ]

    def list_rules(self) -> list[Response]:
        with translated("events"):
            return [
                rule
                for page in self.c.events.get_paginator("list_rules").paginate(
                    NamePrefix=self.prefix
                )
                for rule in page.get("Rules", [])
                if not rule.get("ManagedBy") and naming.has_owned_name(rule["Name"], self.names)
            ]

    def owned_functions_and_rules(
        self,
        index: Mapping[str, dict[str, str]],
        configs: list[Response],
        rules: list[Response],
    ) -> _Owned:
        functions = [
            _Candidate(c["FunctionName"], c["FunctionArn"], c, index.get(c["FunctionArn"]))
            for c in configs
        ]
        rule_items = [_Candidate(r["Name"], r["Arn"], r, index.get(r["Arn"])) for r in rules]
        tagged = self.with_tags([*functions, *rule_items], self.service_tags)
        owned = [c for c in tagged if c.tags is not None and self.owns(c.name, c.tags)]
        owned_arns = {c.arn for c in owned}
        unowned = [
            Unowned(
                (ResourceKind.FUNCTION if _is_function(c) else ResourceKind.RULE, c.name),
                taken_by(c.tags or {}),
            )
            for c in tagged
            if c.arn not in owned_arns
        ]
        return _Owned(
            functions=[
                function_from_aws(c.item, c.tags or {}, self.log_group_of(c.name, c.tags or {}))
                for c in owned
                if _is_function(c)
            ],
            rules=[rule_from_aws(c.item, c.tags or {}) for c in owned if not _is_function(c)],
            rule_arns=frozenset(c.arn for c in owned if not _is_function(c)),
            other_rule_arns=frozenset(
                c.arn for c in tagged if not _is_function(c) and c.arn not in owned_arns
            ),
            unowned=unowned,
        )

    def log_group_of(self, name: str, tags: Mapping[str, str]) -> str:
        """The group sched gives an owned function: a job's (its `sched:job` tag) or, untagged,
        the watcher's, named for what follows the scope's prefix."""
        return naming.log_group_name(
            self.names, tags.get(naming.JOB_TAG) or name.removeprefix(self.prefix)
        )

    def with_invoke_config(self, function: Function) -> Function:
        """The function with its event invoke config (Lambda's defaults when it has none) and,
        when sched sets it, its log group's retention."""
        function = self.with_log_retention(function)
        try:
            with translated("lambda", function.name):
                config = self.c.lambda_.get_function_event_invoke_config(FunctionName=function.name)
        except NotFound:
            return function
        return invoke_config_from_aws(function, config)

    def with_log_retention(self, function: Function) -> Function:
        if naming.LOGS_TAG not in dict(function.tags):
            return function  # not set by sched: no call for it
        group = function.log_group or naming.lambda_log_group(function.name)
        with translated("logs", group):
            found = self.c.logs.describe_log_groups(logGroupNamePrefix=group).get("logGroups", [])
        days = next((g.get("retentionInDays") for g in found if g["logGroupName"] == group), None)
        return replace(function, log_retention_days=days)

    def service_tags(self, candidate: _Candidate) -> Mapping[str, str]:
        if ":lambda:" in candidate.arn:
            with translated("lambda", candidate.name):
                return self.c.lambda_.list_tags(Resource=candidate.arn).get("Tags", {})
        with translated("events", candidate.name):
            response = self.c.events.list_tags_for_resource(ResourceARN=candidate.arn)
        return tags_from_list(response.get("Tags", []))

    def targets_of(self, rule: Rule) -> list[Target]:
        try:
            with translated("events", rule.name):
                pages = self.c.events.get_paginator("list_targets_by_rule").paginate(Rule=rule.name)
                return [target_from_aws(rule.name, t) for page in pages for t in page["Targets"]]
        except NotFound:  # deleted since it was listed
            return []

    def alias_of(self, function: Function) -> Alias | None:
        """The function's `live` alias, read as NEWEST_VERSION while it points at the newest
        published version (what the catalogue wants), else at the version it points at
        (`pinned` when a rollback put it there)."""
        if dict(function.tags).get(naming.ALIAS_TAG) != LIVE_ALIAS:
            return None  # not versioned: no call for it
        state = alias_state(self.c, function.name, LIVE_ALIAS)
        if state is None:
            return None
        version, pinned = state
        if pinned:  # a rollback's: the plan leaves it there
            return Alias(function.name, LIVE_ALIAS, version, pinned=True)
        versions = published_versions(self.c, function.name)
        newest = (
            bool(versions)
            and version == str(versions[-1])
            and self._same_as_latest(function.name, version)
        )
        return Alias(function.name, LIVE_ALIAS, NEWEST_VERSION if newest else version)

    def _same_as_latest(self, function: str, version: str) -> bool:
        """Whether `version` runs $LATEST's code and deploy: $LATEST may have changed while the
        function was not versioned, leaving the newest version behind."""
        with translated("lambda", function):
            latest = self.c.lambda_.get_function_configuration(FunctionName=function)
            published = self.c.lambda_.get_function_configuration(
                FunctionName=function, Qualifier=version
            )
        return _code_and_deploy(latest) == _code_and_deploy(published)

    def permissions(
        self, owned: _Owned, targets: list[Target], aliases: list[Alias]
    ) -> tuple[list[Permission], list[Unowned]]:
        """Owned statements (`StatementOwnership`) on owned functions, on the scope's existing
        functions and on the functions owned rules target; a permission names its function as
        compile does. Also the statements a person added to an owned function whose policy is
        read: one the catalogue or an owned rule invokes (`ReadScope.invoked_functions`)."""
        functions = frozenset(f.name for f in owned.functions)
        wanted = self.scope.invoked_functions
        names = set(functions if wanted is None else functions & set(wanted))
        names.update(self.scope.external_functions)
        for target in targets:
            name = naming.function_name_in_arn(target.arn)
            if name is None:
                continue
            arn = naming.function_arn(self.scope.region, self.scope.account, name)
            ours = target.arn in (arn, f"{arn}:{LIVE_ALIAS}")
            names.add(name if ours and name in functions else target.arn)
        ownership = StatementOwnership(
            prefix=self.prefix,
            owned_functions=functions,
            owned_rules=owned.rule_arns,
            other_rules=owned.other_rule_arns,
        )
        found = [p for ps in self.map(self.policy_of, sorted(names)) for p in ps]
        # Only a rule's target needs a statement on the alias (a schedule invokes with its role).
        arns = {t.arn for t in targets}
        invoked = [
            a
            for a in aliases
            if f"{naming.function_arn(self.scope.region, self.scope.account, a.function)}:{a.name}"
            in arns
        ]
        found += [p for ps in self.map(self.alias_policy_of, invoked) for p in ps]
        # dict.fromkeys: moto (local mode) keeps a second statement with an id in use, which
        # AWS refuses; the same statement twice is one permission.
        statements = list(dict.fromkeys(p for p in found if ownership.owns(p)))
        keys = {p.key_name for p in statements}
        strangers = [
            inside(p)
            for p in found
            if p.function in functions and not ownership.owns(p) and p.key_name not in keys
        ]
        return statements, strangers

    def alias_policy_of(self, alias: Alias) -> list[Permission]:
        """An alias's own resource policy (the statements letting rules invoke it)."""
        try:
            with translated("lambda", alias.key_name):
                policy = self.c.lambda_.get_policy(
                    FunctionName=alias.function, Qualifier=alias.name
                )["Policy"]
        except NotFound:
            return []
        return permissions_from_policy(policy, alias.function)

    def policy_of(self, function: str) -> list[Permission]:
        try:
            with translated("lambda", function):
                policy = self.c.lambda_.get_policy(FunctionName=function)["Policy"]
        except NotFound:  # no policy yet, or the function is gone
            return []
        return permissions_from_policy(policy, function)

    def queue_statements(
        self, owned: _Owned, targets: list[Target]
    ) -> tuple[list[QueueStatement], list[Unowned]]:
        """Owned statements in the policies of the scope's dead-letter queues and of those the
        owned targets name; a queue sched cannot find or read holds none of them. Also the
        statements there with a Sid sched would write that it does not own (names taken)."""
        queues = set(self.scope.dead_letter_queues)
        queues.update(t.dead_letter_arn for t in targets if t.dead_letter_arn)
        found = self.map(self.queue_policy_of, sorted(q for q in queues if ":sqs:" in q))
        listed = [s for statements in found for s in statements]
        ours = [
            s
            for s in listed
            if owns_queue_statement(s, prefix=self.prefix, owned_rules=owned.rule_arns)
        ]
        taken = [queue_statement_taken(s, self.scope, owned_rules=owned.rule_arns) for s in listed]
        return ours, [u for u in taken if u is not None]

    def queue_policy_of(self, queue_arn: str) -> list[QueueStatement]:
        *_, account, name = queue_arn.split(":")
        try:
            with translated("sqs", name):
                url = self.c.sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)
                attributes = self.c.sqs.get_queue_attributes(
                    QueueUrl=url["QueueUrl"], AttributeNames=["Policy"]
                )
        except NotFound:  # not created yet, or deleted: apply says so when it writes
            return []
        policy = attributes.get("Attributes", {}).get("Policy")
        return queue_statements_from_policy(policy, queue_arn)

    # ---- roles --------------------------------------------------------------------------

    def roles(self) -> tuple[list[Role], list[Unowned]]:
        return RoleReader(self.c, self.catalogue, self.map, self.scope.environment).read()

    # ---- EventBridge Scheduler ----------------------------------------------------------

    def scheduler(self) -> tuple[list[Resource], list[Unowned]]:
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


def _is_function(candidate: _Candidate) -> bool:
    return ":lambda:" in candidate.arn


def _common_prefix(a: str, b: str) -> str:
    size = 0
    while size < min(len(a), len(b)) and a[size] == b[size]:
        size += 1
    return a[:size]


def _code_and_deploy(configuration: Mapping[str, Any]) -> tuple[object, object]:
    variables = (configuration.get("Environment") or {}).get("Variables") or {}
    return configuration.get("CodeSha256"), variables.get(ENV_DEPLOY)
