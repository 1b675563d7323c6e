"""The account's sched-tagged functions and rules in one paged tag search (`TagSearch`), shared by
the reader (which keeps its catalogue's) and the ScopeSurvey (`scheduler.scopes` finds a
catalogue's old names in all of them).

It filters on `managed-by=sched` only, so a plan pays one GetResources call per 100 such
resources, however many catalogues share the account, and one search serves both.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from typing import Any

from scheduler import limits, naming
from scheduler.aws.calls import is_read
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


class TagSearch:
    """The `managed-by=sched` search. The reader runs it; the survey that follows takes that
    read's result once (`take`) instead of searching again, so a plan searches once. Any call
    that may change something drops the held result (register `on_call` as a `before-call`
    handler): what it saw may be stale."""

    def __init__(self, clients: Clients) -> None:
        self.clients = clients
        self._lock = threading.Lock()
        self._last: list[TaggedResource] | None = None
        self._held = False

    def search(self) -> list[TaggedResource] | None:
        """Everything sched tagged, or None when the search is not allowed."""
        filters = [{"Key": naming.MANAGED_BY_KEY, "Values": [naming.MANAGED_BY_VALUE]}]
        found = []
        try:
            with translated("tag"):
                for arn, tags in search_tags(self.clients.tagging, filters, TAGGED_TYPES):
                    found.append(TaggedResource(arn, tuple(sorted(tags.items()))))
        except AccessDenied:
            return None
        return found

    def search_and_hold(self) -> list[TaggedResource] | None:
        """`search`, keeping the result for the next `take`."""
        found = self.search()
        with self._lock:
            self._last, self._held = found, True
        return found

    def on_call(self, model: Any = None, **_: Any) -> None:
        if model is not None and not is_read(model.name):
            with self._lock:
                self._last, self._held = None, False

    def take(self) -> list[TaggedResource] | None:
        """The held result (once), else a new search."""
        with self._lock:
            if self._held:
                found, self._last, self._held = self._last, None, False
                return found
        return self.search()


class AwsScopeSurvey:
    def __init__(self, search: TagSearch) -> None:
        self.tag_search = search

    def sched_resources(self) -> list[TaggedResource] | None:
        return self.tag_search.take()
