"""The roles one catalogue owns, for the StateReader: candidates by name from ListRoles (it alone
returns a role's description), then tags, the `sched` inline policy and attachments of all of
them in bulk (GetAccountAuthorizationDetails, 1,000 roles a page) rather than three calls a
role; without permission for the bulk read, each candidate is read on its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from scheduler import limits, naming
from scheduler.aws.clients import Clients
from scheduler.aws.convert import Response, role_from_aws, tags_from_list
from scheduler.aws.errors import translated
from scheduler.errors import AccessDenied, NotFound
from scheduler.resource_state import Unowned
from scheduler.resources import ResourceKind, Role
from scheduler.state import owns_tagged, taken_by


class RoleReader:
    """Reads the roles of `catalogue` (in `environment`); `map` runs one call per item on the
    reader's pool."""

    def __init__(
        self,
        clients: Clients,
        catalogue: str,
        map: Callable[[Callable[[Any], Any], Iterable[Any]], list[Any]],
        environment: str | None = None,
    ) -> None:
        self.c = clients
        self.catalogue = catalogue
        self.environment = environment
        self.names = naming.scope_prefix(catalogue, environment)
        self.map = map

    def owns(self, name: str, tags: dict[str, str]) -> bool:
        return owns_tagged(name, tags, self.catalogue, self.environment)

    def read(self) -> tuple[list[Role], list[Unowned]]:
        """The owned roles; the roles with its names it does not own."""
        with translated("iam"):
            candidates = [
                role
                for page in self.c.iam.get_paginator("list_roles").paginate(
                    PaginationConfig={"PageSize": limits.IAM_PAGE_SIZE_MAX}
                )
                for role in page["Roles"]
                if naming.has_owned_name(role["RoleName"], self.names)
            ]
        if not candidates:
            return [], []
        details = self.role_details()
        if details is None:
            return self.roles_one_by_one(candidates)
        found: list[Role] = []
        unowned: list[Unowned] = []
        for role in candidates:
            detail = details.get(role["RoleName"])
            if detail is None:  # deleted since it was listed
                continue
            tags = tags_from_list(detail.get("Tags", []))
            if not self.owns(role["RoleName"], tags):
                unowned.append(Unowned((ResourceKind.ROLE, role["RoleName"]), taken_by(tags)))
                continue
            inline = next(
                (
                    p.get("PolicyDocument")
                    for p in detail.get("RolePolicyList", [])
                    if p.get("PolicyName") == Role.INLINE_POLICY_NAME
                ),
                None,
            )
            attached = detail.get("AttachedManagedPolicies", [])
            managed = [p["PolicyArn"] for p in attached if "PolicyArn" in p]
            found.append(role_from_aws(role, tags=tags, inline_policy=inline, managed=managed))
        return found, unowned

    def role_details(self) -> dict[str, Response] | None:
        """Every role's details with an owned name, by name; None without the permission."""
        try:
            with translated("iam"):
                pages = self.c.iam.get_paginator("get_account_authorization_details").paginate(
                    Filter=["Role"], PaginationConfig={"PageSize": limits.IAM_PAGE_SIZE_MAX}
                )
                return {
                    d["RoleName"]: d
                    for page in pages
                    for d in page.get("RoleDetailList", [])
                    if naming.has_owned_name(d["RoleName"], self.names)
                }
        except AccessDenied:
            return None

    def roles_one_by_one(self, candidates: Sequence[Response]) -> tuple[list[Role], list[Unowned]]:
        tags = self.map(self.role_tags, [r["RoleName"] for r in candidates])
        owned = [
            (role, tag)
            for role, tag in zip(candidates, tags, strict=True)
            if self.owns(role["RoleName"], tag)
        ]
        unowned = [
            Unowned((ResourceKind.ROLE, role["RoleName"]), taken_by(tag))
            for role, tag in zip(candidates, tags, strict=True)
            if not self.owns(role["RoleName"], tag)
        ]
        policies = self.map(self.role_policy, [r["RoleName"] for r, _ in owned])
        attached = self.map(self.attached_policies, [r["RoleName"] for r, _ in owned])
        return [
            role_from_aws(role, tags=tag, inline_policy=policy, managed=managed)
            for (role, tag), policy, managed in zip(owned, policies, attached, strict=True)
        ], unowned

    def role_tags(self, name: str) -> dict[str, str]:
        with translated("iam", name):
            pages = self.c.iam.get_paginator("list_role_tags").paginate(RoleName=name)
            return tags_from_list(t for page in pages for t in page["Tags"])

    def role_policy(self, name: str) -> object | None:
        try:
            with translated("iam", name):
                return self.c.iam.get_role_policy(
                    RoleName=name, PolicyName=Role.INLINE_POLICY_NAME
                )["PolicyDocument"]
        except NotFound:
            return None

    def attached_policies(self, name: str) -> list[str]:
        with translated("iam", name):
            pages = self.c.iam.get_paginator("list_attached_role_policies").paginate(RoleName=name)
            return [
                p["PolicyArn"]
                for page in pages
                for p in page["AttachedPolicies"]
                if "PolicyArn" in p
            ]
