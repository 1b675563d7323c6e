"""`sched cost`: the catalogue's (or one job's) monthly cost estimate, offline."""

from __future__ import annotations

from datetime import datetime

from scheduler.catalogue.model import Catalogue, Job
from scheduler.cost import CostReport, estimate


def cost(catalogue: Catalogue, *, now: datetime, job: Job | None = None) -> CostReport:
    return estimate(catalogue, now=now, jobs=None if job is None else (job,))
