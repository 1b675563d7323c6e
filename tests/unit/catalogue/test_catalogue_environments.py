"""Environments: the merge rule (defaults → environment defaults → job → environment's job; maps
merge, lists append, other values replace), the jobs an environment deploys, and where a merged
value's problem is reported (at the override's line, naming the environment, once when shared)."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from scheduler.catalogue.environments import merge
from scheduler.catalogue.loader import load_every, load_text
from scheduler.catalogue.model import Environment
from scheduler.validate import validate

CATALOGUE = """\
catalogue: acme
defaults:
  memory: 256
  retries: 1
  tags: {team: platform, tier: shared}
  permissions:
    - S3ReadPolicy: {BucketName: shared}
policy:
  max_runtime: 10m
environments:
  dev:
    account: "111111111111"
    region: us-east-1
  prod:
    account: "222222222222"
    region: eu-west-1
    defaults:
      memory: 512
      retries: 2
      tags: {tier: prod}
      permissions:
        - S3ReadPolicy: {BucketName: prod-defaults}
    policy:
      max_runtime: 12m
    jobs:
      backup:
        memory: 1024
        input: {days: 30}
        tags: {owner: ops}
        permissions:
          - S3WritePolicy: {BucketName: prod-backup}
jobs:
  backup:
    schedule: rate(1 hour)
    expected_runtime: 1m
    function: arn:aws:lambda:us-east-1:111111111111:function:backup
    retries: 0
    input: {days: 7, bucket: logs}
    tags: {owner: platform, purpose: backup}
    permissions:
      - S3WritePolicy: {BucketName: backup}
  report:
    schedule: rate(1 day)
    expected_runtime: 1m
    function: arn:aws:lambda:us-east-1:111111111111:function:report
    environments: [prod]
"""


def test_the_merge_rule_exactly() -> None:
    prod = load_text(CATALOGUE, "jobs.yaml", environment="prod")
    assert prod.diagnostics == ()
    assert prod.catalogue is not None
    backup = prod.catalogue.job("backup")
    assert backup is not None
    # the environment's job over the job: its value replaces, its map merges
    assert backup.memory == 1024
    assert backup.input == {"days": 30, "bucket": "logs"}
    # the job over the environment's defaults (which come after the catalogue's defaults)
    assert backup.retries == 0
    assert backup.tags == (
        ("owner", "ops"),
        ("purpose", "backup"),
        ("team", "platform"),
        ("tier", "prod"),
    )
    # lists append, in the rule's order
    assert [g.entry for g in backup.permissions] == [
        {"S3ReadPolicy": {"BucketName": "shared"}},
        {"S3ReadPolicy": {"BucketName": "prod-defaults"}},
        {"S3WritePolicy": {"BucketName": "backup"}},
        {"S3WritePolicy": {"BucketName": "prod-backup"}},
    ]
    report = prod.catalogue.job("report")
    assert report is not None
    assert (report.memory, report.retries) == (512, 2)  # the environment's defaults alone
    assert prod.catalogue.policy.max_runtime == timedelta(minutes=12)
    assert prod.catalogue.environment == Environment("prod", "222222222222", "eu-west-1")
    assert prod.catalogue.environments == ("dev", "prod")
    assert prod.catalogue.prefix == "acme-prod"


def test_an_environment_without_overrides_is_the_catalogue_as_written_less_other_jobs() -> None:
    dev = load_text(CATALOGUE, "jobs.yaml", environment="dev")
    assert dev.catalogue is not None
    assert [j.name for j in dev.catalogue.jobs] == ["backup"]  # report is prod's only
    backup = dev.catalogue.job("backup")
    assert backup is not None
    assert (backup.memory, backup.retries, backup.input) == (256, 0, {"days": 7, "bucket": "logs"})
    assert [g.entry for g in backup.permissions] == [
        {"S3ReadPolicy": {"BucketName": "shared"}},
        {"S3WritePolicy": {"BucketName": "backup"}},
    ]
    assert dev.catalogue.prefix == "acme-dev"


def test_merged_spans_point_at_the_override_and_appended_items_after_the_base() -> None:
    prod = load_text(CATALOGUE, "jobs.yaml", environment="prod")
    assert prod.catalogue is not None
    backup = prod.catalogue.job("backup")
    assert backup is not None
    lines = [prod.source_map.span(g.origin).line for g in backup.permissions]
    assert lines == [7, 22, 41, 31]
    assert prod.source_map.span(("jobs", "backup", "memory")).line == 27
    assert prod.source_map.span(("jobs", "backup", "input", "days")).line == 28
    assert prod.source_map.span(("jobs", "backup", "input", "bucket")).line == 38


def test_merge_records_where_each_value_was_written() -> None:
    data = {
        "defaults": {"tags": {"a": "1"}, "permissions": ["x"]},
        "environments": {"e": {"defaults": {"tags": {"b": "2"}, "permissions": ["y"]}}},
        "jobs": {},
    }
    merged = merge(data, "e")
    assert merged.data == {
        "defaults": {"tags": {"a": "1", "b": "2"}, "permissions": ["x", "y"]},
        "jobs": {},
    }
    where = ("environments", "e", "defaults")
    assert merged.moves == (
        ((*where, "tags", "b"), ("defaults", "tags", "b")),
        ((*where, "permissions", 0), ("defaults", "permissions", 1)),
    )


def test_the_shared_part_lists_the_environments_and_every_job() -> None:
    shared, merged = load_every(_write(CATALOGUE))
    assert shared.catalogue is not None
    assert shared.catalogue.environment is None
    assert shared.catalogue.environments == ("dev", "prod")
    assert [j.name for j in shared.catalogue.jobs] == ["backup", "report"]
    assert [m.catalogue.environment_name for m in merged if m.catalogue] == ["dev", "prod"]


def _write(text: str) -> Path:
    path = Path(tempfile.mkdtemp()) / "jobs.yaml"
    path.write_text(text)
    return path


NOW = datetime(2026, 12, 2, tzinfo=UTC)
ALLOWS = "Lambda allows 128-10240 MB"


def _validated(text: str) -> list[tuple[str, int, int, str]]:
    _, found = validate(_write(text), now=NOW, local_data=False)
    return [(d.code, d.span.line, d.span.column, d.message) for d in found]


def test_validate_reports_an_overrides_problem_at_its_line_naming_the_environment() -> None:
    text = CATALOGUE.replace("        memory: 1024\n", "        memory: 20000\n")
    assert _validated(text) == [
        (
            "SCH205",
            27,
            17,
            'environment "prod": job "backup" asks for 20000 MB; Lambda allows 128-10240 MB',
        )
    ]


def test_validate_reports_a_problem_of_the_shared_part_once_and_unprefixed() -> None:
    text = CATALOGUE.replace("  memory: 256\n", "  memory: 64\n")
    # dev has it (backup inherits 64); prod sets 512 in its defaults and 1024 on backup
    assert _validated(text) == [
        (
            "SCH205",
            3,
            11,
            'environment "dev": job "backup" asks for 64 MB; Lambda allows 128-10240 MB',
        ),
    ]
    text = CATALOGUE.replace("    retries: 0\n", "    retries: 0\n    memory: 64\n").replace(
        "        memory: 1024\n", ""
    )
    assert _validated(text) == [
        ("SCH205", 37, 13, 'job "backup" asks for 64 MB; Lambda allows 128-10240 MB'),
    ]


def test_validate_reports_a_prod_only_jobs_problem_naming_prod() -> None:
    text = CATALOGUE.replace(
        "    environments: [prod]\n", "    environments: [prod]\n    memory: 1\n"
    )
    assert _validated(text) == [
        (
            "SCH205",
            47,
            13,
            'environment "prod": job "report" asks for 1 MB; Lambda allows 128-10240 MB',
        ),
    ]


def test_a_type_error_in_an_override_is_at_the_override() -> None:
    text = CATALOGUE.replace("        memory: 1024\n", '        memory: "lots"\n')
    assert _validated(text) == [
        ("SCH006", 27, 17, 'environment "prod": memory must be an integer, got "lots"'),
    ]
