"""Creates, updates and deletes IAM roles: trust policy, the `sched` inline policy, attached
managed policies and tags. A role is deleted after sched's policies are removed, as IAM requires;
policies a person added stay, and the delete then fails naming them.
"""

from __future__ import annotations

from scheduler.aws.clients import Clients
from scheduler.aws.convert import iam_tags, tag_changes
from scheduler.aws.errors import translated
from scheduler.aws.existing import made_by_this_catalogue, taken
from scheduler.errors import Conflict, NotFound
from scheduler.resources import Role


class RoleWriter:
    def __init__(self, clients: Clients) -> None:
        self.c = clients

    def create(self, role: Role) -> None:
        iam = self.c.iam
        try:
            with translated("iam", role.name):
                if role.description:
                    iam.create_role(
                        RoleName=role.name,
                        AssumeRolePolicyDocument=role.trust_policy,
                        Description=role.description,
                        Tags=iam_tags(role.tags),
                    )
                else:
                    iam.create_role(
                        RoleName=role.name,
                        AssumeRolePolicyDocument=role.trust_policy,
                        Tags=iam_tags(role.tags),
                    )
        except Conflict as error:
            found = self._tags(role.name)
            if not made_by_this_catalogue(found, role.tags):
                raise taken(error, "role", role.name, found) from error
            # Ours, from a response that was lost: finish what the create does.
        with translated("iam", role.name):
            if role.inline_policy is not None:
                iam.put_role_policy(
                    RoleName=role.name,
                    PolicyName=Role.INLINE_POLICY_NAME,
                    PolicyDocument=role.inline_policy,
                )
            for arn in role.managed_policy_arns:
                iam.attach_role_policy(RoleName=role.name, PolicyArn=arn)

    def _tags(self, name: str) -> dict[str, str]:
        with translated("iam", name):
            pages = self.c.iam.get_paginator("list_role_tags").paginate(RoleName=name)
            return {t["Key"]: t["Value"] for page in pages for t in page["Tags"]}

    def update(self, before: Role, after: Role) -> None:
        iam = self.c.iam
        name = after.name
        with translated("iam", name):
            if before.trust_policy != after.trust_policy:
                iam.update_assume_role_policy(RoleName=name, PolicyDocument=after.trust_policy)
            if before.description != after.description:
                iam.update_role(RoleName=name, Description=after.description)
            if before.inline_policy != after.inline_policy:
                if after.inline_policy is None:
                    iam.delete_role_policy(RoleName=name, PolicyName=Role.INLINE_POLICY_NAME)
                else:
                    iam.put_role_policy(
                        RoleName=name,
                        PolicyName=Role.INLINE_POLICY_NAME,
                        PolicyDocument=after.inline_policy,
                    )
            old, new = set(before.managed_policy_arns), set(after.managed_policy_arns)
            for arn in sorted(new - old):
                iam.attach_role_policy(RoleName=name, PolicyArn=arn)
            for arn in sorted(old - new):
                iam.detach_role_policy(RoleName=name, PolicyArn=arn)
            to_set, to_remove = tag_changes(before.tags, after.tags)
            if to_set:
                iam.tag_role(RoleName=name, Tags=iam_tags(tuple(sorted(to_set.items()))))
            if to_remove:
                iam.untag_role(RoleName=name, TagKeys=to_remove)

    def delete(self, role: Role) -> None:
        """Remove what sched wrote and attached (`role` is as read: only what sched set), then
        the role. IAM refuses DeleteRole while any policy remains, and a policy a person wrote
        or attached is not sched's to remove, so then the delete fails saying which remain.
        https://docs.aws.amazon.com/IAM/latest/APIReference/API_DeleteRole.html"""
        iam = self.c.iam
        name = role.name
        try:
            with translated("iam", name):
                if role.inline_policy is not None:
                    iam.delete_role_policy(RoleName=name, PolicyName=Role.INLINE_POLICY_NAME)
                for arn in role.managed_policy_arns:
                    iam.detach_role_policy(RoleName=name, PolicyArn=arn)
            with translated("iam", name):
                iam.delete_role(RoleName=name)
        except NotFound:  # already gone
            return
        except Conflict as error:
            raise Conflict(
                error.action,
                f"role {name} still has policies sched did not write or attach: "
                f"{', '.join(self._policies(name)) or '(none left now)'}",
                "they are someone else's: remove them from the role (or keep the role and "
                "ignore this), then run the command again",
                code=error.code,
                resource=name,
            ) from error

    def _policies(self, name: str) -> list[str]:
        """The inline policy names and attached policy ARNs a role still has."""
        iam = self.c.iam
        with translated("iam", name):
            inline = [
                policy
                for page in iam.get_paginator("list_role_policies").paginate(RoleName=name)
                for policy in page["PolicyNames"]
            ]
            attached = [
                p["PolicyArn"]
                for page in iam.get_paginator("list_attached_role_policies").paginate(RoleName=name)
                for p in page["AttachedPolicies"]
                if "PolicyArn" in p
            ]
        return [*inline, *attached]
