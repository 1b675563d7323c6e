"""Retries botocore's own retry modes do not cover: AWS answering "not yet" for a few seconds
after a change, e.g. a new IAM role that Lambda or Scheduler cannot assume until IAM has
propagated it (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency),
or a Lambda function still applying a previous update. Every pause between attempts ends as
soon as the apply is interrupted (`Pacing.stop`), and the change then fails as `Interrupted`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeVar

from scheduler.aws.errors import translated
from scheduler.errors import AwsError, Conflict, Interrupted, InvalidRequest

T = TypeVar("T")
Sleep = Callable[[float], None]

# About 40 seconds in all: IAM usually propagates in under ten.
DELAYS = (1.0, 2.0, 4.0, 8.0, 8.0, 8.0, 8.0)


class Pacing:
    """How a writer waits between attempts: `delays` (none: a single attempt), each pause cut
    short once `stop` is set. `sleep` replaces the waiting itself (tests record the pauses
    instead of waiting); `stop` is still checked after each pause."""

    def __init__(self, delays: tuple[float, ...] = DELAYS, sleep: Sleep | None = None) -> None:
        self.delays = delays
        self.stop = threading.Event()
        self._sleep = sleep

    def pause(self, seconds: float) -> bool:
        """Wait `seconds`, or less once `stop` is set; True when it is set."""
        if self._sleep is None:
            return self.stop.wait(seconds)
        if not self.stop.is_set():
            self._sleep(seconds)
        return self.stop.is_set()


def role_not_ready(error: AwsError) -> bool:
    """Lambda: "The role defined for the function cannot be assumed by Lambda."; Scheduler:
    "The execution role you provide must allow AWS EventBridge Scheduler to assume the role." """
    return isinstance(error, InvalidRequest) and "assume" in str(error).lower()


def update_in_progress(error: AwsError) -> bool:
    """Lambda refuses a change while the function is still being created or updated."""
    text = str(error).lower()
    return (
        isinstance(error, Conflict)
        and "already exist" not in text
        and (
            "in progress" in text or "cannot be performed at this time" in text or "pending" in text
        )
    )


def role_hint(error: AwsError, role_arn: str, service: str) -> AwsError:
    """`error` with a hint saying what the role needs when it is a role `service` (e.g.
    lambda.amazonaws.com) could not assume; other errors unchanged."""
    if not role_not_ready(error):
        return error
    return InvalidRequest(
        error.action,
        error.detail,
        f"role {role_arn} must exist and trust {service} (a trust policy letting {service} "
        "call sts:AssumeRole); create it or fix `role:`, then apply again",
        code=error.code,
        resource=error.resource,
    )


def retrying(
    call: Callable[[], T],
    transient: Callable[[AwsError], bool],
    pacing: Pacing,
    *,
    service: str,
    resource: str,
) -> T:
    """`call()` (a call of `service` about `resource`), made again after each of the pacing's
    delays while it fails with a `transient` error; errors are translated as `translated` does.
    Raises `Interrupted` when the pacing is stopped during a pause."""
    for delay in pacing.delays:
        try:
            with translated(service, resource):
                return call()
        except AwsError as error:
            if not transient(error):
                raise
            if pacing.pause(delay):
                raise Interrupted(
                    error.action,
                    "interrupted while waiting to try again after: " + error.detail,
                    code=error.code,
                    resource=resource,
                ) from error
    with translated(service, resource):
        return call()
