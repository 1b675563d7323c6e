"""The ScopeSurvey: one paged tag search for every function and rule sched tagged in the account
and region, whatever their catalogue (`scheduler.scopes` finds a catalogue's old names in it).

It filters on `managed-by=sched` only, so a no-change plan pays one GetResources call per 100
such resources, however many catalogues share the account.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from scheduler import limits, naming
from scheduler.aws.clients import Clients
from scheduler.aws.convert import tags_from_list
from scheduler.aws.errors import translated
from scheduler.errors import AccessDenied
from scheduler.ports import TaggedResource

# The types whose resources carry a `sched:job` tag (roles do too, but the tag search does not
# cover IAM).
TAGGED_TYPES = ["lambda:function", "events:rule"]


def search_tags(
    tagging: Any, filters: list[dict[str, Any]], types: Sequence[str]
) -> Iterator[tuple[str, dict[str, str]]]:
    """Each resource of `types` the Resource Groups Tagging API finds with `filters`: its ARN
    and tags, read page by page (the caller translates errors)."""
    pages = tagging.get_paginator("get_resources").paginate(
        TagFilters=filters,
        ResourceTypeFilters=list(types),
        ResourcesPerPage=limits.TAGGING_RESOURCES_PER_PAGE_MAX,
    )
    for page in pages:
        for mapping in page.get("ResourceTagMappingList", []):
            yield mapping["ResourceARN"], tags_from_list(mapping.get("Tags", []))


class AwsScopeSurvey:
    def __init__(self, clients: Clients) -> None:
        self.clients = clients

    def sched_resources(self) -> list[TaggedResource] | None:
        filters = [{"Key": naming.MANAGED_BY_KEY, "Values": [naming.MANAGED_BY_VALUE]}]
        found = []
        try:
            with translated("tag"):
                for arn, tags in search_tags(self.clients.tagging, filters, TAGGED_TYPES):
                    found.append(TaggedResource(arn, tuple(sorted(tags.items()))))
        except AccessDenied:
            return None
        return found
