"""A package's code is compared by what it holds, not by its zip's bytes: the same files deflated
by another zlib (another compression level here) plan nothing, while code uploaded to the
function by hand, outside sched, still plans a code update."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import boto3
from aws_support import REGION, compile_for, load_catalogue, read_back, write_catalogue

from scheduler.apply import apply_plan
from scheduler.aws import AwsContext
from scheduler.catalogue.model import Catalogue, Compute
from scheduler.compile import compile_catalogue
from scheduler.package import RUNTIME_SOURCE, build_package
from scheduler.plan import Action, make_plan
from scheduler.resource_state import DesiredState
from scheduler.resources import Function, ResourceKind


def _compiled_at_level(
    catalogue: Catalogue, aws: AwsContext, build_dir: Path, level: int
) -> DesiredState:
    packages = {
        job.name: build_package(
            job, catalogue.base_dir, RUNTIME_SOURCE, build_dir, compress_level=level
        )
        for job in catalogue.jobs
        if job.compute is Compute.LAMBDA and job.handler is not None
    }
    return compile_catalogue(catalogue, account=aws.account, region=aws.region, packages=packages)


def _deployed(aws: AwsContext, root: Path) -> Catalogue:
    catalogue = load_catalogue(write_catalogue(root))
    desired = compile_for(catalogue, aws, root / "build")
    assert apply_plan(make_plan(desired, read_back(aws, "acme", desired)), aws.writer).ok
    return catalogue


def test_the_same_files_deflated_otherwise_plan_no_change(aws: AwsContext, tmp_path: Path) -> None:
    catalogue = _deployed(aws, tmp_path)
    elsewhere = _compiled_at_level(catalogue, aws, tmp_path / "other-build", level=1)
    here = compile_for(catalogue, aws, tmp_path / "build")
    backup = (ResourceKind.FUNCTION, "acme-backup")
    there, mine = elsewhere.get(backup), here.get(backup)
    assert isinstance(there, Function) and isinstance(mine, Function)
    assert there.code_sha256 != mine.code_sha256  # other bytes

    plan = make_plan(elsewhere, read_back(aws, "acme", elsewhere))

    assert plan.pending == ()


def test_code_uploaded_by_hand_plans_a_code_update(aws: AwsContext, tmp_path: Path) -> None:
    catalogue = _deployed(aws, tmp_path)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("handler.py", "def main(event, context):\n    return 'hand-made'\n")
    boto3.client("lambda", region_name=REGION).update_function_code(
        FunctionName="acme-backup", ZipFile=buffer.getvalue()
    )
    desired = compile_for(catalogue, aws, tmp_path / "build")

    plan = make_plan(desired, read_back(aws, "acme", desired))

    assert [(c.action, c.name) for c in plan.pending] == [(Action.UPDATE, "acme-backup")]
    assert [c.field for c in plan.pending[0].fields] == ["code"]
    assert apply_plan(plan, aws.writer).ok
    assert make_plan(desired, read_back(aws, "acme", desired)).pending == ()
