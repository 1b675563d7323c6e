"""The summary printed after an apply: exact text for a complete, a failed and an interrupted one,
from results of applying against the in-memory cloud."""

from __future__ import annotations

from fakes import ACCOUNT, REGION, FakeCloud, execution_role, job_resources

from scheduler.apply import ApplyResult, apply_plan
from scheduler.errors import AccessDenied
from scheduler.plan import make_plan
from scheduler.ports import ReadScope
from scheduler.report.plan import result_summary
from scheduler.resource_state import ResourceState
from scheduler.resources import ResourceKind

SCOPE = ReadScope("acme", ACCOUNT, REGION)
DESIRED = ResourceState.of([execution_role(), *job_resources("a"), *job_resources("b")])
FUNCTION_B = (ResourceKind.FUNCTION, "acme-b")
SKIPPED = [
    "  skipped  create permission acme-a/acme-a",
    "  skipped  create permission acme-b/acme-b",
    "  skipped  create rule acme-a",
    "  skipped  create rule acme-b",
    "  skipped  create target acme-a/sched",
    "  skipped  create target acme-b/sched",
]


def _apply(cloud: FakeCloud) -> ApplyResult:
    return apply_plan(make_plan(DESIRED, cloud.read(SCOPE)), cloud, concurrency=1)


def test_a_complete_apply_is_one_line() -> None:
    result = _apply(FakeCloud())
    assert result_summary(result, seconds=2.04) == "Apply complete: 9 change(s) in 2.0s."


def test_a_failed_apply_says_what_failed_why_what_to_do_and_what_was_skipped() -> None:
    error = AccessDenied("lambda:CreateFunction", "not allowed on acme-b")
    result = _apply(FakeCloud(fail={("create", FUNCTION_B): error}))
    assert result_summary(result, seconds=12.34) == "\n".join(
        [
            "Apply failed: 2 done, 1 failed, 6 skipped (12.3s).",
            "  failed   create function acme-b: lambda:CreateFunction: not allowed on acme-b",
            "           hint: the AWS identity in use needs this permission; check the profile and "
            "its policy",
            *SKIPPED,
            "Nothing else was touched. Running the same command again fails the same way "
            "until what failed is fixed.",
        ]
    )


def test_an_error_that_is_not_aws_s_is_named_by_its_type_and_has_no_hint_line() -> None:
    result = _apply(FakeCloud(fail={("create", FUNCTION_B): RuntimeError("boom")}))
    assert result_summary(result, seconds=0.0) == "\n".join(
        [
            "Apply failed: 2 done, 1 failed, 6 skipped (0.0s).",
            "  failed   create function acme-b: RuntimeError: boom",
            *SKIPPED,
            "Nothing else was touched. Running the same command again fails the same way "
            "until what failed is fixed.",
        ]
    )


def test_an_interrupted_apply_says_so_and_lists_what_it_did_not_start() -> None:
    plan = make_plan(DESIRED, FakeCloud().read(SCOPE))
    done, *rest = plan.pending
    result = ApplyResult(done=(done,), skipped=tuple(rest), interrupted=True)
    assert result_summary(result, seconds=3.0) == "\n".join(
        [
            "Apply interrupted: 1 done, 0 failed, 8 skipped (3.0s).",
            "  skipped  create function acme-a",
            "  skipped  create function acme-b",
            *SKIPPED,
            "Nothing else was touched. Run the same command again to finish.",
        ]
    )


def test_an_apply_interrupted_before_any_change_says_plainly_that_nothing_was_changed() -> None:
    plan = make_plan(DESIRED, FakeCloud().read(SCOPE))
    result = ApplyResult(skipped=plan.pending, interrupted=True)
    assert result_summary(result, seconds=0.2) == (
        "Apply interrupted before any change was made: nothing was changed."
    )
    assert result_summary(result, seconds=0.2, verb="Destroy") == (
        "Destroy interrupted before any change was made: nothing was changed."
    )


def test_only_a_failure_a_rerun_can_overcome_promises_that_it_finishes() -> None:
    from scheduler.errors import ThrottledError

    error = ThrottledError("lambda:CreateFunction", "throttled (acme-b): Rate exceeded")
    result = _apply(FakeCloud(fail={("create", FUNCTION_B): error}))
    assert result_summary(result, seconds=1.0).splitlines()[-1] == (
        "Nothing else was touched. Run the same command again to finish."
    )
