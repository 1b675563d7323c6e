"""Composition root: builds the adapters and runs the stages; returns data, never prints.

The CLI calls these functions. Only here do catalogue, packaging, compile, AWS state, plan and
apply meet. boto3 (and moto for local mode) are imported lazily, inside `scheduler.aws`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from scheduler.catalogue.loader import LoadResult
from scheduler.catalogue.model import Catalogue, Compute
from scheduler.diagnostics import Diagnostic, Severity
from scheduler.errors import CatalogueInvalid
from scheduler.plan import Plan, make_plan
from scheduler.resources import DesiredState, ResourceState

if TYPE_CHECKING:
    from scheduler.aws import AwsContext

STATE_DIR = ".sched"


@dataclass(frozen=True)
class Connection:
    """Where AWS is: the embedded local one (moto) or a real account through boto3's chain."""

    local: bool = False
    profile: str | None = None
    region: str | None = None

    @classmethod
    def from_options(cls, local: bool, profile: str | None, region: str | None) -> Connection:
        env_local = os.environ.get("SCHED_LOCAL", "").lower() in ("1", "true", "yes")
        return cls(local=local or env_local, profile=profile, region=region)


def state_dir(catalogue_path: Path) -> Path:
    return catalogue_path.resolve().parent / STATE_DIR


def local_dir(catalogue_path: Path) -> Path:
    return state_dir(catalogue_path) / "local"


@contextmanager
def connect(connection: Connection, catalogue_path: Path) -> Iterator[AwsContext]:
    from scheduler import aws

    where = local_dir(catalogue_path) if connection.local else None
    with aws.connect(profile=connection.profile, region=connection.region, local_dir=where) as ctx:
        yield ctx


@dataclass(frozen=True)
class Checked:
    """A catalogue that passed validation (warnings allowed), with what validation said."""

    catalogue: Catalogue
    loaded: LoadResult
    diagnostics: tuple[Diagnostic, ...]


class CatalogueHasErrors(CatalogueInvalid):
    """Validation found errors: nothing may reach AWS. Carries the diagnostics to show."""

    def __init__(self, path: Path, diagnostics: list[Diagnostic], consequence: str) -> None:
        errors = sum(1 for d in diagnostics if d.severity is Severity.ERROR)
        super().__init__(
            f"{path}: {errors} error{'s' * (errors != 1)}; {consequence}",
            f"fix them (sched validate {path} lists them) and run again",
        )
        self.diagnostics = diagnostics


def check(path: Path, *, now: datetime, consequence: str = "nothing was sent to AWS") -> Checked:
    """Validate; raise `CatalogueHasErrors` (saying `consequence`) when anything is an error."""
    from scheduler.validate import validate

    loaded, found = validate(path, now=now)
    if loaded.catalogue is None or any(d.severity is Severity.ERROR for d in found):
        raise CatalogueHasErrors(path, found, consequence)
    return Checked(loaded.catalogue, loaded, tuple(found))


def desired_state(catalogue: Catalogue, *, account: str, region: str) -> DesiredState:
    """Package every Lambda job's code (deterministic zips) and compile the catalogue."""
    from scheduler.compile import compile_catalogue
    from scheduler.package import RUNTIME_SOURCE, build_package

    build_dir = state_dir(catalogue.path) / "build"
    packages = {
        job.name: build_package(job, catalogue.base_dir, RUNTIME_SOURCE, build_dir)
        for job in catalogue.jobs
        if job.compute is Compute.LAMBDA and job.handler is not None
    }
    return compile_catalogue(catalogue, account=account, region=region, packages=packages)


@dataclass(frozen=True)
class Planned:
    catalogue: Catalogue
    desired: DesiredState
    deployed: ResourceState
    plan: Plan


def plan(catalogue: Catalogue, aws: AwsContext, *, destroy: bool = False) -> Planned:
    """Compile, read what this catalogue owns in AWS, and diff the two. With `destroy` the
    desired state is empty: the plan deletes everything the catalogue owns."""
    from scheduler.ports import ReadScope

    compiled = desired_state(catalogue, account=aws.account, region=aws.region)
    # Even to destroy, the compiled state says which existing functions hold our statements.
    scope = ReadScope.for_desired(catalogue.name, compiled, account=aws.account, region=aws.region)
    deployed = aws.reader.read(scope)
    desired = ResourceState() if destroy else compiled
    return Planned(catalogue, desired, deployed, make_plan(desired, deployed))
