"""Shared roles (defaults: {roles: shared}): jobs whose policies are identical share one role
named by the policy's hash, so roles grow with permission sets, not jobs; each role's policy is
its jobs' policy; moving between per-job and shared roles repoints functions before deleting."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fakes import ACCOUNT, REGION, FakeCloud

from scheduler.apply import apply_plan
from scheduler.canonical import canonical_json
from scheduler.catalogue.model import Catalogue, Grant, Job, RoleMode
from scheduler.compile import compile_catalogue
from scheduler.package import PackageRef
from scheduler.permissions import job_policy, role_mates, shared_policy
from scheduler.plan import Action, make_plan
from scheduler.ports import ReadScope
from scheduler.resource_state import ResourceState
from scheduler.resources import Function, ResourceKind, Role

NOW = datetime(2026, 12, 2, tzinfo=UTC)
READ = Grant({"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::a/*"}, ())
WRITE = Grant({"Effect": "Allow", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*"}, ())


def _job(name: str, *grants: Grant) -> Job:
    return Job(
        name=name,
        schedule="rate(1 hour)",
        expected_runtime=timedelta(minutes=1),
        timeout=timedelta(minutes=2),
        timeout_is_explicit=False,
        handler="jobs/h.py:main",
        permissions=grants,
    )


def _catalogue(jobs: list[Job], roles: RoleMode = RoleMode.SHARED) -> Catalogue:
    return Catalogue("acme", Path("/repo/jobs.yaml"), jobs=tuple(jobs), roles=roles)


def _compile(catalogue: Catalogue) -> ResourceState:
    packages = {
        j.name: PackageRef(j.name, Path(f"/b/{j.name}.zip"), "sha=", 1) for j in catalogue.jobs
    }
    return compile_catalogue(catalogue, account=ACCOUNT, region=REGION, packages=packages)


def _roles(state: ResourceState) -> list[Role]:
    return [r for r in state.of_kind(ResourceKind.ROLE) if isinstance(r, Role)]


def _functions(state: ResourceState) -> list[Function]:
    return [r for r in state.of_kind(ResourceKind.FUNCTION) if isinstance(r, Function)]


def test_1000_jobs_with_one_permission_set_create_one_role() -> None:
    catalogue = _catalogue([_job(f"job-{i:04d}", READ) for i in range(1000)])

    state = _compile(catalogue)

    roles = _roles(state)
    assert [r.name for r in roles] == [roles[0].name]
    assert roles[0].name.startswith("acme-sched-role-")
    assert {f.role_arn for f in _functions(state)} == {
        f"arn:aws:iam::{ACCOUNT}:role/{roles[0].name}"
    }
    assert dict(roles[0].tags) == {
        "managed-by": "sched",
        "sched:catalogue": "acme",
        "sched:shared": "role",
    }


def test_each_permission_set_has_one_role_holding_exactly_its_jobs_policy() -> None:
    jobs = [_job("a", READ), _job("b", READ, WRITE), _job("c", READ), _job("d", READ, WRITE)]

    state = _compile(_catalogue(jobs))

    roles = {r.name: r for r in _roles(state)}
    assert len(roles) == 2
    for job in jobs:
        function = next(f for f in _functions(state) if f.name == f"acme-{job.name}")
        role = roles[function.role_arn.rsplit("/", 1)[1]]
        policy = shared_policy(job, catalogue="acme", region=REGION, account=ACCOUNT)
        assert role.inline_policy == canonical_json(policy.document)
        # Beyond writing logs, exactly the job's own statements (least privilege unchanged).
        own = job_policy(job, catalogue="acme", region=REGION, account=ACCOUNT).document
        shared = json.loads(role.inline_policy)["Statement"]
        assert shared[2:] == own["Statement"][2:]
        assert shared[1]["Resource"] == [
            f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/sched/acme/*:*"
        ]


def test_per_job_roles_stay_the_default() -> None:
    catalogue = _catalogue([_job("a", READ), _job("b", READ)], roles=RoleMode.PER_JOB)

    assert [r.name for r in _roles(_compile(catalogue))] == ["acme-a", "acme-b"]


def test_moving_to_shared_roles_repoints_functions_before_deleting_the_old_roles() -> None:
    jobs = [_job("a", READ), _job("b", READ)]
    cloud = FakeCloud()
    scope = ReadScope("acme", ACCOUNT, REGION)
    per_job = _compile(_catalogue(jobs, RoleMode.PER_JOB))
    assert apply_plan(make_plan(per_job, cloud.read(scope), now=NOW), cloud).ok
    shared = _compile(_catalogue(jobs))

    plan = make_plan(shared, cloud.read(scope), now=NOW)

    steps = [(c.action, c.kind, c.name) for c in plan.pending]
    role = _roles(shared)[0].name
    assert steps == [
        (Action.CREATE, ResourceKind.ROLE, role),
        (Action.UPDATE, ResourceKind.FUNCTION, "acme-a"),
        (Action.UPDATE, ResourceKind.FUNCTION, "acme-b"),
        (Action.DELETE, ResourceKind.ROLE, "acme-a"),
        (Action.DELETE, ResourceKind.ROLE, "acme-b"),
    ]
    # SCHED_DEPLOY digests the function's configuration, the role included
    assert [f.field for f in plan.pending[1].fields] == ["role_arn", "environment.SCHED_DEPLOY"]
    assert apply_plan(plan, cloud).ok
    assert make_plan(shared, cloud.read(scope), now=NOW).pending == ()
    # and back: the per-job roles first, then the shared one goes when its last job leaves
    back = make_plan(per_job, cloud.read(scope), now=NOW)
    assert [(c.action, c.name) for c in back.pending][-1] == (Action.DELETE, role)
    assert apply_plan(back, cloud).ok


def test_the_role_is_pruned_when_the_last_job_of_its_set_leaves() -> None:
    cloud = FakeCloud()
    scope = ReadScope("acme", ACCOUNT, REGION)
    both = _compile(_catalogue([_job("a", READ), _job("b", READ, WRITE)]))
    assert apply_plan(make_plan(both, cloud.read(scope), now=NOW), cloud).ok
    only_a = _compile(_catalogue([_job("a", READ)]))

    plan = make_plan(only_a, cloud.read(scope), now=NOW)

    gone = {r.name for r in _roles(both)} - {r.name for r in _roles(only_a)}
    assert len(gone) == 1
    assert [(c.action, c.kind, c.name) for c in plan.pending if c.kind is ResourceKind.ROLE] == [
        (Action.DELETE, ResourceKind.ROLE, name) for name in sorted(gone)
    ]


def test_role_mates_are_the_other_jobs_of_each_shared_role() -> None:
    jobs = [_job("a", READ), _job("b", READ, WRITE), _job("c", READ), _job("d", WRITE)]

    assert role_mates(_catalogue(jobs)) == {"a": ("c",), "c": ("a",)}
    assert role_mates(_catalogue(jobs, RoleMode.PER_JOB)) == {}
