"""The limits AWS documents, checked before any write: what each finding says, and the cases the
fixtures under tests/fixtures/rules/ do not show (sched's own environment, reserved names)."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from scheduler.catalogue.loader import load
from scheduler.catalogue.model import Job
from scheduler.diagnostics import Diagnostic
from scheduler.package import runtime_files, unzipped_size
from scheduler.rules.limit_rules import SCHED_ENVIRONMENT_PREFIX
from scheduler.rules.package_rules import PackageTooLarge
from scheduler.rules.runtime_rules import (
    _environment_bound,
    deployed_environment,
    environment_size,
)
from scheduler.runtime import contract
from scheduler.validate import run_rules, validate

NOW = datetime(2026, 11, 25, tzinfo=UTC)


def _validate(tmp_path: Path, job: str, *, head: str = "") -> list[Diagnostic]:
    (tmp_path / "jobs" / "ok").mkdir(parents=True, exist_ok=True)
    (tmp_path / "jobs" / "ok" / "handler.py").write_text("def main(event, context):\n    pass\n")
    path = tmp_path / "jobs.yaml"
    path.write_text(
        f"catalogue: fx\n{head}jobs:\n  env:\n    schedule: rate(1 hour)\n"
        f"    expected_runtime: 1m\n    handler: jobs/ok/handler.py:main\n{job}"
    )
    return validate(path, now=NOW)[1]


def _codes(found: list[Diagnostic], code: str) -> list[str]:
    return [d.message for d in found if d.code == code]


def test_sch208_counts_the_names_sched_adds_to_the_environment(tmp_path: Path) -> None:
    """4,000 characters of the catalogue's own fit in 4 KB; with SCHED_JOB, SCHED_HANDLER,
    SCHED_DEPLOY, SCHED_CODE and the rest, as Lambda measures them (the variables as one JSON
    object), they do not."""
    found = _validate(tmp_path, f"    environment:\n      BLOB: {'y' * 4000}\n")
    assert _codes(found, "SCH208") == [
        'job "env" environment is 4282 bytes as Lambda measures it (sched\'s SCHED_* names '
        "included); Lambda allows 4096"
    ]


def test_sch208_counts_the_secret_references_sched_deploys(tmp_path: Path) -> None:
    secrets = "".join(f"      S{i:03}: ssm:/fx/{'p' * 30}/{i}\n" for i in range(100))
    found = _validate(tmp_path, f"    secrets:\n{secrets}")
    assert len(_codes(found, "SCH208")) == 1


def test_sch208_passes_an_environment_that_fits_with_sched_s_names(tmp_path: Path) -> None:
    found = _validate(tmp_path, f"    environment:\n      BLOB: {'y' * 3800}\n")
    assert _codes(found, "SCH208") == []


def test_every_name_sched_sets_in_an_environment_has_the_reserved_prefix() -> None:
    names = [getattr(contract, n) for n in dir(contract) if n.startswith("ENV_")]
    assert names
    assert all(name.startswith(SCHED_ENVIRONMENT_PREFIX) for name in names)


def test_sch219_names_sched_s_reserved_environment_names(tmp_path: Path) -> None:
    found = _validate(tmp_path, "    environment:\n      SCHED_JOB: other\n")
    assert [(d.message, d.hint) for d in found if d.code == "SCH219"] == [
        (
            'job "env": environment name "SCHED_JOB" starts with SCHED_, which sched keeps for '
            "its own names (SCHED_JOB, SCHED_CATALOGUE, SCHED_HANDLER, ...)",
            "choose a name without the SCHED_ prefix",
        )
    ]


def test_sch219_reports_a_defaults_name_once_not_once_a_job(tmp_path: Path) -> None:
    found = _validate(
        tmp_path,
        "  other:\n    schedule: rate(1 hour)\n    expected_runtime: 1m\n"
        "    handler: jobs/ok/handler.py:main\n",
        head="defaults:\n  environment: {AWS_REGION: eu-west-1}\n",
    )
    assert [(d.span.line, d.message) for d in found if d.code == "SCH219"] == [
        (3, 'defaults: environment name "AWS_REGION" is reserved by Lambda, which sets it itself')
    ]


def test_sch218_names_the_keys_sched_reserves(tmp_path: Path) -> None:
    found = _validate(tmp_path, "    tags: {managed-by: me, sched:catalogue: other}\n")
    assert _codes(found, "SCH218") == [
        'job "env": tag key "managed-by" is reserved by sched (managed-by, sched:*); sched sets '
        "it on what it creates",
        'job "env": tag key "sched:catalogue" is reserved by sched (managed-by, sched:*); sched '
        "sets it on what it creates",
    ]


def test_sch216_uses_the_shortest_limit_of_where_the_description_goes(tmp_path: Path) -> None:
    found = _validate(tmp_path, f"    description: {'d' * 300}\n")
    assert _codes(found, "SCH216") == [
        'job "env": description is 300 characters; a Lambda function\'s allows 256'
    ]


def _package_findings(tmp_path: Path, content: bytes, *, zipped_max: int) -> list[str]:
    (tmp_path / "jobs" / "ok").mkdir(parents=True, exist_ok=True)
    (tmp_path / "jobs" / "ok" / "data.bin").write_bytes(content)
    _validate(tmp_path, "")  # writes the catalogue and the handler
    rule = PackageTooLarge(zipped_max=zipped_max, unzipped_max=10 * zipped_max)
    loaded = load(tmp_path / "jobs.yaml")
    return [d.message for d in run_rules(loaded, now=NOW, rules=[rule])]


def test_sch220_zips_a_folder_over_the_zipped_limit_to_know_its_size(tmp_path: Path) -> None:
    """Incompressible data over the limit is reported with the zip's size..."""
    runtime = unzipped_size(runtime_files())
    found = _package_findings(tmp_path, os.urandom(runtime + 20_000), zipped_max=runtime + 10_000)
    assert len(found) == 1
    assert found[0].startswith('job "env": jobs/ok/ zips to ')
    assert found[0].endswith(f"Lambda takes at most {runtime + 10_000:,} bytes uploaded directly")


def test_sch220_passes_a_folder_whose_zip_fits_though_its_files_do_not(tmp_path: Path) -> None:
    """...while the same size of zeros deflates to far less, and fits."""
    runtime = unzipped_size(runtime_files())
    found = _package_findings(tmp_path, bytes(runtime + 20_000), zipped_max=runtime + 10_000)
    assert found == []


def test_sch313_reports_a_sched_runtime_folder_too(tmp_path: Path) -> None:
    (tmp_path / "jobs" / "ok" / "sched_runtime").mkdir(parents=True)
    (tmp_path / "jobs" / "ok" / "sched_runtime" / "__init__.py").write_text("")
    found = _validate(tmp_path, "")
    assert _codes(found, "SCH313") == [
        'job "env": jobs/ok/sched_runtime has the name of sched\'s runtime package, which every '
        "zip holds"
    ]


def test_sch208_s_quick_bound_is_never_below_the_size_lambda_measures() -> None:
    """SCH208 skips building the environment when a cheap bound fits; the bound must hold for
    the values JSON makes longest: control characters, quotes, backslashes, astral characters."""
    odd = '\x01"\\\U0001f600é'
    job = Job(
        name="j" * 256,
        schedule="rate(1 hour)",
        expected_runtime=timedelta(minutes=900),
        timeout=timedelta(minutes=15),
        timeout_is_explicit=True,
        handler="jobs/a/handler.py:main",
        environment=(("A" + "B" * 20, odd * 40), ("LOG", "x")),
        secrets=(("DB", "ssm:/" + odd * 30),),
    )
    for catalogue in ("c", "c" * 256):
        exact = environment_size(deployed_environment(job, catalogue))
        assert _environment_bound(job, catalogue) >= exact


def test_sch219_leaves_the_environment_of_a_function_job_alone(tmp_path: Path) -> None:
    """A `function:` job deploys no function, so no environment: nothing for Lambda to refuse."""
    (tmp_path / "jobs.yaml").write_text(
        "catalogue: fx\njobs:\n  existing:\n    schedule: rate(1 hour)\n"
        "    expected_runtime: 1m\n"
        "    function: arn:aws:lambda:eu-west-1:123456789012:function:existing\n"
        "    environment: {AWS_REGION: eu-west-1}\n"
    )
    assert _codes(validate(tmp_path / "jobs.yaml", now=NOW)[1], "SCH219") == []


def test_sch315_names_what_holds_the_job_s_name(tmp_path: Path) -> None:
    job = "  sched-ecs:\n    schedule: rate(1 hour)\n    expected_runtime: 1m\n"
    found = _validate(tmp_path, job + "    handler: jobs/ok/handler.py:main\n")
    assert _codes(found, "SCH315") == [
        'job "sched-ecs" would name its execution role "fx-sched-ecs", the name of sched\'s ECS '
        "role"
    ]
