"""Which Lambda function, and so which log group, holds a job's runs, and which jobs have none.

A job with `handler:` runs in the function sched deploys (`<catalogue>-<job>`); a job with
`function:` runs in that existing function; a Fargate job has no Lambda logs at all.
"""

from __future__ import annotations

from typing import assert_never

from scheduler import naming
from scheduler.catalogue.model import Catalogue, Compute, Job
from scheduler.history.source import log_group_of


def function_name_of(catalogue: Catalogue, job: Job) -> str | None:
    """The function that runs `job` (a name, or the ARN the catalogue gave); None on Fargate."""
    match job.compute:
        case Compute.FARGATE:
            return None
        case Compute.LAMBDA:
            return job.function or naming.function_name(catalogue.name, job.name)
        case _:
            assert_never(job.compute)


def _bare_name(function: str) -> str:
    # arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>]; the log group uses <name>.
    if function.startswith("arn:") and ":function:" in function:
        return function.split(":function:", 1)[1].split(":", 1)[0]
    return function


def log_group_for(catalogue: Catalogue, job: Job) -> str | None:
    function = function_name_of(catalogue, job)
    return log_group_of(_bare_name(function)) if function is not None else None


def untracked_reason(job: Job) -> str | None:
    """Why sched cannot see the job's runs, or None when it can."""
    match job.compute:
        case Compute.FARGATE:
            return "runs on Fargate: sched reads Lambda logs only, so its runs are not tracked"
        case Compute.LAMBDA:
            return None
        case _:
            assert_never(job.compute)
