"""Client-side pacing of AWS calls at each API's documented default rate, so a large apply (or
read) stays under the quotas instead of meeting throttling errors and backing off.

One token bucket per rate quota, taken before each call (`Rates`, a botocore `before-call`
handler), and how many changes of each service apply runs at once (`lane_limit`). The values are
the documented defaults (the lowest a Region has where they differ by Region); an account with
raised quotas is paced as if it had the defaults. The embedded local AWS is not paced, nor an
emulator (`AWS_ENDPOINT_URL` set), nor anything when `SCHED_PACE=0`.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from scheduler import limits


@dataclass(frozen=True)
class Rate:
    """A quota of `per_second` requests (values and their documentation: `scheduler.limits`)."""

    name: str
    per_second: float


LAMBDA_GET_FUNCTION = Rate("lambda GetFunction", limits.LAMBDA_GET_FUNCTION_PER_SECOND)
LAMBDA_GET_POLICY = Rate("lambda GetPolicy", limits.LAMBDA_GET_POLICY_PER_SECOND)
LAMBDA_CONTROL_PLANE = Rate("lambda control plane", limits.LAMBDA_CONTROL_PLANE_PER_SECOND)
EVENTBRIDGE_API = Rate("events API", limits.EVENTBRIDGE_API_PER_SECOND)
SCHEDULER_SCHEDULES = Rate("scheduler schedules", limits.SCHEDULER_SCHEDULES_PER_SECOND)
SCHEDULER_LIST_SCHEDULES = Rate(
    "scheduler ListSchedules", limits.SCHEDULER_LIST_SCHEDULES_PER_SECOND
)
SCHEDULER_GROUPS = Rate("scheduler groups and tags", limits.SCHEDULER_GROUPS_PER_SECOND)
IAM_API = Rate("iam API (assumed)", limits.IAM_ASSUMED_PER_SECOND)

_SCHEDULE_CALLS = frozenset({"CreateSchedule", "UpdateSchedule", "DeleteSchedule", "GetSchedule"})


def rate_of(service: str, operation: str) -> Rate | None:
    """The quota a call of `operation` (e.g. `PutRule`) on `service` (an endpoint prefix, e.g.
    `events`) counts against; None for services sched does not pace."""
    match service:
        case "lambda":
            if operation.startswith("Invoke"):
                return None
            if operation == "GetFunction":
                return LAMBDA_GET_FUNCTION
            if operation == "GetPolicy":
                return LAMBDA_GET_POLICY
            return LAMBDA_CONTROL_PLANE
        case "events":
            return None if operation == "PutEvents" else EVENTBRIDGE_API
        case "scheduler":
            if operation in _SCHEDULE_CALLS:
                return SCHEDULER_SCHEDULES
            if operation == "ListSchedules":
                return SCHEDULER_LIST_SCHEDULES
            return SCHEDULER_GROUPS
        case "iam":
            return IAM_API
        case _:
            return None


# How many changes of each service apply runs at once: enough to keep a service's rate busy
# through the network's round trips, few enough that Lambda's 15 calls a second are not shared
# among dozens of waiting threads.
LANE_LIMITS = {"lambda": 4, "iam": 4, "events": 8, "scheduler": 8}
DEFAULT_LANE_LIMIT = 4


def pacing_wanted(environ: Mapping[str, str]) -> bool:
    """Whether calls are paced: on AWS, unless `SCHED_PACE=0`; never at an emulator's endpoint
    (`AWS_ENDPOINT_URL`), which has no quotas."""
    return environ.get("SCHED_PACE", "1") != "0" and not environ.get("AWS_ENDPOINT_URL")


def lane_limit(service: str) -> int:
    return LANE_LIMITS.get(service, DEFAULT_LANE_LIMIT)


class TokenBucket:
    """`rate` tokens a second, at most `rate` (at least one) held: `take` waits for one.
    Thread-safe; `clock` and `sleep` are injected by tests."""

    def __init__(
        self,
        rate: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.rate = rate
        self.capacity = max(1.0, rate)
        self.clock = clock
        self.sleep = sleep
        self._tokens = self.capacity
        self._at = clock()
        self._lock = threading.Lock()

    def take(self) -> float:
        """Take a token, waiting for it if need be; the seconds waited. A caller finding none
        reserves the next one (the count goes below zero) and sleeps until it is due, so
        callers are served in turn without polling."""
        with self._lock:
            now = self.clock()
            self._tokens = min(self.capacity, self._tokens + (now - self._at) * self.rate)
            self._at = now
            self._tokens -= 1
            if self._tokens >= 0:
                return 0.0
            pause = -self._tokens / self.rate
        self.sleep(pause)
        return pause


class Rates:
    """The token buckets of one account, one per quota; register as `before-call.*.*`."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.clock = clock
        self.sleep = sleep
        self._buckets: dict[Rate, TokenBucket] = {}
        self._lock = threading.Lock()
        self.waited = 0.0

    def bucket(self, rate: Rate) -> TokenBucket:
        with self._lock:
            found = self._buckets.get(rate)
            if found is None:
                found = TokenBucket(rate.per_second, clock=self.clock, sleep=self.sleep)
                self._buckets[rate] = found
            return found

    def __call__(self, model: Any = None, **_: Any) -> None:
        if model is None:
            return
        rate = rate_of(model.service_model.endpoint_prefix, model.name)
        if rate is not None:
            waited = self.bucket(rate).take()
            with self._lock:
                self.waited += waited
