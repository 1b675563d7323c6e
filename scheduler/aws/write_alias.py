"""Publishes versions of the functions sched deploys, moves their `live` alias and prunes old
versions (`versions:`): each apply that changes a versioned function publishes a version and
points the alias there; a rollback points it back and pins it there (apply then leaves it). A
version an alias points at (`live` or someone else's) is never deleted. The alias's own event
invoke config mirrors the function's.
"""

from __future__ import annotations

import contextlib
from typing import Any

from scheduler.aws.clients import Clients
from scheduler.aws.errors import translated
from scheduler.aws.retry import Pacing, retrying, update_in_progress
from scheduler.errors import NotFound
from scheduler.resources import LIVE_ALIAS, NEWEST_VERSION, Alias

# How a rollback marks the alias it moved (its description), so that apply leaves it there.
PINNED = "sched: pinned by rollback to version"

__all__ = [
    "LIVE_ALIAS",
    "AliasWriter",
    "AwsVersionStore",
    "Versions",
    "alias_state",
    "alias_version",
    "published_versions",
]


def published_versions(clients: Clients, function: str) -> list[int]:
    """The function's published version numbers, oldest first ($LATEST is none)."""
    with translated("lambda", function):
        pages = clients.lambda_.get_paginator("list_versions_by_function").paginate(
            FunctionName=function
        )
        found = [v["Version"] for page in pages for v in page.get("Versions", [])]
    return sorted(int(v) for v in found if v.isdigit())


def aliased_versions(clients: Clients, function: str) -> set[str]:
    """The versions any alias of the function points at, sched's or someone else's."""
    with translated("lambda", function):
        pages = clients.lambda_.get_paginator("list_aliases").paginate(FunctionName=function)
        aliases = [a for page in pages for a in page.get("Aliases", [])]
    # An alias may also route a share of its invokes to a second version:
    # https://docs.aws.amazon.com/lambda/latest/api/API_AliasRoutingConfiguration.html
    weighted = {
        v
        for a in aliases
        for v in (a.get("RoutingConfig") or {}).get("AdditionalVersionWeights", {})
    }
    return {a["FunctionVersion"] for a in aliases} | weighted


def alias_version(clients: Clients, function: str, alias: str) -> str | None:
    """The version `alias` points at; None when the function has no such alias."""
    found = alias_state(clients, function, alias)
    return found[0] if found is not None else None


def alias_state(clients: Clients, function: str, alias: str) -> tuple[str, bool] | None:
    """The version `alias` points at and whether a rollback pinned it there (its description
    says so: AWS is the state); None when the function has no such alias."""
    try:
        with translated("lambda", function):
            found = clients.lambda_.get_alias(FunctionName=function, Name=alias)
    except NotFound:
        return None
    return found["FunctionVersion"], str(found.get("Description", "")).startswith(PINNED)


class Versions:
    """Publishing, moving and pruning of one region's function versions."""

    def __init__(self, clients: Clients, *, pacing: Pacing) -> None:
        self.c = clients
        self.pacing = pacing

    def call(self, resource: str, call: Any) -> Any:
        return retrying(call, update_in_progress, self.pacing, service="lambda", resource=resource)

    def publish(self, function: str) -> str:
        """Publish $LATEST (Lambda returns the newest version when nothing changed since)."""
        response = self.call(
            function, lambda: self.c.lambda_.publish_version(FunctionName=function)
        )
        return str(response["Version"])

    def newest(self, function: str) -> str:
        """A version of $LATEST: publishing returns the newest one when it already is, and a
        new one when $LATEST changed while the function was not versioned."""
        return self.publish(function)

    def point(self, function: str, alias: str, version: str, *, pinned: bool = False) -> None:
        """Move `alias` to `version`; `pinned` (a rollback's) marks it to stay there."""
        description = f"{PINNED} {version}: sched rollback JOB --latest unpins" if pinned else ""
        self.call(
            f"{function}:{alias}",
            lambda: self.c.lambda_.update_alias(
                FunctionName=function,
                Name=alias,
                FunctionVersion=version,
                Description=description,
            ),
        )

    def prune(self, function: str, alias: str, keep: int) -> list[int]:
        """Delete all but the newest `keep` published versions and those an alias points at
        (`alias` or another: someone else's alias may point at one); return the deleted ones."""
        versions = published_versions(self.c, function)
        aliased = aliased_versions(self.c, function)
        kept = set(versions[-keep:]) if keep > 0 else set()
        doomed = [v for v in versions if v not in kept and str(v) not in aliased]
        for version in doomed:
            with contextlib.suppress(NotFound):  # already gone
                self.call(
                    f"{function}:{version}",
                    lambda v=version: self.c.lambda_.delete_function(
                        FunctionName=function, Qualifier=str(v)
                    ),
                )
        return doomed

    def after_change(self, function: str, alias: str, keep: int) -> None:
        """What an apply does once a versioned function's code or configuration changed:
        publish, move the alias (when it exists: a new one is created in its own phase; and
        not when a rollback pinned it: it stays until `sched rollback JOB --latest`)."""
        version = self.publish(function)
        state = alias_state(self.c, function, alias)
        if state is not None and not state[1]:
            self.point(function, alias, version)
        self.prune(function, alias, keep)


class AwsVersionStore:
    """`VersionStore` over Lambda: list versions, read and move an alias."""

    def __init__(self, clients: Clients, *, pacing: Pacing) -> None:
        self.c = clients
        self._versions = Versions(clients, pacing=pacing)

    def versions(self, function: str) -> list[str]:
        return [str(v) for v in published_versions(self.c, function)]

    def alias(self, function: str, alias: str) -> str | None:
        return alias_version(self.c, function, alias)

    def pinned(self, function: str, alias: str) -> bool:
        found = alias_state(self.c, function, alias)
        return found is not None and found[1]

    def point(self, function: str, alias: str, version: str, *, pinned: bool = False) -> None:
        self._versions.point(function, alias, version, pinned=pinned)


class AliasWriter:
    def __init__(self, clients: Clients, *, pacing: Pacing) -> None:
        self.c = clients
        self.versions = Versions(clients, pacing=pacing)

    def create(self, alias: Alias) -> None:
        function = alias.function
        version = self._target(alias)
        if alias_version(self.c, function, alias.name) is None:
            self.versions.call(
                alias.key_name,
                lambda: self.c.lambda_.create_alias(
                    FunctionName=function, Name=alias.name, FunctionVersion=version
                ),
            )
        else:  # ours, from a lost response
            self.versions.point(function, alias.name, version)
        self._put_invoke_config(alias)
        self.versions.prune(function, alias.name, alias.keep)

    def update(self, before: Alias, after: Alias) -> None:
        # The catalogue wants the newest version; the plan leaves a pinned alias where it is.
        self.versions.point(after.function, after.name, self._target(after), pinned=after.pinned)
        self.versions.prune(after.function, after.name, after.keep)

    def delete(self, alias: Alias) -> None:
        try:
            self.versions.call(
                alias.key_name,
                lambda: self.c.lambda_.delete_alias(FunctionName=alias.function, Name=alias.name),
            )
        except NotFound:
            return

    def _target(self, alias: Alias) -> str:
        if alias.version == NEWEST_VERSION:
            return self.versions.newest(alias.function)
        return alias.version

    def _put_invoke_config(self, alias: Alias) -> None:
        """Lambda keeps an event invoke config per qualifier: the alias the schedule invokes
        needs its own (https://docs.aws.amazon.com/lambda/latest/api/API_PutFunctionEventInvokeConfig.html)."""
        config: dict[str, Any] = {
            "MaximumRetryAttempts": alias.retry_attempts,
            "MaximumEventAgeInSeconds": alias.max_event_age_seconds,
        }
        if alias.on_failure is not None:
            config["DestinationConfig"] = {"OnFailure": {"Destination": alias.on_failure}}
        self.versions.call(
            alias.key_name,
            lambda: self.c.lambda_.put_function_event_invoke_config(
                FunctionName=alias.function, Qualifier=alias.name, **config
            ),
        )
