"""The local AWS's tag search (the Resource Groups Tagging API) sees every saved service it
covers. moto's answers from the backends of the services whose models are imported, and a saved
service is only loaded when first called (`deferred.py`): a plan in a new process searches before
it calls Lambda, and would find none of the functions the state holds (the old names of a
renamed catalogue among them). So the services a search covers are loaded before moto answers.
"""

from __future__ import annotations

import json
from typing import Any

from scheduler.local import deferred

# https://docs.aws.amazon.com/resourcegroupstagging/latest/APIReference/API_GetResources.html
_TARGET_PREFIX = "ResourceGroupsTaggingAPI_"


def _namespace(key: str) -> str:
    # moto's Docker-less Lambda is saved apart from Lambda's backends; its ARNs are Lambda's.
    return "lambda" if key == "lambda_simple" else key


def _covered(request: Any) -> set[str] | None:
    """The ARN namespaces the search `request` asks for (its ResourceTypeFilters, "lambda" of
    "lambda:function"); None for every service."""
    try:
        body = json.loads(request.body or b"{}")
    except (TypeError, ValueError):
        return None
    filters = body.get("ResourceTypeFilters") if isinstance(body, dict) else None
    if not filters:
        return None
    return {str(f).partition(":")[0] for f in filters}


def is_tag_search(request: Any) -> bool:
    target = request.headers.get("X-Amz-Target", b"")
    if isinstance(target, bytes):
        target = target.decode("ascii", "replace")
    return str(target).startswith(_TARGET_PREFIX)


def load_what_it_covers(request: Any) -> None:
    """Before moto answers the tag search `request`: load the saved services it covers."""
    covered = _covered(request)
    deferred.load_now(lambda key: covered is None or _namespace(key) in covered)
