"""Lambda for run history: when functions were last deployed and with which SCHED_DEPLOY value
(`DeploymentSource`), read from ListFunctions pages in one paged listing for all of them, never
one call per function (ListFunctions returns each function's environment).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import datetime

from scheduler.aws.clients import Clients
from scheduler.aws.errors import translated
from scheduler.errors import NotFound
from scheduler.history.targets import parse_last_modified
from scheduler.ports import Deployment
from scheduler.runtime.contract import ENV_DEPLOY

__all__ = ["AwsDeploymentSource", "parse_last_modified"]


class AwsDeploymentSource:
    """`DeploymentSource` over ListFunctions; stops paging once every wanted function is found."""

    def __init__(self, clients: Clients) -> None:
        self.c = clients

    def deployments(
        self, function_names: Sequence[str], versioned: Collection[str] = ()
    ) -> dict[str, Deployment]:
        wanted = set(function_names)
        found: dict[str, Deployment] = {}
        if not wanted:
            return found
        published: dict[str, set[str]] = {}
        # FunctionVersion=ALL lists published versions too, each with its environment: a live
        # alias rolled back runs one of them. Same listing, so no call per function, but read
        # to its end (a version may come on any page).
        every = bool(set(versioned) & wanted)
        paginator = self.c.lambda_.get_paginator("list_functions")
        pages = paginator.paginate(FunctionVersion="ALL") if every else paginator.paginate()
        with translated("lambda"):
            for page in pages:
                for config in page.get("Functions", []):
                    name = config.get("FunctionName", "")
                    if name not in wanted:
                        continue
                    variables = (config.get("Environment") or {}).get("Variables") or {}
                    deploy = variables.get(ENV_DEPLOY)
                    value = deploy if isinstance(deploy, str) else None
                    if config.get("Version", "$LATEST") != "$LATEST":
                        if value:
                            published.setdefault(name, set()).add(value)
                        continue
                    when = parse_last_modified(config.get("LastModified", ""))
                    if when is not None:
                        found[name] = Deployment(when, value)
                if not every and len(found) == len(wanted):
                    break
        return {
            name: replace(d, versions=frozenset(published.get(name, set()) - {d.deploy}))
            for name, d in found.items()
        }

    def deployed_at(self, function_names: Sequence[str]) -> dict[str, datetime]:
        return {name: d.at for name, d in self.deployments(function_names).items()}

    def tags_of(self, function_name: str) -> dict[str, str] | None:
        try:
            with translated("lambda", function_name):
                response = self.c.lambda_.get_function(FunctionName=function_name)
        except NotFound:
            return None
        return {str(k): str(v) for k, v in (response.get("Tags") or {}).items()}
