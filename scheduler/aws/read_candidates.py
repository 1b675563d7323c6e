"""Which listed functions and rules one catalogue owns, for the StateReader: the candidates with
its names from ListFunctions and ListRules (by name prefix), their tags from the one tag search
(`TagSearch`) or, for those it did not return, from each one's own service, and the ownership
check on each (`Owned`). Nothing is read further of a candidate the catalogue does not own.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from scheduler import naming
from scheduler.aws.clients import Clients
from scheduler.aws.convert import Response, function_from_aws, rule_from_aws, tags_from_list
from scheduler.aws.errors import translated
from scheduler.aws.read_scope import ScopedRead
from scheduler.aws.survey import TagSearch
from scheduler.ports import ReadScope
from scheduler.resource_state import Unowned
from scheduler.resources import Function, ResourceKind, Rule
from scheduler.state import taken_by


@dataclass(frozen=True)
class Owned:
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


class CandidateReader(ScopedRead):
    """The listings of functions and rules, the tag search, and the ownership of what they
    return."""

    def __init__(
        self, clients: Clients, scope: ReadScope, pool: ThreadPoolExecutor, tags: TagSearch
    ) -> None:
        super().__init__(clients, scope, pool)
        self.tags = tags

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
    ) -> Owned:
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
        return Owned(
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

    def service_tags(self, candidate: _Candidate) -> Mapping[str, str]:
        if ":lambda:" in candidate.arn:
            with translated("lambda", candidate.name):
                return self.c.lambda_.list_tags(Resource=candidate.arn).get("Tags", {})
        with translated("events", candidate.name):
            response = self.c.events.list_tags_for_resource(ResourceARN=candidate.arn)
        return tags_from_list(response.get("Tags", []))


def _is_function(candidate: _Candidate) -> bool:
    return ":lambda:" in candidate.arn
