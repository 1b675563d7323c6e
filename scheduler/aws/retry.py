"""Retries botocore's own retry modes do not cover: AWS answering "not yet" for a few seconds
after a change, e.g. a new IAM role that Lambda or Scheduler cannot assume until IAM has
propagated it (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency),
or a Lambda function still applying a previous update.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from scheduler.aws.errors import translated
from scheduler.ports import AwsError, Conflict, InvalidRequest

T = TypeVar("T")
Sleep = Callable[[float], None]

# About 40 seconds in all: IAM usually propagates in under ten.
DELAYS = (1.0, 2.0, 4.0, 8.0, 8.0, 8.0, 8.0)


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


def retrying(
    call: Callable[[], T],
    transient: Callable[[AwsError], bool],
    sleep: Sleep,
    *,
    service: str,
    resource: str,
    delays: tuple[float, ...] = DELAYS,
) -> T:
    """`call()` (a call of `service` about `resource`), made again after each delay while it
    fails with a `transient` error; errors are translated as `translated` does."""
    for delay in delays:
        try:
            with translated(service, resource):
                return call()
        except AwsError as error:
            if not transient(error):
                raise
        sleep(delay)
    with translated(service, resource):
        return call()
