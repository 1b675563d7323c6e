"""The details of one catalogue's owned functions, for the StateReader: each one's event invoke
config and log retention, its `live` alias, and the permission statements in the resource
policies of the functions (and aliases) it owns, invokes or its owned rules target.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from scheduler import naming
from scheduler.aws.convert import invoke_config_from_aws, permissions_from_policy
from scheduler.aws.errors import translated
from scheduler.aws.read_candidates import Owned
from scheduler.aws.read_scope import ScopedRead
from scheduler.aws.write_alias import LIVE_ALIAS, alias_state, published_versions
from scheduler.errors import NotFound
from scheduler.resource_state import Unowned
from scheduler.resources import NEWEST_VERSION, Alias, Function, Permission, Target
from scheduler.runtime.contract import ENV_DEPLOY
from scheduler.state import StatementOwnership, inside


class FunctionReader(ScopedRead):
    """Per owned function, only what ListFunctions does not return."""

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
        self, owned: Owned, targets: list[Target], aliases: list[Alias]
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


def _code_and_deploy(configuration: Mapping[str, Any]) -> tuple[object, object]:
    variables = (configuration.get("Environment") or {}).get("Variables") or {}
    return configuration.get("CodeSha256"), variables.get(ENV_DEPLOY)
