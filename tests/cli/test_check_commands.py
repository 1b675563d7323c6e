"""`sched validate`, `rules`, `schema` and `next`: exact output and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from scheduler.cli import cli

ROOT = Path(__file__).parent.parent.parent
RULES = ROOT / "tests" / "fixtures" / "rules"


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli, list(args), env={"GITHUB_ACTIONS": "", "GITHUB_WORKSPACE": "", **(env or {})}
    )
    return result.exit_code, result.output


# The example declares environments: an offline command without --env says what it shows.
AS_WRITTEN = "note: showing the catalogue as written; --env dev|prod for an environment"


def test_validate_the_example_is_clean() -> None:
    code, out = run("validate", str(ROOT / "jobs.yaml"))
    assert (code, out) == (0, f"{ROOT / 'jobs.yaml'}: no problems found\n")


def test_validate_reports_file_line_column_code_and_hint_and_exits_1() -> None:
    path = RULES / "SCH201.fail.yaml"
    code, out = run("validate", str(path))
    assert code == 1
    assert out == (
        f'{path}:6:23: error SCH201 job "nightly-reindex" expects 45m; Lambda stops at 15m\n'
        "  hint: run it on Fargate (compute: fargate) or EC2, or split the work\n"
        f"{path}: 1 error\n"
    )


def test_warnings_pass_unless_fail_on_warning() -> None:
    path = str(RULES / "SCH204.fail.yaml")
    assert run("validate", path)[0] == 0
    assert run("validate", path, "--fail-on", "warning")[0] == 1


def test_a_missing_catalogue_is_bad_input_said_once(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    code, out = run("validate", str(missing))
    assert code == 2
    assert out == (
        f"error: no catalogue at {missing}\n"
        "  hint: run sched in the folder that holds jobs.yaml, give its path as the CATALOGUE "
        "argument, or set SCHED_CATALOGUE\n"
    )


def test_github_format_is_chosen_under_github_actions() -> None:
    path = RULES / "SCH201.fail.yaml"
    code, out = run("validate", str(path), env={"GITHUB_ACTIONS": "true"})
    assert code == 1
    assert out == (
        f"::error file={path},line=6,col=23,endLine=6,endColumn=26,title=SCH201::"
        'job "nightly-reindex" expects 45m; Lambda stops at 15m%0A'
        "hint: run it on Fargate (compute: fargate) or EC2, or split the work%0A"
        "see https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html\n"
    )


def test_a_link_to_a_secret_is_refused_without_its_contents_in_the_annotation(
    tmp_path: Path,
) -> None:
    (tmp_path / ".env").write_text("DATABASE_URL=postgres://app:hunter2@db/prod\n")
    (tmp_path / "repo").mkdir()
    path = tmp_path / "repo" / "jobs.yaml"
    path.symlink_to("../.env")
    code, out = run("validate", str(path), env={"GITHUB_ACTIONS": "true"})
    assert code == 1
    assert out == (
        f"::error file={str(path).replace(':', '%3A')},line=1,col=1,title=SCH001::"
        f"{path} is a symbolic link to {tmp_path / '.env'}, outside its folder {tmp_path / 'repo'}"
        "%0Ahint: put the catalogue itself in the repository, not a link to a file elsewhere\n"
    )
    assert "hunter2" not in out


def test_github_annotation_fields_are_escaped() -> None:
    from scheduler.diagnostics import Diagnostic, Severity, Span
    from scheduler.report.diagnostics import to_github

    odd = Diagnostic("SCH006", Severity.WARNING, "50% done\nnext", Span("a,b:c.yaml", 2, 3))
    assert (
        to_github([odd])
        == "::warning file=a%2Cb%3Ac.yaml,line=2,col=3,title=SCH006::50%25 done%0Anext"
    )


def test_json_and_sarif_formats_are_machine_readable() -> None:
    path = str(RULES / "SCH205.fail.yaml")
    code, out = run("validate", path, "--format", "json")
    assert code == 1
    [only] = json.loads(out)["diagnostics"]
    assert (only["code"], only["line"], only["column"]) == ("SCH205", 7, 13)
    code, out = run("validate", path, "--format", "sarif")
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0"
    [result] = sarif["runs"][0]["results"]
    assert result["ruleId"] == "SCH205"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == 7


def test_rules_lists_every_code_and_explains_one() -> None:
    code, out = run("rules")
    assert code == 0
    assert "SCH201  error    expected runtime too long for Lambda" in out.splitlines()
    code, out = run("rules", "sch201")
    assert code == 0
    assert out.startswith("SCH201 (error): expected runtime too long for Lambda\n")
    assert "Fails:\n    expected_runtime: 45m\n" in out
    assert "Passes:\n    expected_runtime: 45m\n    compute: fargate\n" in out


def test_rules_unknown_code_is_a_usage_error() -> None:
    code, out = run("rules", "SCH999")
    assert code == 2
    assert "error: no rule SCH999" in out


def test_schema_is_a_json_schema_that_forbids_unknown_keys() -> None:
    code, out = run("schema")
    assert code == 0
    schema = json.loads(out)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema["definitions"]["JobSpec"]["additionalProperties"] is False
    assert "schedule" in schema["definitions"]["JobSpec"]["required"]


def test_next_for_a_raw_expression_and_a_unix_one() -> None:
    code, out = run("next", "cron(0 2 ? * MON *)", "--from", "2026-11-25T00:00:00Z", "-n", "2")
    assert code == 0
    assert out == (
        "cron(0 2 ? * MON *)\n"
        "  at 02:00, only on Monday\n"
        "  Mon 2026-11-30 02:00 UTC\n"
        "  Mon 2026-12-07 02:00 UTC\n"
    )


def test_next_json_reports_an_invalid_expression_without_stopping_the_others() -> None:
    code, out = run(
        "next", "rate(1 hours)", "0 2 * * 1", "--from", "2026-11-25T00:00:00Z",
        "-n", "1", "--format", "json", "--tz", "Europe/Paris",
    )  # fmt: skip
    assert code == 2
    first, second = json.loads(out)["schedules"]
    assert first["error"]["code"] == "SCH101"
    assert second["aws_expression"] == "cron(0 2 ? * MON *)"
    assert second["fire_times"] == [
        {"utc": "2026-11-30T01:00:00Z", "local": "2026-11-30T02:00:00+01:00"}
    ]


def test_next_shows_a_job_in_another_zone_without_changing_when_it_fires() -> None:
    code, out = run(
        "next", "monthly-report", str(ROOT / "jobs.yaml"),
        "--from", "2026-11-25T00:00:00Z", "-n", "1", "--tz", "Europe/Paris",
    )  # fmt: skip
    assert code == 0
    assert out.splitlines()[-1] == "  Tue 2026-12-01 14:00 CET   (2026-12-01 13:00 UTC)"


def test_next_for_a_job_of_the_catalogue_uses_its_time_zone() -> None:
    code, out = run(
        "next", "monthly-report", str(ROOT / "jobs.yaml"),
        "--from", "2026-11-25T00:00:00Z", "-n", "1",
    )  # fmt: skip
    assert code == 0
    assert out == (
        f"{AS_WRITTEN}\n"
        "monthly-report: cron(0 8 1 * ? *)\n"
        "  at 08:00 on day 1 of the month (America/New_York)\n"
        "  Tue 2026-12-01 08:00 EST   (2026-12-01 13:00 UTC)\n"
    )


@pytest.mark.parametrize("bad", ["yesterday", "2026-13-01"])
def test_next_rejects_a_bad_from(bad: str) -> None:
    code, out = run("next", "rate(1 hour)", "--from", bad)
    assert code == 2
    assert "is not an ISO time" in out


def test_permissions_shows_each_statement_under_the_line_it_came_from() -> None:
    code, out = run("permissions", "tmp-cleanup", str(ROOT / "jobs.yaml"), "--region", "eu-west-1")
    group = "arn:aws:logs:eu-west-1:123456789012:log-group:/sched/acme-ops/tmp-cleanup"
    before = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/acme-ops-tmp-cleanup"
    line = next(
        n
        for n, text in enumerate((ROOT / "jobs.yaml").read_text().splitlines(), 1)
        if "S3CrudPolicy: {BucketName: acme-scratch}" in text
    )
    assert (code, out.splitlines()) == (
        0,
        [
            AS_WRITTEN,
            "tmp-cleanup: role acme-ops-tmp-cleanup",
            "  sched: write the job's own logs",
            "    Allow logs:CreateLogGroup",
            f"      on {group}, {before}",
            "    Allow logs:CreateLogStream, logs:PutLogEvents",
            f"      on {group}:*, {before}:*",
            f"  {ROOT / 'jobs.yaml'}:{line}:9: S3CrudPolicy {{BucketName: acme-scratch}}",
            "    Allow s3:DeleteObject, s3:GetBucketLocation, s3:GetLifecycleConfiguration, "
            "s3:GetObject, s3:GetObjectVersion, s3:ListBucket, s3:PutLifecycleConfiguration, "
            "s3:PutObject, s3:PutObjectAcl",
            "      on arn:aws:s3:::acme-scratch, arn:aws:s3:::acme-scratch/*",
        ],
    )


def test_permissions_names_what_each_of_scheds_own_statements_is_for(tmp_path: Path) -> None:
    (tmp_path / "jobs" / "a").mkdir(parents=True)
    (tmp_path / "jobs" / "a" / "handler.py").write_text("def main(event, context):\n    pass\n")
    (tmp_path / "jobs.yaml").write_text(
        "catalogue: demo\n"
        "jobs:\n"
        "  a:\n"
        "    schedule: rate(1 day)\n"
        "    expected_runtime: 1m\n"
        "    handler: jobs/a/handler.py:main\n"
        "    secrets: {DB_URL: ssm:/demo/db}\n"
        "    secrets_kms_key: 1234abcd-12ab-34cd-56ef-1234567890ab\n"
        "    dead_letter_queue: arn:aws:sqs:eu-west-1:123456789012:demo-dlq\n"
        "    vpc: {subnets: [subnet-0a1b2c3d], security_groups: [sg-0a1b2c3d]}\n"
    )
    code, out = run("permissions", "a", str(tmp_path / "jobs.yaml"), "--region", "eu-west-1")
    assert code == 0, out
    assert [line for line in out.splitlines() if line.startswith("  sched")] == [
        "  sched: write the job's own logs",
        "  sched: send a run that failed for good to its dead_letter_queue",
        "  sched: read its secrets",
        "  sched: decrypt its secrets with secrets_kms_key, through SSM and Secrets Manager only",
        "  sched: manage the network interfaces of its vpc",
    ]


def test_permissions_of_a_job_without_a_role_of_its_own_says_why() -> None:
    code, out = run("permissions", "search-reindex", str(ROOT / "jobs.yaml"))
    assert code == 2
    assert 'error: job "search-reindex" runs on Fargate: sched makes no role for it' in out


def test_a_folder_for_the_catalogue_is_bad_input_like_a_missing_file(tmp_path: Path) -> None:
    (tmp_path / "jobs").mkdir()
    code, out = run("validate", str(tmp_path / "jobs"))
    assert (code, out) == (
        2,
        f"error: {tmp_path / 'jobs'} is a folder, not a catalogue file\n"
        f"  hint: give the catalogue's YAML file itself; without a CATALOGUE argument sched reads "
        f"jobs.yaml in the current folder\n",
    )


def test_a_folder_that_holds_a_catalogue_is_pointed_at_it(tmp_path: Path) -> None:
    (tmp_path / "ops").mkdir()
    (tmp_path / "ops" / "jobs.yaml").write_text("catalogue: a\njobs: {}\n")
    for command in (["validate"], ["plan", "--local"]):
        code, out = run(*command, str(tmp_path / "ops"))
        assert (code, out) == (
            2,
            f"error: {tmp_path / 'ops'} is a folder, not a catalogue file\n"
            f"  hint: give the catalogue's YAML file itself: {tmp_path / 'ops' / 'jobs.yaml'}\n",
        )
