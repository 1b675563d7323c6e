"""The deploy wing composed: package every job's code, compile the catalogue, read what it owns
in AWS, plan the difference, and apply a plan through the writer. Returns data; never prints.
"""

from __future__ import annotations

import contextlib
import getpass
import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from scheduler import naming
from scheduler.app.connect import state_dir
from scheduler.catalogue.model import Catalogue, Compute
from scheduler.plan import Action, Plan, make_plan
from scheduler.resource_state import DesiredState, ResourceState
from scheduler.resources import Function

if TYPE_CHECKING:
    from scheduler.apply import ApplyResult, InterruptCallback, ProgressCallback, StopRequest
    from scheduler.aws import AwsContext
    from scheduler.package import CodeDiff, PackageRef
    from scheduler.quotas import QuotaCheck


def build_packages(catalogue: Catalogue) -> dict[str, PackageRef]:
    """Package every Lambda job's code (deterministic zips), by job name, once per distinct
    code; an unchanged zip is not rewritten."""
    from scheduler.package import RUNTIME_SOURCE
    from scheduler.package import build_packages as build

    build_dir = state_dir(catalogue.path) / "build"
    jobs = [j for j in catalogue.jobs if j.compute is Compute.LAMBDA and j.handler is not None]
    return build(jobs, catalogue.base_dir, RUNTIME_SOURCE, build_dir)


def desired_state(catalogue: Catalogue, *, account: str, region: str) -> DesiredState:
    """Package every Lambda job's code (deterministic zips) and compile the catalogue."""
    from scheduler.compile import compile_catalogue

    packages = build_packages(catalogue)
    watcher = watcher_package(catalogue, account=account, region=region)
    if watcher is not None:
        packages[watcher.job] = watcher
    return compile_catalogue(catalogue, account=account, region=region, packages=packages)


def watcher_package(catalogue: Catalogue, *, account: str, region: str) -> PackageRef | None:
    """The alert watcher's zip (its configuration names topic ARNs, so it is per account and
    region), or None when no job alerts."""
    from scheduler.package import build_watcher_package
    from scheduler.watch.config import config_for, to_json

    config = config_for(catalogue, region=region, account=account)
    if config is None:
        return None
    return build_watcher_package(to_json(config), state_dir(catalogue.path) / "build" / "watcher")


# How long an apply's lock holds when its apply never releases it (killed): longer than any
# apply sched makes, short enough that nobody waits a day for a machine that died.
LOCK_TTL = timedelta(hours=1)


def lock_holder() -> str:
    """Who takes the lock, as its holder is shown to the apply that finds it taken."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for the uid (a container)
        user = f"uid {os.getuid()}"
    return f"{user}@{socket.gethostname()} (pid {os.getpid()})"


@dataclass(frozen=True)
class HeldLock:
    """The apply lock this process holds, to prove it still does before the first write."""

    catalogue: str
    holder: str
    aws: AwsContext

    def refresh(self, now: datetime) -> None:
        """Raise `Locked` if another apply took the lock meanwhile (a confirmation prompt left
        unanswered past LOCK_TTL); else hold it LOCK_TTL from `now`. Re-checking here, rather
        than locking after the prompt and planning again, keeps the lock around the read the
        person confirmed: if it was lost, what they confirmed may be stale, so nothing is
        written and they run again."""
        self.aws.lock.refresh(self.catalogue, self.holder, now, ttl=LOCK_TTL)


@contextlib.contextmanager
def locked(
    catalogue: Catalogue, aws: AwsContext, *, now: datetime, force: bool = False
) -> Iterator[HeldLock]:
    """Hold the catalogue's apply lock (in AWS) from before the read to after the last write:
    a second apply fails at once naming the holder, instead of half-way with a conflict."""
    with locked_name(catalogue.prefix, aws, now=now, force=force) as held:
        yield held


@contextlib.contextmanager
def locked_name(
    name: str, aws: AwsContext, *, now: datetime, force: bool = False
) -> Iterator[HeldLock]:
    """`locked` by the catalogue's name alone (a prune of an old name has no catalogue file)."""
    holder = lock_holder()
    aws.lock.acquire(name, holder, now, ttl=LOCK_TTL, force=force)
    try:
        yield HeldLock(name, holder, aws)
    finally:
        aws.lock.release(name, holder)


@dataclass(frozen=True)
class Planned:
    catalogue: Catalogue
    desired: DesiredState
    deployed: ResourceState
    plan: Plan
    # What would not fit the account's quotas (None: not read, as for destroy).
    quotas: QuotaCheck | None = None


@dataclass(frozen=True)
class LogGroupLeft:
    """A log group of the catalogue's functions, which deleting a function leaves with its
    logs: `ours` when sched created it (apply does, tagged as the function) or when it is
    Lambda's default group of a function of sched's this destroy deleted (`legacy`: where the
    function logged before it had a group of its own); neither: Lambda created it for a
    function sched cannot tell is its own. `deleted` when destroy --delete-logs removed it."""

    name: str
    ours: bool
    deleted: bool = False
    legacy: bool = False


def log_groups_left(
    planned: Planned, aws: AwsContext, *, delete: bool = False
) -> list[LogGroupLeft]:
    """The log groups that exist of the functions `planned` deleted and of those the catalogue
    deploys (a second destroy finds them too), and Lambda's default groups of the same
    functions; with `delete`, sched's are deleted (its tags and its name, or the default group
    of a function of its own this destroy deleted), and only those."""
    from scheduler.state import owns_tagged

    store = aws.log_groups
    assert store is not None, "every AWS context reads log groups"
    catalogue = planned.catalogue
    scope = catalogue.prefix
    deleted = {
        change.before.name: change.before
        for change in planned.plan.pending
        if change.action is Action.DELETE and isinstance(change.before, Function)
    }
    # Function → its group; a deleted function's as read from AWS.
    groups = {
        naming.function_name(scope, job.name): naming.log_group_name(scope, job.name)
        for job in catalogue.jobs
        if job.compute is Compute.LAMBDA and job.handler is not None and job.function is None
    }
    groups[naming.watcher_name(scope)] = naming.log_group_name(scope, naming.watcher_key())
    groups.update({name: f.log_group for name, f in deleted.items() if f.log_group})
    found = []
    for function in sorted(groups.keys() | deleted.keys()):
        for group in dict.fromkeys([groups.get(function), naming.lambda_log_group(function)]):
            if group is None or (tags := store.tags(group)) is None:
                continue  # never created (a function that never ran had none)
            mine = owns_tagged(function, tags, catalogue.name, catalogue.environment_name)
            legacy = (
                not mine
                and group == naming.lambda_log_group(function)
                and function in deleted
                and naming.MANAGED_BY_KEY not in tags  # Lambda's, untagged: not another's
            )
            ours = mine or legacy
            if delete and ours:
                store.delete(group)
            found.append(LogGroupLeft(group, ours, deleted=delete and ours, legacy=legacy))
    return found


def resource_jobs(planned: Planned) -> dict[str, str]:
    """Each name sched gives a job's own resources (function, role, rule, schedule, statement)
    → the job's name: a plan is reviewed job by job. A job removed from the catalogue is known
    by the `sched:job` tag of its deployed function and role, whose name its rule, target and
    statement share."""
    from scheduler import naming
    from scheduler.resources import Function, Role

    catalogue = planned.catalogue
    makers = (
        naming.function_name,
        naming.job_role_name,
        naming.rule_name,
        naming.schedule_name,
        naming.statement_id,
    )
    found = {
        make(catalogue.prefix, job.name): job.name for job in catalogue.jobs for make in makers
    }
    for resource in planned.deployed.resources:
        if isinstance(resource, Function | Role):
            job = dict(resource.tags).get(naming.JOB_TAG)
            if job:
                found.setdefault(resource.name, job)
    return found


def changed_packages(planned: Planned) -> dict[str, list[str]]:
    """The files of each function's new package whose code the plan changes (read back from the
    zip built for it), by function name."""
    from scheduler.package import archive_names
    from scheduler.resources import Function

    found = {}
    for change in planned.plan.pending:
        after = change.after
        code = any(field.field == "code" for field in change.fields)
        if code and isinstance(after, Function) and after.code_path is not None:
            found[after.name] = archive_names(after.code_path)
    return found


def code_diffs(planned: Planned) -> dict[str, CodeDiff]:
    """For each function whose code the plan changes, the files that changed, by function name,
    when the deployed package was built here too (its files are known by the manifest kept
    beside the zips); the others are left out."""
    from scheduler.package import code_diff
    from scheduler.resources import Function

    build_dir = state_dir(planned.catalogue.path) / "build"
    found = {}
    for change in planned.plan.pending:
        before, after = change.before, change.after
        if not isinstance(before, Function) or not isinstance(after, Function):
            continue
        if before.code != after.code:
            diff = code_diff(build_dir, before.code, after.code)
            if diff is not None:
                found[after.name] = diff
    return found


def plan(
    catalogue: Catalogue,
    aws: AwsContext,
    *,
    destroy: bool = False,
    now: datetime | None = None,
) -> Planned:
    """Compile, read what this catalogue owns in AWS, and diff the two. With `destroy` the
    desired state is empty: the plan deletes everything the catalogue owns. A one-off whose
    time has passed by `now` (default: the clock) and that is gone is not created again."""
    from scheduler.ports import ReadScope

    compiled = desired_state(catalogue, account=aws.account, region=aws.region)
    # Even to destroy, the compiled state says which existing functions hold our statements.
    scope = ReadScope.for_desired(
        catalogue.name,
        compiled,
        account=aws.account,
        region=aws.region,
        environment=catalogue.environment_name,
    )
    deployed = aws.reader.read(scope)
    desired = ResourceState() if destroy else compiled
    when = now if now is not None else datetime.now(UTC)
    changes = make_plan(desired, deployed, now=when)
    quotas = None
    if not destroy and aws.quotas is not None:
        from scheduler.app.quotas import quota_check

        quotas = quota_check(catalogue, desired, deployed, changes, aws.quotas, now=when)
    return Planned(catalogue, desired, deployed, changes, quotas)


def refuse_collisions(planned: Planned) -> None:
    """Raise `NamesTaken` when the plan would create anything under a name someone else holds:
    checked before the first write, so a stranger's rule never gets to invoke a new function."""
    from scheduler.errors import NamesTaken

    taken = planned.plan.collisions
    if taken:
        raise NamesTaken([(u.key[0].value, u.key[1], u.why) for u in taken])


def refuse_quotas(planned: Planned) -> None:
    """Raise `QuotasShort` when the plan would not fit the account's quotas (rules per bus,
    roles per account, code storage): checked before the first write, not met half-way."""
    from scheduler.errors import QuotasShort

    check = planned.quotas
    if check is not None and check.blocking:
        raise QuotasShort([(s.line(), s.fix) for s in check.blocking])


def apply(
    planned: Planned,
    aws: AwsContext,
    *,
    on_progress: ProgressCallback,
    on_interrupt: InterruptCallback,
    lock: HeldLock | None = None,
    now: datetime | None = None,
    stop: StopRequest | None = None,
) -> ApplyResult:
    """Carry out the plan through the AWS writer; see `scheduler.apply.apply_plan` (and its
    `stop`). A plan with collisions is refused whole (`refuse_collisions`); with `lock`, one
    whose lock was taken over meanwhile too (`HeldLock.refresh`, at `now`, by default the
    clock's)."""
    from scheduler.apply import apply_plan

    refuse_collisions(planned)
    refuse_quotas(planned)
    if lock is not None:
        lock.refresh(now or datetime.now(UTC))
    return apply_plan(
        planned.plan, aws.writer, on_progress=on_progress, on_interrupt=on_interrupt, stop=stop
    )
