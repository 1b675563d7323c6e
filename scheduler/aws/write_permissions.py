"""Adds and removes the statements in a Lambda function's resource policy that let a rule invoke
it (an alias's statements are in the alias's own policy). A function of another region or account
is refused before any call; retries pause through `Pacing`, so an interrupted apply stops them.
"""

from __future__ import annotations

from typing import Any

from scheduler.aws.clients import Clients
from scheduler.aws.convert import permissions_from_policy
from scheduler.aws.errors import translated
from scheduler.aws.retry import Pacing, retrying, update_in_progress
from scheduler.errors import Conflict, NotFound
from scheduler.resources import Permission


class PermissionWriter:
    def __init__(self, clients: Clients, *, region: str, account: str, pacing: Pacing) -> None:
        self.c = clients
        self.region = region
        self.account = account
        self.pacing = pacing

    def _elsewhere(self, function: str) -> tuple[str, str] | None:
        """Why this apply's rules cannot invoke a function whose ARN is of another region or
        account (what the message says, and the hint); None for one of here."""
        parts = function.split(":")
        region, account = (parts[3], parts[4]) if len(parts) > 4 else ("", "")
        if region and region != self.region:
            return (
                f"function {function} is in {region}, and this apply is in {self.region}: a "
                "rule invokes functions of its own region only",
                f"apply the catalogue in {region} (--region), or name a function in {self.region}",
            )
        if account and account != self.account:
            return (
                f"function {function} is in account {account}, and this apply is in account "
                f"{self.account}: sched can only grant its rules access to a function here",
                "name a function of this account in the job's function:",
            )
        return None

    def _not_here(self, permission: Permission, code: str = "") -> NotFound:
        """What is the case when the function to grant access to is not found here. Another
        region's or account's is refused before any call: an endpoint may find it by name."""
        reason = self._elsewhere(permission.function)
        detail, hint = reason or (
            f"function {permission.function} does not exist",
            "sched does not create a function named by ARN: create it, or fix the job's "
            "function: (or give it a handler:)",
        )
        return NotFound(
            "lambda:AddPermission", detail, hint, code=code, resource=permission.key_name
        )

    def create(self, permission: Permission) -> None:
        def add() -> object:
            if permission.source_arn:
                return self.c.lambda_.add_permission(
                    FunctionName=permission.function,
                    **_qualified(permission),
                    StatementId=permission.statement_id,
                    Action=permission.action,
                    Principal=permission.principal,
                    SourceArn=permission.source_arn,
                )
            return self.c.lambda_.add_permission(
                FunctionName=permission.function,
                **_qualified(permission),
                StatementId=permission.statement_id,
                Action=permission.action,
                Principal=permission.principal,
            )

        if self._elsewhere(permission.function) is not None:
            raise self._not_here(permission)
        try:
            retrying(
                add,
                update_in_progress,
                self.pacing,
                service="lambda",
                resource=permission.key_name,
            )
        except NotFound as error:
            raise self._not_here(permission, error.code) from error
        except Conflict as error:
            if "already exist" not in str(error).lower():
                raise
            # The reader does not own a statement on a function the catalogue does not own
            # until the rule it names exists, so an apply that stopped between the two phases
            # leaves one to create again: exactly the one wanted is done, anything else is not
            # sched's to replace.
            if permission in self._statements(permission):
                return
            raise Conflict(
                error.action,
                error.detail,
                f"statement {permission.statement_id} of {permission.function} is not one "
                "this catalogue made; remove it, or rename the job",
                code=error.code,
                resource=error.resource,
            ) from error

    def _statements(self, permission: Permission) -> list[Permission]:
        try:
            with translated("lambda", permission.key_name):
                policy = self.c.lambda_.get_policy(
                    FunctionName=permission.function, **_qualified(permission)
                )["Policy"]
        except NotFound:
            return []
        return permissions_from_policy(policy, permission.function)

    def update(self, before: Permission, after: Permission) -> None:
        # No API changes a statement (every field is in `Permission.replace_on`).
        self.delete(before)
        self.create(after)

    def delete(self, permission: Permission) -> None:
        try:
            retrying(
                lambda: self.c.lambda_.remove_permission(
                    FunctionName=permission.function,
                    StatementId=permission.statement_id,
                    **_qualified(permission),
                ),
                update_in_progress,
                self.pacing,
                service="lambda",
                resource=permission.key_name,
            )
        except NotFound:  # the statement or the function is already gone
            return


def _qualified(permission: Permission) -> dict[str, Any]:
    """A statement on an alias is in the alias's own policy, addressed by its qualifier."""
    return {"Qualifier": permission.qualifier} if permission.qualifier else {}
