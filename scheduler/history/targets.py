"""Where a job's runs are recorded: which Lambda function (and so which log group) runs it,
whether sched deployed that function (and when), and which jobs sched cannot track.

A job with `handler:` runs in the function sched deploys (`<catalogue>-<job>`); a job with
`function:` runs in that existing function, deployed by someone else with a schedule that may be
older; a Fargate job has no Lambda logs at all. History and status expect no fire from before a
job's deployment.
"""

from __future__ import annotations

from datetime import datetime
from typing import assert_never

from scheduler import naming
from scheduler.catalogue.model import Catalogue, Compute, Job
from scheduler.ports import DeploymentSource


def function_name_of(catalogue: Catalogue, job: Job) -> str | None:
    """The function that runs `job` (a name, or the ARN the catalogue gave); None on Fargate."""
    match job.compute:
        case Compute.FARGATE:
            return None
        case Compute.LAMBDA:
            return job.function or naming.function_name(catalogue.name, job.name)
        case _:
            assert_never(job.compute)


def deployed_function(catalogue: Catalogue, job: Job) -> str | None:
    """The function sched deploys for `job`, or None when sched deploys none."""
    return None if job.function else function_name_of(catalogue, job)


def log_group_for(catalogue: Catalogue, job: Job) -> str | None:
    function = function_name_of(catalogue, job)
    return naming.log_group_name(function) if function is not None else None


def untracked_reason(job: Job) -> str | None:
    """Why sched cannot see the job's runs, or None when it can."""
    match job.compute:
        case Compute.FARGATE:
            return "runs on Fargate: sched reads Lambda logs only, so its runs are not tracked"
        case Compute.LAMBDA:
            return None
        case _:
            assert_never(job.compute)


def deployment_times(catalogue: Catalogue, source: DeploymentSource) -> dict[str, datetime]:
    """Job name → when its function was last deployed, for the jobs whose function exists."""
    functions = {
        job.name: name
        for job in catalogue.jobs
        if (name := deployed_function(catalogue, job)) is not None
    }
    if not functions:
        return {}
    found = source.deployed_at(sorted(set(functions.values())))
    return {job: found[name] for job, name in functions.items() if name in found}
