"""The StateReader: reads what one catalogue owns in AWS and nothing else (see `ports`).

Listings first, all at once (ListRoles, ListFunctions, ListRules by name prefix, the owned
schedule groups, and one tag search), then per owned resource only what no listing returns:
targets, resource policies, schedules. A candidate is owned only when its name has the
catalogue's prefix AND it carries both ownership tags; anything else is never read further.
The ownership rule itself is `scheduler.state`, which the test fake applies whole.

This module orders and joins the parts, each read by its own module: `read_candidates`
(functions and rules), `read_functions`, `read_targets`, `read_schedules`, `read_topics` and
`read_roles`, all sharing one `read_scope.ScopedRead`.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from scheduler.aws.clients import Clients
from scheduler.aws.read_candidates import CandidateReader
from scheduler.aws.read_functions import FunctionReader
from scheduler.aws.read_roles import RoleReader
from scheduler.aws.read_schedules import ScheduleReader
from scheduler.aws.read_scope import ScopedRead
from scheduler.aws.read_targets import TargetReader
from scheduler.aws.read_topics import TopicReader
from scheduler.aws.survey import TagSearch
from scheduler.ports import ReadScope
from scheduler.resource_state import DeployedState, ResourceState, Unowned
from scheduler.resources import Resource, Role
from scheduler.state import Tagged, inside, owns_target, without_strangers

WORKERS = 16


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


class _Read(ScopedRead):
    """One read: the scope, the clients and the pool the per-resource calls fan out on, and a
    reader of each part on the same pool.

    Only the calling thread, the two branch threads and the topics task submit to `pool`; no
    other task submits, so at most one task waits on tasks queued behind it, which the pool's
    other workers run.
    """

    def __init__(
        self, clients: Clients, scope: ReadScope, pool: ThreadPoolExecutor, tags: TagSearch
    ) -> None:
        super().__init__(clients, scope, pool)
        self.candidates = CandidateReader(clients, scope, pool, tags)
        self.functions = FunctionReader(clients, scope, pool)
        self.targets = TargetReader(clients, scope, pool)
        self.schedules = ScheduleReader(clients, scope, pool)
        self.topics = TopicReader(clients, scope, pool)

    def run(self) -> DeployedState:
        with ThreadPoolExecutor(2, thread_name_prefix="sched-read-branch") as branches:
            roles = branches.submit(self.roles)
            schedules = branches.submit(self.schedules.read)
            topics = self.pool.submit(self.topics.read)
            index = self.pool.submit(self.candidates.tag_index)
            listed_functions = self.pool.submit(self.candidates.list_functions)
            listed_rules = self.pool.submit(self.candidates.list_rules)
            owned = self.candidates.owned_functions_and_rules(
                index.result(), listed_functions.result(), listed_rules.result()
            )
            listed_targets = [
                t for ts in self.map(self.targets.targets_of, owned.rules) for t in ts
            ]
            targets = [t for t in listed_targets if owns_target(t)]
            aliases = [
                a for a in self.map(self.functions.alias_of, owned.functions) if a is not None
            ]
            policies, strangers = self.functions.permissions(owned, targets, aliases)
            queues, taken = self.targets.queue_statements(owned, targets)
            functions = self.map(self.functions.with_invoke_config, owned.functions)
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

    def roles(self) -> tuple[list[Role], list[Unowned]]:
        return RoleReader(self.c, self.catalogue, self.map, self.scope.environment).read()
