"""Lambda for run history: when functions were last deployed and with which SCHED_DEPLOY value
(`DeploymentSource`), read from ListFunctions pages in one paged listing for all of them, never
one call per function (ListFunctions returns each function's environment).
"""

from __future__ import annotations

from collections.abc import Sequence
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

    def deployments(self, function_names: Sequence[str]) -> dict[str, Deployment]:
        wanted = set(function_names)
        found: dict[str, Deployment] = {}
        if not wanted:
            return found
        with translated("lambda"):
            for page in self.c.lambda_.get_paginator("list_functions").paginate():
                for config in page.get("Functions", []):
                    name = config.get("FunctionName", "")
                    when = parse_last_modified(config.get("LastModified", ""))
                    if name in wanted and when is not None:
                        variables = (config.get("Environment") or {}).get("Variables") or {}
                        deploy = variables.get(ENV_DEPLOY)
                        found[name] = Deployment(when, deploy if isinstance(deploy, str) else None)
                if len(found) == len(wanted):
                    break
        return found

    def deployed_at(self, function_names: Sequence[str]) -> dict[str, datetime]:
        return {name: d.at for name, d in self.deployments(function_names).items()}

    def tags_of(self, function_name: str) -> dict[str, str] | None:
        try:
            with translated("lambda", function_name):
                response = self.c.lambda_.get_function(FunctionName=function_name)
        except NotFound:
            return None
        return {str(k): str(v) for k, v in (response.get("Tags") or {}).items()}
