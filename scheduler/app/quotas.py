"""The quota check of a plan: the account's quotas read through `QuotaSource`, the catalogue's
busiest minute (`scheduler.app.peaks`) and the size of the packages the plan uploads, handed to
the pure `scheduler.quotas.check_quotas`. Checked by `plan`, and by `apply` before any write.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from scheduler.catalogue.model import Catalogue, RoleMode
from scheduler.plan import Action, Plan
from scheduler.quotas import BusiestMinute, QuotaCheck, check_quotas
from scheduler.resource_state import ResourceState
from scheduler.resources import Function

if TYPE_CHECKING:
    from scheduler.ports import QuotaSource


def quota_check(
    catalogue: Catalogue,
    desired: ResourceState,
    deployed: ResourceState,
    plan: Plan,
    source: QuotaSource,
    *,
    now: datetime,
) -> QuotaCheck:
    return check_quotas(
        desired,
        deployed,
        source.quotas(),
        new_code_bytes=uploaded_bytes(plan),
        busiest=busiest_minute(catalogue, now),
        shared_roles=catalogue.roles is RoleMode.SHARED,
    )


def busiest_minute(catalogue: Catalogue, now: datetime) -> BusiestMinute | None:
    from scheduler.app.peaks import peaks
    from scheduler.schedule.peaks import DEFAULT_DAYS

    found = peaks(catalogue, start=now, days=DEFAULT_DAYS, top=1).minutes
    if not found:
        return None
    peak = found[0]
    return BusiestMinute(f"{peak.minute:%Y-%m-%d %H:%M}", peak.running, peak.jobs)


def uploaded_bytes(plan: Plan) -> int:
    """The code the plan adds to Lambda's storage: new functions' packages, and new code of
    versioned ones (their old versions are kept); an unversioned update replaces its code."""
    total = 0
    for change in plan.pending:
        after = change.after
        if not isinstance(after, Function) or after.code_path is None:
            continue
        new_code = change.action is Action.CREATE or (
            after.versions is not None and any(f.field == "code" for f in change.fields)
        )
        if new_code and after.code_path.exists():
            total += after.code_path.stat().st_size
    return total
