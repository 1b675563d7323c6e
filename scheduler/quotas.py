"""Whether a plan fits the account's quotas, decided before apply's first write: EventBridge
rules per bus, IAM roles per account and Lambda code storage (past any of them apply fails
half-way), and the busiest minute against the unreserved concurrency (past it runs are
throttled, not refused: a warning). Pure: the quotas come through `QuotaSource`.
"""

from __future__ import annotations

from dataclasses import dataclass

from scheduler import limits
from scheduler.ports import AccountQuotas, Quota
from scheduler.resource_state import ResourceState
from scheduler.resources import ResourceKind

SHOWN_JOBS = 5


@dataclass(frozen=True)
class Shortfall:
    """One quota the plan would not fit: what is counted, how many are needed (this
    catalogue's and the account's others), the quota's value, and what to do."""

    what: str
    needed: int
    ours: int
    others: int
    limit: int
    read: bool
    fix: str
    blocking: bool = True

    def line(self) -> str:
        source = "the account's" if self.read else "the documented default"
        return (
            f"{self.what}: {self.needed} needed ({self.ours} of this catalogue, {self.others} "
            f"others), over {self.limit} ({source})"
        )


@dataclass(frozen=True)
class QuotaCheck:
    """Every quota the plan would not fit, and notes on quotas that could not be read."""

    shortfalls: tuple[Shortfall, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def blocking(self) -> tuple[Shortfall, ...]:
        return tuple(s for s in self.shortfalls if s.blocking)

    @property
    def fits(self) -> bool:
        return not self.blocking


@dataclass(frozen=True)
class BusiestMinute:
    """The catalogue's busiest minute (UTC, as text) and the jobs running in it."""

    minute: str
    running: int
    jobs: tuple[str, ...]


def _increase(quota: str, service: str, service_code: str, code: str) -> str:
    return (
        f'ask for an increase of "{quota}" ({service}; service code {service_code}, quota '
        f"code {code}) in Service Quotas"
    )


def check_quotas(
    desired: ResourceState,
    deployed: ResourceState,
    quotas: AccountQuotas,
    *,
    new_code_bytes: int = 0,
    busiest: BusiestMinute | None = None,
    shared_roles: bool = False,
) -> QuotaCheck:
    """What of `desired` would not fit once `deployed` (what the catalogue owns now) is replaced
    by it: the account's other rules and roles stay, `new_code_bytes` of packages are added."""
    found: list[Shortfall] = []
    rules = _count(desired, deployed, ResourceKind.RULE, quotas.rules_per_bus)
    if rules is not None and rules[0] > quotas.rules_per_bus.limit:
        needed, ours, others = rules
        over = needed - quotas.rules_per_bus.limit
        found.append(
            Shortfall(
                "EventBridge rules on the default bus",
                needed,
                ours,
                others,
                quotas.rules_per_bus.limit,
                quotas.rules_per_bus.read,
                f"move at least {over} job{'s' * (over != 1)} to backend: scheduler (no rules), "
                "or "
                + _increase(
                    limits.EVENTBRIDGE_RULES_QUOTA_NAME,
                    "Amazon EventBridge",
                    limits.EVENTBRIDGE_SERVICE_CODE,
                    limits.EVENTBRIDGE_RULES_QUOTA_CODE,
                ),
            )
        )
    roles = _count(desired, deployed, ResourceKind.ROLE, quotas.roles)
    if roles is not None and roles[0] > quotas.roles.limit:
        needed, ours, others = roles
        share = "" if shared_roles else "share roles (defaults: {roles: shared}), or "
        found.append(
            Shortfall(
                "IAM roles in the account",
                needed,
                ours,
                others,
                quotas.roles.limit,
                quotas.roles.read,
                share
                + _increase(
                    limits.IAM_ROLES_QUOTA_NAME,
                    "AWS Identity and Access Management",
                    "iam",
                    limits.IAM_ROLES_QUOTA_CODE,
                ),
            )
        )
    storage = quotas.code_storage_bytes
    if storage.used is not None and storage.used + new_code_bytes > storage.limit:
        found.append(
            Shortfall(
                "Lambda code storage (bytes)",
                storage.used + new_code_bytes,
                new_code_bytes,
                storage.used,
                storage.limit,
                storage.read,
                "delete functions or published versions nobody uses (keep fewer versions:), or "
                + _increase(
                    limits.LAMBDA_CODE_STORAGE_QUOTA_NAME,
                    "AWS Lambda",
                    "lambda",
                    limits.LAMBDA_CODE_STORAGE_QUOTA_CODE,
                ),
            )
        )
    concurrency = quotas.unreserved_concurrency
    if busiest is not None and busiest.running > concurrency.limit:
        found.append(
            Shortfall(
                f"Lambda runs at once at {busiest.minute} UTC ({_crowd(busiest)})",
                busiest.running,
                busiest.running,
                0,
                concurrency.limit,
                concurrency.read,
                "give some a flexible_window on backend: scheduler, or stagger their minutes "
                "(sched peaks lists the busiest); or "
                + _increase(
                    limits.LAMBDA_CONCURRENCY_QUOTA_NAME,
                    "AWS Lambda",
                    "lambda",
                    limits.LAMBDA_CONCURRENCY_QUOTA_CODE,
                ),
                blocking=False,
            )
        )
    notes = tuple(
        q.note for q in (quotas.rules_per_bus, quotas.roles, concurrency, storage) if q.note
    )
    return QuotaCheck(tuple(found), notes)


def _count(
    desired: ResourceState, deployed: ResourceState, kind: ResourceKind, quota: Quota
) -> tuple[int, int, int] | None:
    """(needed, this catalogue's, the account's others) of one kind, None when the account's
    usage is unknown. What the catalogue owns now is counted in the usage: it is replaced."""
    ours = len(desired.of_kind(kind))
    if quota.used is None:
        return None
    others = max(0, quota.used - len(deployed.of_kind(kind)))
    return ours + others, ours, others


def _crowd(busiest: BusiestMinute) -> str:
    shown = ", ".join(busiest.jobs[:SHOWN_JOBS])
    more = busiest.running - min(len(busiest.jobs), SHOWN_JOBS)
    return f"{shown} and {more} more" if more > 0 else shown
