"""When each job sched deploys was last deployed, by job name, read through a `DeploymentSource`.

Only jobs whose function sched deploys (`handler:` on Lambda) have one: an existing function
(`function:`) was deployed by someone else, with a schedule that may be older, and a Fargate job
has no function. History and status expect no fire from before a job's deployment.
"""

from __future__ import annotations

from datetime import datetime
from typing import assert_never

from scheduler import naming
from scheduler.catalogue.model import Catalogue, Compute, Job
from scheduler.history.source import DeploymentSource


def deployed_function(catalogue: Catalogue, job: Job) -> str | None:
    """The function sched deploys for `job`, or None when sched deploys none."""
    match job.compute:
        case Compute.FARGATE:
            return None
        case Compute.LAMBDA:
            return None if job.function else naming.function_name(catalogue.name, job.name)
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
