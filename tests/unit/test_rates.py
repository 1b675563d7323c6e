"""Pacing at AWS's documented rates: the token bucket's waits on an injected clock, which quota
each call counts against, and when calls are paced at all."""

from __future__ import annotations

from types import SimpleNamespace

from scheduler import limits
from scheduler.aws.rates import (
    EVENTBRIDGE_API,
    LAMBDA_CONTROL_PLANE,
    LAMBDA_GET_FUNCTION,
    LAMBDA_GET_POLICY,
    SCHEDULER_GROUPS,
    SCHEDULER_SCHEDULES,
    Rates,
    TokenBucket,
    lane_limit,
    pacing_wanted,
    rate_of,
)


class Clock:
    """A clock that only moves when something sleeps on it."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def _model(service: str, operation: str) -> SimpleNamespace:
    return SimpleNamespace(name=operation, service_model=SimpleNamespace(endpoint_prefix=service))


def test_a_bucket_lets_a_burst_of_its_rate_through_then_one_call_per_period() -> None:
    clock = Clock()
    bucket = TokenBucket(15, clock=clock, sleep=clock.sleep)

    waits = [bucket.take() for _ in range(45)]

    assert waits[:15] == [0.0] * 15
    assert abs(clock.now - 30 / 15) < 1e-9  # 45 calls at 15 a second, 15 of them at once
    assert all(abs(w - 1 / 15) < 1e-9 for w in waits[15:])


def test_a_bucket_refills_while_nothing_is_called() -> None:
    clock = Clock()
    bucket = TokenBucket(10, clock=clock, sleep=clock.sleep)
    for _ in range(10):
        bucket.take()
    clock.now += 0.5

    assert [bucket.take() for _ in range(5)] == [0.0] * 5
    assert bucket.take() > 0


def test_each_call_counts_against_its_documented_quota() -> None:
    assert rate_of("lambda", "CreateFunction") is LAMBDA_CONTROL_PLANE
    assert rate_of("lambda", "GetFunctionEventInvokeConfig") is LAMBDA_CONTROL_PLANE
    assert rate_of("lambda", "GetFunction") is LAMBDA_GET_FUNCTION
    assert rate_of("lambda", "GetPolicy") is LAMBDA_GET_POLICY
    assert rate_of("lambda", "Invoke") is None  # invocations are not control plane
    assert rate_of("events", "PutRule") is EVENTBRIDGE_API
    assert rate_of("events", "PutEvents") is None
    assert rate_of("scheduler", "CreateSchedule") is SCHEDULER_SCHEDULES
    assert rate_of("scheduler", "CreateScheduleGroup") is SCHEDULER_GROUPS
    assert rate_of("logs", "FilterLogEvents") is None
    assert LAMBDA_CONTROL_PLANE.per_second == limits.LAMBDA_CONTROL_PLANE_PER_SECOND == 15


def test_lambda_calls_share_one_bucket_and_events_calls_another() -> None:
    clock = Clock()
    rates = Rates(clock=clock, sleep=clock.sleep)
    for _ in range(15):
        rates(model=_model("lambda", "CreateFunction"))
    for _ in range(50):
        rates(model=_model("events", "PutRule"))
    assert clock.sleeps == []  # each quota's burst

    rates(model=_model("lambda", "UpdateFunctionConfiguration"))
    rates(model=_model("events", "PutTargets"))

    # the lambda call waits its turn; meanwhile the events bucket refilled
    assert [round(s, 6) for s in clock.sleeps] == [round(1 / 15, 6)]
    assert round(rates.waited, 6) == round(1 / 15, 6)


def test_calls_are_paced_on_aws_only() -> None:
    assert pacing_wanted({})
    assert not pacing_wanted({"SCHED_PACE": "0"})
    assert not pacing_wanted({"AWS_ENDPOINT_URL": "http://127.0.0.1:5000"})


def test_lambda_runs_fewer_changes_at_once_than_eventbridge() -> None:
    assert lane_limit("lambda") < lane_limit("events")
