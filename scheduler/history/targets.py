"""Where a job's runs are recorded: which Lambda function (and so which log group) runs it,
whether sched deployed that function (and when), and which jobs sched cannot track.

A job with `handler:` runs in the function sched deploys (`<catalogue>-<job>`); a job with
`function:` runs in that existing function, deployed by someone else with a schedule that may be
older; a Fargate job has no Lambda logs at all. History and status expect no fire from before a
job's deployment, and believe sched lines logged since only if they carry its SCHED_DEPLOY.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import assert_never

from scheduler import naming
from scheduler.catalogue.model import Catalogue, Compute, Job
from scheduler.history.collect import Binding
from scheduler.history.reconstruct import DEFAULT_RUNNING_HORIZON
from scheduler.ports import Deployment, DeploymentSource


def function_name_of(catalogue: Catalogue, job: Job) -> str | None:
    """The function that runs `job` (a name, or the ARN the catalogue gave); None on Fargate."""
    match job.compute:
        case Compute.FARGATE:
            return None
        case Compute.LAMBDA:
            return job.function or naming.function_name(catalogue.prefix, job.name)
        case _:
            assert_never(job.compute)


def deployed_function(catalogue: Catalogue, job: Job) -> str | None:
    """The function sched deploys for `job`, or None when sched deploys none."""
    return None if job.function else function_name_of(catalogue, job)


def log_group_for(catalogue: Catalogue, job: Job) -> str | None:
    """Where `job`'s runs log: the group of the function sched deploys for it, Lambda's default
    group of a `function:` job's function; None on Fargate."""
    if deployed_function(catalogue, job) is not None:
        return naming.log_group_name(catalogue.prefix, job.name)
    function = function_name_of(catalogue, job)
    return naming.lambda_log_group(function) if function is not None else None


def legacy_log_group_for(catalogue: Catalogue, job: Job) -> str | None:
    """Where the function sched deploys for `job` logged before it had a group of its own:
    Lambda's default group (None when sched deploys no function for it)."""
    function = deployed_function(catalogue, job)
    return naming.lambda_log_group(function) if function is not None else None


def untracked_reason(job: Job) -> str | None:
    """Why sched cannot see the job's runs, or None when it can."""
    match job.compute:
        case Compute.FARGATE:
            return "runs on Fargate: sched reads Lambda logs only, so its runs are not tracked"
        case Compute.LAMBDA:
            return None
        case _:
            assert_never(job.compute)


def job_deployments(catalogue: Catalogue, source: DeploymentSource) -> dict[str, Deployment]:
    """Job name → how its function is deployed, for the jobs whose function sched deploys and
    which exists."""
    functions = {
        job.name: name
        for job in catalogue.jobs
        if (name := deployed_function(catalogue, job)) is not None
    }
    if not functions:
        return {}
    versioned = {
        functions[job.name] for job in catalogue.jobs if job.versions and job.name in functions
    }
    found = source.deployments(sorted(set(functions.values())), versioned)
    return {job: found[name] for job, name in functions.items() if name in found}


def deployment_times(catalogue: Catalogue, source: DeploymentSource) -> dict[str, datetime]:
    """Job name → when its function was last deployed, for the jobs whose function exists."""
    return {job: d.at for job, d in job_deployments(catalogue, source).items()}


def bindings(deployments: Mapping[str, Deployment]) -> dict[str, Binding]:
    """Job name → the deployment value its lines must carry, for the functions that have one.

    Lines logged until a run that began before the deployment can have ended (its longest run
    and log delivery after it) may still come from the previous deployment, so they are not
    held to it."""
    return {
        job: Binding(d.deploy, _ms(d.at + DEFAULT_RUNNING_HORIZON), d.versions)
        for job, d in deployments.items()
        if d.deploy
    }


def _ms(when: datetime) -> int:
    return int(when.timestamp() * 1000)


def parse_last_modified(text: str) -> datetime | None:
    """`2026-11-25T09:12:33.123+0000` → aware UTC; None when it cannot be read.

    Lambda writes `YYYY-MM-DDThh:mm:ss.sTZD`
    (https://docs.aws.amazon.com/lambda/latest/api/API_FunctionConfiguration.html); moto writes
    nanoseconds and `Z`. A time without a zone is UTC.
    """
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
