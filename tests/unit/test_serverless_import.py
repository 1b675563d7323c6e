"""Translating a serverless.yml's schedule events: names, settings, handlers and each thing
that cannot be carried over, at its exact line and column."""

from __future__ import annotations

from scheduler.diagnostics import Severity
from scheduler.import_common import ImportResult
from scheduler.import_serverless import import_serverless

HEAD = "service: shop\nprovider:\n  name: aws\nfunctions:\n"


def translate(functions: str, locate: dict[str, str] | None = None) -> ImportResult:
    found = locate or {}
    return import_serverless(HEAD + functions, "serverless.yml", locate=found.get)


def fields(result: ImportResult, index: int = 0) -> list[str]:
    return [line.strip() for line in result.jobs[index].yaml]


def test_a_list_of_rates_becomes_one_job_per_rate_the_later_ones_suffixed() -> None:
    result = translate(
        "  sendInvoices:\n    handler: invoices.handler\n    events:\n"
        "      - schedule:\n          rate:\n            - rate(1 day)\n"
        "            - cron(0 6 ? * MON *)\n"
        "      - schedule:\n          name: Weekly_Close\n          rate: rate(7 days)\n"
    )
    assert [(job.name, job.line) for job in result.jobs] == [
        ("send-invoices", 10),
        ("send-invoices-2", 11),
        ("weekly-close", 14),
    ]
    assert "schedule: cron(0 6 ? * MON *)" in fields(result, 1)
    assert result.findings == ()


def test_function_settings_win_over_the_providers_and_timeout_is_a_marked_guess() -> None:
    text = HEAD.replace(
        "  name: aws\n",
        "  name: aws\n  memorySize: 256\n  timeout: 20\n  runtime: python3.12\n"
        "  environment:\n    STAGE: prod\n    REGION: eu-west-1\n",
    )
    text += (
        "  a:\n    handler: a.run\n    memorySize: 2048\n    environment:\n      STAGE: dev\n"
        "    events:\n      - schedule: rate(1 hour)\n"
    )
    result = import_serverless(text, "serverless.yml")
    assert fields(result)[2:] == [
        'description: "From serverless.yml function a"',
        "schedule: rate(1 hour)",
        "expected_runtime: 20s  # a guess: the function's timeout in serverless.yml; "
        "set how long a run takes",
        "handler: jobs/a/handler.py:main",
        "memory: 2048",
        'runtime: "python3.12"',
        "environment:",
        'STAGE: "dev"',
        'REGION: "eu-west-1"',
    ]


def test_ssm_becomes_a_secret_and_other_variables_are_reported_where_they_are() -> None:
    result = translate(
        "  a:\n    handler: a.run\n    environment:\n"
        "      TOKEN_PATH: ${ssm:/shop/token}\n      HOME_DIR: ${env:HOME}\n"
        "    events:\n      - schedule: rate(1 hour)\n"
    )
    assert fields(result)[-2:] == ["secrets:", 'TOKEN_PATH: "ssm:/shop/token"']
    (finding,) = result.findings
    assert (finding.code, finding.severity) == ("SCH006", Severity.WARNING)
    span = finding.span
    assert (span.line, span.column, span.end_line, span.end_column) == (9, 17, 9, 28)
    assert "HOME_DIR" in finding.message and "${env:HOME}" in finding.message


def test_the_users_own_python_file_is_the_handler_and_needs_no_stub() -> None:
    result = translate(
        "  crawl:\n    handler: src/crawl.handler\n    events:\n      - schedule: rate(1 hour)\n",
        locate={"src/crawl.py": "service/src/crawl.py"},
    )
    (job,) = result.jobs
    assert (job.handler_path, job.stub) == ("service/src/crawl.py", None)
    assert "handler: service/src/crawl.py:handler" in fields(result)


def test_a_function_that_is_not_python_gets_a_stub_to_port_and_a_note() -> None:
    result = translate(
        "  a:\n    handler: a.run\n    runtime: nodejs20.x\n"
        "    events:\n      - schedule: rate(1 hour)\n",
        locate={"a.py": "a.py"},
    )
    (job,) = result.jobs
    assert job.handler_path == "jobs/a/handler.py"
    assert job.stub is not None and "It was not Python: port it" in job.stub
    assert not any(line.strip().startswith("runtime:") for line in job.yaml)
    assert [note.line for note in result.notes] == [7]


def test_the_scheduler_method_and_its_time_zone() -> None:
    result = translate(
        "  a:\n    handler: a.run\n    events:\n"
        "      - schedule:\n          method: scheduler\n          rate: rate(1 hour)\n"
        "      - schedule:\n          method: scheduler\n          rate: cron(0 9 * * ? *)\n"
        "          timezone: Mars/Olympus\n"
    )
    assert "backend: scheduler" in fields(result)
    assert len(result.jobs) == 1
    (finding,) = result.findings
    assert (finding.code, finding.span.line, finding.span.column) == ("SCH105", 14, 21)


def test_input_that_is_not_a_json_object_is_reported_and_the_job_still_imported() -> None:
    result = translate(
        "  a:\n    handler: a.run\n    events:\n"
        "      - schedule:\n          rate: rate(1 hour)\n          input: not json\n"
    )
    assert len(result.jobs) == 1
    assert not any(line.strip().startswith("input:") for line in result.jobs[0].yaml)
    (finding,) = result.findings
    assert (finding.code, finding.span.line, finding.span.column) == ("SCH006", 10, 18)


def test_cloudformation_tags_elsewhere_in_the_file_do_not_stop_the_import() -> None:
    text = "resources:\n  Outputs:\n    Arn: !GetAtt Queue.Arn\n" + HEAD
    text += "  a:\n    handler: a.run\n    events:\n      - schedule: rate(1 hour)\n"
    result = import_serverless(text, "serverless.yml")
    assert (len(result.jobs), result.findings) == (1, ())
