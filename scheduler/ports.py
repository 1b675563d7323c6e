"""Ports: what reading deployed state and applying a plan need from AWS, and the typed errors
the adapters raise. `scheduler/aws/` implements them with boto3 (and, pointed at moto, local
mode); unit tests use in-memory fakes. Nothing here imports boto3.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from scheduler.errors import AwsFailure
from scheduler.resources import (
    DeployedState,
    DesiredState,
    Function,
    Permission,
    Resource,
    ResourceKind,
)


@dataclass(frozen=True)
class ReadScope:
    """What to read: the catalogue's resources in one account and region.

    `external_functions` are the ARNs of existing functions (`function:` jobs) whose resource
    policies hold statements sched manages; they carry no sched tags, so they are named here.
    """

    catalogue: str
    account: str
    region: str
    external_functions: tuple[str, ...] = ()

    @classmethod
    def for_desired(
        cls, catalogue: str, desired: DesiredState, *, account: str, region: str
    ) -> ReadScope:
        ours = {r.name for r in desired.of_kind(ResourceKind.FUNCTION) if isinstance(r, Function)}
        external = {
            r.function
            for r in desired.of_kind(ResourceKind.PERMISSION)
            if isinstance(r, Permission) and r.function not in ours
        }
        return cls(catalogue, account, region, tuple(sorted(external)))


class StateReader(Protocol):
    """Reads what a catalogue owns. The contract the adapters keep:

    - Only owned resources: roles, functions, rules and schedule groups for which
      `naming.owns(name, tags, catalogue)` holds; the schedules in the owned schedule group; the
      targets of owned rules; permission statements whose id has `naming.owned_prefix` AND whose
      SourceArn is a rule this catalogue owns by tags, or, on a function the catalogue owns, that
      name no rule owned by anyone else (another catalogue may share the prefix: `acme` and
      `acme-ops`). A statement that cannot be proved ours is never read as ours.
    - Values in the form compile writes them: JSON documents through `canonical_json`; tags,
      environments and input paths through `pairs`; subnet, security group and policy ARN lists
      sorted; absent descriptions as ""; `Function.code_path` None.
    - A no-change plan costs about three calls a job plus paging, e.g. one tag search
      (resourcegroupstaggingapi:GetResources) or per-resource tag reads, `ListFunctions` and
      `ListRules` pages, then per job `ListTargetsByRule` and `GetPolicy` (rules backend) or
      `GetSchedule` (scheduler backend); roles are per catalogue.
    """

    def read(self, scope: ReadScope) -> DeployedState: ...


class ResourceWriter(Protocol):
    """Changes one resource per call; apply calls it from several threads at once, so an
    implementation must be thread-safe (boto3 clients are; sessions are not).

    - `create` raises `Conflict` when the resource exists; `delete` of a resource that is already
      gone succeeds (re-running after a failure must converge).
    - `update` gets the deployed and the desired resource so it can make only the calls the
      difference needs (e.g. no code upload when `code_sha256` is equal).
    - A writer does what the service needs around a change: detach a role's policies before
      deleting it, wait for a function to be active, retry a new role IAM has not propagated.
    """

    def create(self, resource: Resource) -> None: ...

    def update(self, before: Resource, after: Resource) -> None: ...

    def delete(self, resource: Resource) -> None: ...


class AwsError(AwsFailure):
    """An AWS call failed: `action` is the API (`lambda:CreateFunction`), `code` AWS's error
    code, `resource` what it was about; the message says what happened, the hint what to do."""

    default_hint = ""

    def __init__(
        self, action: str, message: str, hint: str = "", *, code: str = "", resource: str = ""
    ) -> None:
        super().__init__(f"{action}: {message}", hint or self.default_hint)
        self.detail = message  # without the action, for errors re-raised with another hint
        self.action = action
        self.code = code
        self.resource = resource


class ThrottledError(AwsError):
    default_hint = "AWS is throttling requests and retries ran out; try again in a minute"


class AccessDenied(AwsError):
    default_hint = "the AWS identity in use needs this permission; check the profile and its policy"


class QuotaExceeded(AwsError):
    default_hint = "raise the quota in Service Quotas, or remove resources you no longer need"


class NotFound(AwsError):
    default_hint = "it was removed outside sched; run plan again to see the current state"


class Conflict(AwsError):
    default_hint = "it exists already or is being changed; run plan again"


class InvalidRequest(AwsError):
    default_hint = "AWS rejected a value; run `sched validate` and check the job's settings"
