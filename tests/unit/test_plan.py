"""Plans are exact, ordered change lists with field-level reasons."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from fakes import execution_role, job_resources

from scheduler.plan import Action, Change, FieldChange, Plan, make_plan
from scheduler.resource_state import ResourceState
from scheduler.resources import (
    Function,
    Permission,
    Resource,
    ResourceKind,
    RetryPolicy,
    Rule,
    Schedule,
    ScheduleGroup,
    Target,
    Toggle,
)

ACCOUNT = "123456789012"
ROLE = execution_role()


def _job(name: str, expression: str = "rate(5 minutes)") -> list[Resource]:
    return job_resources(name, expression)


def _state(*resources: Resource) -> ResourceState:
    return ResourceState.of(resources)


def _summary(plan: Plan) -> list[tuple[Action, ResourceKind, str]]:
    return [(c.action, c.kind, c.name) for c in plan.changes]


DESIRED = _state(ROLE, *_job("b-job"), *_job("a-job"))


def test_create_all_in_apply_order() -> None:
    plan = make_plan(DESIRED, _state())
    assert _summary(plan) == [
        (Action.CREATE, ResourceKind.ROLE, "acme-sched-exec"),
        (Action.CREATE, ResourceKind.FUNCTION, "acme-a-job"),
        (Action.CREATE, ResourceKind.FUNCTION, "acme-b-job"),
        (Action.CREATE, ResourceKind.PERMISSION, "acme-a-job/acme-a-job"),
        (Action.CREATE, ResourceKind.PERMISSION, "acme-b-job/acme-b-job"),
        (Action.CREATE, ResourceKind.RULE, "acme-a-job"),
        (Action.CREATE, ResourceKind.RULE, "acme-b-job"),
        (Action.CREATE, ResourceKind.TARGET, "acme-a-job/sched"),
        (Action.CREATE, ResourceKind.TARGET, "acme-b-job/sched"),
    ]
    assert all(c.before is None and c.fields == () for c in plan.changes)
    assert [len(p) for p in plan.phases()] == [1, 2, 2, 2, 2]


def test_no_change_plans_nothing() -> None:
    # What AWS reads back has no local zip path: that must not count as a change.
    deployed = _state(
        *(replace(r, code_path=None) if isinstance(r, Function) else r for r in DESIRED)
    )
    desired = _state(
        *(replace(r, code_path=Path("/b/x.zip")) if isinstance(r, Function) else r for r in DESIRED)
    )
    plan = make_plan(desired, deployed)
    assert {c.action for c in plan.changes} == {Action.UNCHANGED}
    assert len(plan.changes) == 9
    assert plan.pending == ()
    assert not plan.has_changes
    assert plan.phases() == ()


def test_one_schedule_changed_is_one_update_with_the_exact_field() -> None:
    deployed = DESIRED
    desired = _state(ROLE, *_job("b-job"), *_job("a-job", "rate(10 minutes)"))
    plan = make_plan(desired, deployed)
    assert [str(c) for c in plan.pending] == ["update rule acme-a-job"]
    (change,) = plan.pending
    assert change.fields == (
        FieldChange("schedule_expression", "rate(5 minutes)", "rate(10 minutes)"),
    )
    assert str(change.fields[0]) == "schedule_expression: rate(5 minutes) → rate(10 minutes)"
    assert plan.count(Action.UNCHANGED) == 8


def test_a_removed_job_is_deleted_after_the_rest_its_permission_before_its_rule() -> None:
    deployed = _state(ROLE, *_job("a-job"), *_job("old-job"))
    desired = _state(ROLE, *_job("a-job", "rate(1 hour)"), *_job("new-job"))
    plan = make_plan(desired, deployed)
    assert [str(c) for c in plan.pending] == [
        "create function acme-new-job",
        "create permission acme-new-job/acme-new-job",
        "update rule acme-a-job",
        "create rule acme-new-job",
        "create target acme-new-job/sched",
        "delete target acme-old-job/sched",
        "delete permission acme-old-job/acme-old-job",
        "delete rule acme-old-job",
        "delete function acme-old-job",
    ]
    deletes = [c for c in plan.changes if c.action is Action.DELETE]
    assert all(c.after is None and c.before is not None for c in deletes)
    assert [p[0].action for p in plan.phases()] == [
        Action.CREATE,
        Action.CREATE,
        Action.UPDATE,
        Action.CREATE,
        Action.DELETE,
        Action.DELETE,
        Action.DELETE,
        Action.DELETE,
    ]


def test_removing_everything_deletes_roles_last() -> None:
    plan = make_plan(_state(), _state(ROLE, *_job("a-job")))
    assert [str(c) for c in plan.changes] == [
        "delete target acme-a-job/sched",
        "delete permission acme-a-job/acme-a-job",
        "delete rule acme-a-job",
        "delete function acme-a-job",
        "delete role acme-sched-exec",
    ]


def test_drift_is_reported_field_by_field() -> None:
    function, permission, rule, target = _job("a-job")
    assert isinstance(function, Function) and isinstance(rule, Rule)
    assert isinstance(target, Target)
    drifted_function = replace(
        function,
        memory_mb=1024,
        tags=(("managed-by", "sched"), ("owner", "bob"), ("sched:catalogue", "acme")),
        environment=(("DEBUG", "1"), ("SCHED_JOB", "a-job")),
    )
    drifted_rule = replace(rule, state=Toggle.DISABLED)
    drifted_target = replace(target, retry_policy=RetryPolicy(0, 86400))
    plan = make_plan(
        _state(ROLE, function, permission, rule, target),
        _state(ROLE, drifted_function, permission, drifted_rule, drifted_target),
    )
    assert [(str(c), [str(f) for f in c.fields]) for c in plan.pending] == [
        (
            "update function acme-a-job",
            [
                "memory_mb: 1024 → 256",
                "environment.DEBUG: 1 → (none)",
                "tags.owner: bob → (none)",
                "tags.sched:job: (none) → a-job",
            ],
        ),
        ("update rule acme-a-job", ["state: DISABLED → ENABLED"]),
        ("update target acme-a-job/sched", ["retry_policy.maximum_retry_attempts: 0 → 2"]),
    ]


def test_a_changed_permission_is_replaced() -> None:
    function, permission, rule, target = _job("a-job")
    assert isinstance(permission, Permission)
    moved = replace(permission, source_arn=f"arn:aws:events:eu-west-1:{ACCOUNT}:rule/elsewhere")
    plan = make_plan(
        _state(ROLE, function, permission, rule, target),
        _state(ROLE, function, moved, rule, target),
    )
    (change,) = plan.pending
    assert change.action is Action.REPLACE
    assert change.before == moved and change.after == permission
    assert [str(f) for f in change.fields] == [
        f"source_arn: arn:aws:events:eu-west-1:{ACCOUNT}:rule/elsewhere → "
        f"arn:aws:events:eu-west-1:{ACCOUNT}:rule/acme-a-job"
    ]


def test_a_nested_value_appearing_is_shown_whole() -> None:
    target = _job("a-job")[3]
    assert isinstance(target, Target)
    plan = make_plan(_state(target), _state(replace(target, input_transformer=None)))
    (change,) = plan.pending
    assert [str(f) for f in change.fields] == [
        'input_transformer: (none) → {paths={time=$.time}, template={"t":<time>}}'
    ]


def test_scheduler_resources_order_groups_before_schedules() -> None:
    group = ScheduleGroup(name="acme", tags=(("managed-by", "sched"),))
    schedule = Schedule(
        group="acme",
        name="acme-x",
        expression="rate(1 hour)",
        timezone="Europe/Paris",
        target_arn="arn:aws:lambda:eu-west-1:123456789012:function:acme-x",
        role_arn="arn:aws:iam::123456789012:role/acme-sched-scheduler",
        input="{}",
        retry_policy=RetryPolicy(2, 86400),
    )
    plan = make_plan(_state(schedule, group), _state())
    assert [str(c) for c in plan.changes] == [
        "create schedule-group acme",
        "create schedule acme/acme-x",
    ]
    assert [len(p) for p in plan.phases()] == [1, 1]
    removed = make_plan(_state(), _state(schedule, group))
    assert [str(c) for c in removed.changes] == [
        "delete schedule acme/acme-x",
        "delete schedule-group acme",
    ]


def test_a_change_knows_its_resource() -> None:
    role_change = Change(Action.CREATE, before=None, after=ROLE)
    assert role_change.resource is ROLE
    assert role_change.key == (ResourceKind.ROLE, "acme-sched-exec")


def test_a_queue_statement_is_written_after_the_rule_that_proves_it_sched_s() -> None:
    # sched owns a statement in a user's queue only once its rule exists (state.py): written
    # before the rule, an apply stopped in between would leave a statement nobody can claim.
    from scheduler.plan import phase_of
    from scheduler.resources import ResourceKind

    assert phase_of(ResourceKind.QUEUE_POLICY) > phase_of(ResourceKind.RULE)


def test_a_removed_email_still_pending_is_not_a_change_but_drift() -> None:
    # SNS cannot unsubscribe an unconfirmed address (no subscription ARN); it lapses in 3 days.
    from scheduler.resources import Topic

    deployed = Topic("acme-alerts-ops", ("gone@x.com", "ops@x.com"), pending=("gone@x.com",))
    wanted = Topic("acme-alerts-ops", ("ops@x.com",))

    plan = make_plan(ResourceState.of([wanted]), ResourceState.of([deployed]))

    assert plan.pending == ()
    assert [u.why for u in plan.drift] == [
        "email gone@x.com awaits confirmation, which SNS offers no way to cancel (it lapses"
        " after 3 days)"
    ]


def test_an_alias_a_rollback_pinned_stays_on_its_version_and_is_listed_apart() -> None:
    from scheduler.resources import NEWEST_VERSION, Alias

    wanted = Alias("acme-a-job", "live", NEWEST_VERSION)
    pinned = Alias("acme-a-job", "live", "4", pinned=True)
    moved_by_hand = Alias("acme-a-job", "live", "4")

    plan = make_plan(ResourceState.of([wanted]), ResourceState.of([pinned]))
    assert (plan.pending, plan.pinned, plan.drift) == ((), (pinned,), ())
    again = make_plan(ResourceState.of([wanted]), ResourceState.of([moved_by_hand]))
    assert [(c.action, [str(f) for f in c.fields]) for c in again.pending] == [
        (Action.UPDATE, ["version: 4 → newest"])
    ]
    assert again.pinned == ()
