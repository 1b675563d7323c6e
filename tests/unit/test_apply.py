"""Apply against an in-memory cloud: call order, phases, stop at first failure, convergence."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import pytest
from fakes import ACCOUNT, REGION, FakeCloud, InterruptibleCloud, execution_role, job_resources

from scheduler.apply import ApplyResult, Progress, StopRequest, apply_plan
from scheduler.errors import AccessDenied, AwsError
from scheduler.plan import Action, Change, Plan, make_plan
from scheduler.ports import ReadScope
from scheduler.resource_state import DesiredState, ResourceState
from scheduler.resources import Function, Permission, Resource, ResourceKind, Role

SCOPE = ReadScope("acme", ACCOUNT, REGION)
DESIRED = ResourceState.of([execution_role(), *job_resources("a"), *job_resources("b")])
FUNCTION_B = (ResourceKind.FUNCTION, "acme-b")


def _apply(cloud: FakeCloud, desired: DesiredState, concurrency: int = 1) -> ApplyResult:
    return apply_plan(make_plan(desired, cloud.read(SCOPE)), cloud, concurrency=concurrency)


def _names(changes: Iterable[Change]) -> list[str]:
    return [str(c) for c in changes]


def test_create_all_calls_the_writer_in_dependency_order() -> None:
    cloud = FakeCloud()
    seen: list[tuple[str, str]] = []
    result = apply_plan(
        make_plan(DESIRED, cloud.read(SCOPE)),
        cloud,
        on_progress=lambda change, status: seen.append((str(change), status)),
        concurrency=1,
    )
    assert cloud.calls == [
        ("create", (ResourceKind.ROLE, "acme-sched-exec")),
        ("create", (ResourceKind.FUNCTION, "acme-a")),
        ("create", (ResourceKind.FUNCTION, "acme-b")),
        ("create", (ResourceKind.PERMISSION, "acme-a/acme-a")),
        ("create", (ResourceKind.PERMISSION, "acme-b/acme-b")),
        ("create", (ResourceKind.RULE, "acme-a")),
        ("create", (ResourceKind.RULE, "acme-b")),
        ("create", (ResourceKind.TARGET, "acme-a/sched")),
        ("create", (ResourceKind.TARGET, "acme-b/sched")),
    ]
    assert result.ok
    assert len(result.done) == 9 and result.failed == () and result.skipped == ()
    assert seen[:4] == [
        ("create role acme-sched-exec", "started"),
        ("create role acme-sched-exec", "done"),
        ("create function acme-a", "started"),
        ("create function acme-a", "done"),
    ]
    assert make_plan(DESIRED, cloud.read(SCOPE)).pending == ()


def test_deletes_and_updates_use_the_matching_calls() -> None:
    cloud = FakeCloud([execution_role(), *job_resources("a"), *job_resources("old")])
    desired = ResourceState.of([execution_role(), *job_resources("a", "rate(1 hour)")])
    result = _apply(cloud, desired)
    assert cloud.calls == [
        ("update", (ResourceKind.RULE, "acme-a")),
        ("delete", (ResourceKind.TARGET, "acme-old/sched")),
        ("delete", (ResourceKind.PERMISSION, "acme-old/acme-old")),
        ("delete", (ResourceKind.RULE, "acme-old")),
        ("delete", (ResourceKind.FUNCTION, "acme-old")),
    ]
    assert result.ok
    assert ResourceState.of(cloud.resources.values()) == desired


def test_a_replace_deletes_then_creates() -> None:
    function, permission, rule, target = job_resources("a")
    assert isinstance(permission, Permission)
    others = [execution_role(), function, rule, target]
    cloud = FakeCloud([*others, replace(permission, principal="sns.amazonaws.com")])
    result = _apply(cloud, ResourceState.of([*others, permission]))
    assert cloud.calls == [
        ("delete", (ResourceKind.PERMISSION, "acme-a/acme-a")),
        ("create", (ResourceKind.PERMISSION, "acme-a/acme-a")),
    ]
    assert [c.action for c in result.done] == [Action.REPLACE]


def test_a_failure_stops_new_work_and_reports_done_failed_skipped() -> None:
    error = AccessDenied("lambda:CreateFunction", "not allowed")
    cloud = FakeCloud(fail={("create", FUNCTION_B): error})
    seen: list[tuple[str, str]] = []
    result = apply_plan(
        make_plan(DESIRED, cloud.read(SCOPE)),
        cloud,
        on_progress=lambda change, status: seen.append((str(change), status)),
        concurrency=1,
    )
    assert _names(result.done) == ["create role acme-sched-exec", "create function acme-a"]
    assert [(str(f.change), f.error) for f in result.failed] == [("create function acme-b", error)]
    assert _names(result.skipped) == [
        "create permission acme-a/acme-a",
        "create permission acme-b/acme-b",
        "create rule acme-a",
        "create rule acme-b",
        "create target acme-a/sched",
        "create target acme-b/sched",
    ]
    assert not result.ok and not result.interrupted
    assert len(cloud.calls) == 3
    assert seen[-7:] == [
        ("create function acme-b", Progress.FAILED),
        *((name, Progress.SKIPPED) for name in _names(result.skipped)),
    ]


def test_changes_already_running_in_the_phase_finish_after_a_failure() -> None:
    error = AccessDenied("lambda:CreateFunction", "not allowed")
    desired = ResourceState.of([execution_role(), *job_resources("a"), *job_resources("b")])
    desired = ResourceState.of([*desired, *job_resources("c")])
    cloud = FakeCloud(fail={("create", FUNCTION_B): error})
    result = _apply(cloud, desired, concurrency=8)
    assert _names(result.done) == [
        "create role acme-sched-exec",
        "create function acme-a",
        "create function acme-c",
    ]
    assert [str(f.change) for f in result.failed] == ["create function acme-b"]
    assert [c.kind for c in result.skipped] == [ResourceKind.PERMISSION] * 3 + [
        ResourceKind.RULE
    ] * 3 + [ResourceKind.TARGET] * 3


def test_re_running_after_a_failure_converges() -> None:
    cloud = FakeCloud(fail={("create", FUNCTION_B): AccessDenied("lambda:CreateFunction", "no")})
    first = _apply(cloud, DESIRED)
    assert len(first.failed) == 1
    second_plan = make_plan(DESIRED, cloud.read(SCOPE))
    assert _names(second_plan.pending) == [
        "create function acme-b",
        "create permission acme-a/acme-a",
        "create permission acme-b/acme-b",
        "create rule acme-a",
        "create rule acme-b",
        "create target acme-a/sched",
        "create target acme-b/sched",
    ]
    second = apply_plan(second_plan, cloud)
    assert second.ok and len(second.done) == 7
    assert make_plan(DESIRED, cloud.read(SCOPE)).pending == ()


def test_changes_within_a_phase_run_concurrently_up_to_the_limit() -> None:
    names = [f"j{i}" for i in range(4)]
    desired = ResourceState.of(
        [execution_role()] + [r for n in names for r in job_resources(n) if isinstance(r, Function)]
    )
    barrier = threading.Barrier(2, timeout=10)
    lock = threading.Lock()
    active = 0
    peak = 0

    def gate(operation: str, resource: object) -> None:
        nonlocal active, peak
        if not isinstance(resource, Function):
            return
        with lock:
            active += 1
            peak = max(peak, active)
        barrier.wait()  # returns only once two calls are running at the same time
        with lock:
            active -= 1

    cloud = FakeCloud(before_call=gate)
    result = _apply(cloud, desired, concurrency=2)
    assert result.ok and len(result.done) == 5
    assert peak == 2


def test_phases_run_one_after_another() -> None:
    events: list[str] = []
    lock = threading.Lock()

    def gate(operation: str, resource: object) -> None:
        with lock:
            events.append(type(resource).__name__)

    cloud = FakeCloud(before_call=gate)
    result = _apply(cloud, DESIRED, concurrency=8)
    assert result.ok
    assert events == [
        "Role",
        "Function",
        "Function",
        "Permission",
        "Permission",
        "Rule",
        "Rule",
        "Target",
        "Target",
    ]


def test_ctrl_c_stops_new_work_and_returns_what_happened() -> None:
    cloud = FakeCloud()
    pressed: list[str] = []

    def interrupt(change: Change, status: str) -> None:
        # Ctrl-C lands on the calling thread, as this callback does: once, after a function.
        if status == Progress.DONE and change.kind is ResourceKind.FUNCTION and not pressed:
            pressed.append(str(change))
            raise KeyboardInterrupt

    result = apply_plan(make_plan(DESIRED, cloud.read(SCOPE)), cloud, on_progress=interrupt)
    assert result.interrupted and not result.ok
    assert _names(result.done) == [
        "create role acme-sched-exec",
        "create function acme-a",
        "create function acme-b",
    ]
    assert result.failed == ()
    assert len(result.skipped) == 6
    assert make_plan(DESIRED, cloud.read(SCOPE)).count(Action.CREATE) == 6


def test_ctrl_c_interrupts_the_writer_and_says_how_many_changes_are_still_running() -> None:
    waiting = threading.Event()

    def retry_pause(operation: str, resource: Resource) -> None:
        # Function a waits as a retry of the AWS writer does, until interrupted.
        if isinstance(resource, Function) and resource.name == "acme-a":
            waiting.set()
            if cloud.stop.wait(10):
                raise AwsError("lambda:CreateFunction", "interrupted")

    cloud = InterruptibleCloud(before_call=retry_pause)
    told: list[int] = []

    def press(change: Change, status: str) -> None:
        if status == Progress.STARTED and str(change) == "create function acme-b":
            assert waiting.wait(10)
            raise KeyboardInterrupt

    result = apply_plan(
        make_plan(DESIRED, cloud.read(SCOPE)),
        cloud,
        on_progress=press,
        on_interrupt=told.append,
        concurrency=8,
    )

    assert told == [1]
    assert cloud.stop.is_set()
    assert result.interrupted
    assert _names(result.done) == ["create role acme-sched-exec"]
    assert [str(f.change) for f in result.failed] == ["create function acme-a"]
    assert _names(result.skipped) == [
        "create function acme-b",
        "create permission acme-a/acme-a",
        "create permission acme-b/acme-b",
        "create rule acme-a",
        "create rule acme-b",
        "create target acme-a/sched",
        "create target acme-b/sched",
    ]
    assert ("create", FUNCTION_B) not in cloud.calls


def test_an_apply_resumes_a_writer_an_earlier_apply_interrupted() -> None:
    cloud = InterruptibleCloud()
    cloud.interrupt()

    result = apply_plan(make_plan(DESIRED, cloud.read(SCOPE)), cloud)

    assert result.ok
    assert cloud.resumed == 1 and not cloud.stop.is_set()


def test_what_the_catalogue_does_not_own_is_never_deleted() -> None:
    stranger = job_resources("x", catalogue="other")[0]
    assert isinstance(stranger, Function)
    untagged = Function(
        name="acme-manual",
        runtime="python3.12",
        handler="h.main",
        role_arn="arn:aws:iam::123456789012:role/manual",
        memory_mb=128,
        timeout_seconds=3,
        code_sha256="x",
    )
    cloud = FakeCloud([stranger, untagged, *job_resources("gone")], external={stranger.role_arn})
    result = _apply(cloud, ResourceState.of([]))
    assert result.ok
    assert set(cloud.resources.values()) == {stranger, untagged}


def test_an_empty_plan_does_nothing() -> None:
    cloud = FakeCloud()
    assert apply_plan(make_plan(ResourceState.of([]), ResourceState.of([])), cloud) == ApplyResult()
    assert cloud.calls == []


def test_concurrency_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        apply_plan(make_plan(DESIRED, ResourceState.of([])), FakeCloud(), concurrency=0)


LANE_LIMITS = {"function": 2, "other": 8}


class LanedCloud(FakeCloud):
    """A cloud whose functions may be changed two at a time, the rest eight at a time; it
    records the most changes of each lane it saw running at once."""

    def __init__(self) -> None:
        super().__init__()
        self.running = {"function": 0, "other": 0}
        self.most = {"function": 0, "other": 0}
        self.guard = threading.Lock()

    def lane(self, resource: Resource) -> tuple[str, int]:
        name = "function" if isinstance(resource, Function) else "other"
        return name, LANE_LIMITS[name]

    def create(self, resource: Resource) -> None:
        name, _ = self.lane(resource)
        with self.guard:
            self.running[name] += 1
            self.most[name] = max(self.most[name], self.running[name])
        threading.Event().wait(0.005)  # let others start meanwhile, if they may
        super().create(resource)
        with self.guard:
            self.running[name] -= 1


def test_a_laned_writer_never_runs_more_of_a_lane_at_once_than_its_limit() -> None:
    cloud = LanedCloud()
    desired = ResourceState.of(
        [execution_role(), *(r for job in "abcdefgh" for r in job_resources(job))]
    )

    result = _apply(cloud, desired, concurrency=8)

    assert result.ok and len(result.done) == 1 + 8 * 4
    assert cloud.most["function"] <= 2
    assert cloud.most["other"] <= 8
    assert make_plan(desired, cloud.read(SCOPE)).pending == ()


def _adds_up(result: ApplyResult, plan_size: int) -> bool:
    return len(result.done) + len(result.failed) + len(result.skipped) == plan_size


def _pressed(plan: Plan, cloud: FakeCloud, **options: Any) -> ApplyResult:
    """apply_plan, where a Ctrl-C leaving it fails the test (rather than stopping pytest)."""
    try:
        return apply_plan(plan, cloud, **options)
    except KeyboardInterrupt:
        pytest.fail("Ctrl-C left apply_plan: its caller has no result to report")


class PressedAsAPhaseIsSetUp(FakeCloud):
    """A Laned cloud whose lane of the first function is asked for on the calling thread just
    as Ctrl-C is pressed: the role of the phase before has been created."""

    def __init__(self) -> None:
        super().__init__()
        self.pressed = False

    def lane(self, resource: Resource) -> tuple[str, int]:
        if isinstance(resource, Function) and not self.pressed:
            self.pressed = True
            raise KeyboardInterrupt
        return "all", 8


def test_ctrl_c_between_two_phases_reports_the_role_created_before_it_as_done() -> None:
    cloud = PressedAsAPhaseIsSetUp()
    plan = make_plan(DESIRED, cloud.read(SCOPE))
    told: list[int] = []

    result = _pressed(plan, cloud, on_interrupt=told.append)

    assert result.interrupted and told == [0]
    assert _names(result.done) == ["create role acme-sched-exec"]
    assert result.failed == ()
    assert _names(result.skipped) == _names(plan.pending[1:])
    assert _adds_up(result, len(plan.pending))


def test_a_stop_requested_while_a_change_runs_lets_it_end_and_skips_the_rest() -> None:
    # As the CLI's SIGINT handler does: it only asks, whatever the calling thread is doing.
    # The role then waits, as the AWS writer's retries do, until apply interrupts the writer.
    stop = StopRequest()

    def pressed_during_the_role(operation: str, resource: Resource) -> None:
        if isinstance(resource, Role):
            stop.request()
            assert cloud.stop.wait(10)

    cloud = InterruptibleCloud(before_call=pressed_during_the_role)
    plan = make_plan(DESIRED, cloud.read(SCOPE))
    seen: list[tuple[str, str]] = []
    told: list[int] = []

    result = apply_plan(
        plan,
        cloud,
        on_progress=lambda change, status: seen.append((str(change), status)),
        on_interrupt=told.append,
        stop=stop,
    )

    assert result.interrupted and cloud.stop.is_set()
    assert told == [1]
    assert _names(result.done) == ["create role acme-sched-exec"]
    assert _names(result.skipped) == _names(plan.pending[1:])
    assert seen[:2] == [
        ("create role acme-sched-exec", Progress.STARTED),
        ("create role acme-sched-exec", Progress.DONE),
    ]
    assert [status for _, status in seen[2:]] == [Progress.SKIPPED] * 8


def test_a_second_ctrl_c_while_running_changes_end_still_returns_the_whole_result() -> None:
    # Both functions run together; Ctrl-C after function a ends, again while the message about
    # the one still running is printed, and again when that one is reported done.
    release = threading.Event()

    def hold_b(operation: str, resource: Resource) -> None:
        if isinstance(resource, Function) and resource.name == "acme-b":
            assert release.wait(10)

    cloud = FakeCloud(before_call=hold_b)
    plan = make_plan(DESIRED, cloud.read(SCOPE))
    pressed: list[str] = []

    def press(change: Change, status: str) -> None:
        if status == Progress.DONE and str(change) == "create function acme-a":
            pressed.append("first")
            raise KeyboardInterrupt
        if status == Progress.DONE and str(change) == "create function acme-b":
            pressed.append("third")
            raise KeyboardInterrupt

    def again(running: int) -> None:
        pressed.append(f"second, {running} running")
        release.set()
        raise KeyboardInterrupt

    result = _pressed(plan, cloud, on_progress=press, on_interrupt=again, concurrency=8)

    assert pressed == ["first", "second, 1 running", "third"]
    assert result.interrupted
    assert _names(result.done) == [
        "create role acme-sched-exec",
        "create function acme-a",
        "create function acme-b",
    ]
    assert _names(result.skipped) == _names(plan.pending[3:])
    assert _adds_up(result, len(plan.pending))


def test_a_ctrl_c_while_the_skipped_changes_are_told_tells_every_one_once() -> None:
    cloud = FakeCloud(fail={("create", FUNCTION_B): AccessDenied("lambda:CreateFunction", "no")})
    plan = make_plan(DESIRED, cloud.read(SCOPE))
    skipped: list[str] = []

    def press(change: Change, status: str) -> None:
        if status == Progress.SKIPPED:
            skipped.append(str(change))
            if len(skipped) == 1:
                raise KeyboardInterrupt

    result = _pressed(plan, cloud, on_progress=press, concurrency=1)

    assert skipped == _names(result.skipped) == _names(plan.pending[3:])
    assert [str(f.change) for f in result.failed] == ["create function acme-b"]
    assert result.interrupted
    assert _adds_up(result, len(plan.pending))
