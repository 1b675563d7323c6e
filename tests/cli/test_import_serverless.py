"""`sched import serverless`: a serverless.yml of every schedule form, its exact output, a
result that validates, and bad input as diagnostics, never a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

from click.testing import CliRunner, Result

from scheduler.cli import cli

FIXTURE = Path(__file__).parent.parent / "fixtures" / "serverless"
SERVERLESS = FIXTURE / "serverless.yml"
# What stdout and stderr say about the fixture: long, so kept beside it.
ENTRIES = (FIXTURE / "serverless.entries").read_text()
REPORT = (FIXTURE / "serverless.report").read_text()
STUBS = ("aggregate", "aggregate-2", "monthly-report", "monthly-report-2", "send-invoices")


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin, env={"GITHUB_ACTIONS": ""})


def test_every_schedule_form_becomes_entries_and_what_cannot_be_carried_over_is_reported() -> None:
    catalogue = FIXTURE / "jobs.yaml"  # not written: the entries are printed
    result = run("import", "serverless", str(SERVERLESS), str(catalogue))
    assert result.exit_code == 1
    assert result.stdout == ENTRIES.replace("{catalogue}", str(catalogue))
    assert result.stderr == REPORT.replace("{serverless}", str(SERVERLESS))
    assert not catalogue.exists()


def test_write_creates_a_catalogue_that_validates_and_runs_the_users_own_handler(
    tmp_path: Path,
) -> None:
    shutil.copytree(FIXTURE, tmp_path / "service")
    service = tmp_path / "service"
    catalogue = service / "jobs.yaml"
    result = run("import", "serverless", str(service / "serverless.yml"), "--write", str(catalogue))
    assert result.exit_code == 1, result.output  # three schedules were not imported
    assert result.stdout == "".join(
        [f"wrote {service}/jobs/{name}/handler.py\n" for name in (*STUBS, "transform")]
        + [f"wrote {catalogue}\n"]
    )
    entries = ENTRIES.split("\n", 1)[1]
    assert catalogue.read_text() == "catalogue: service\n\njobs:\n" + entries
    assert "  handler: src/crawl.py:handler\n" in entries
    assert not (service / "jobs" / "crawl").exists()  # the crawl jobs run src/crawl.py
    checked = run("validate", str(catalogue))
    assert (checked.exit_code, checked.stdout) == (0, f"{catalogue}: no problems found\n")
    stub = (service / "jobs" / "aggregate" / "handler.py").read_text()
    assert stub.startswith(
        '"""Ported from serverless.yml function aggregate: move its code here, then delete '
        "the raise\nat the end of main().\n\n"
        "Its handler was statistics.handler (the function handler of statistics.py\n"
        "beside serverless.yml), which is not under the catalogue's folder.\n"
    )
    assert 'raise NotImplementedError("serverless.yml function aggregate is not ported yet")' in (
        stub
    )


def test_secrets_are_never_copied_and_ssm_variables_become_secrets() -> None:
    result = run("import", "serverless", str(SERVERLESS))
    assert "hunter2hunter2" not in result.output
    assert '      DB_PASSWORD: "ssm:/billing/db_password"\n' in result.stdout
    assert '      API_KEY: "ssm:/billing/api-key"\n' in result.stdout


def test_nothing_the_user_has_is_overwritten_without_force(tmp_path: Path) -> None:
    catalogue = tmp_path / "jobs.yaml"
    text = "functions:\n  nightly:\n    handler: nightly.run\n    events:\n"
    text += "      - schedule: rate(1 day)\n"
    stdin = ("import", "serverless", "-", "--write", str(catalogue))
    assert run(*stdin, stdin=text).exit_code == 0
    stub = tmp_path / "jobs" / "nightly" / "handler.py"
    stub.write_text("def main(event, context):\n    return {}\n")
    before = catalogue.read_bytes()
    again = run(*stdin, stdin=text)
    assert (again.exit_code, again.stdout) == (2, "")
    assert again.stderr.splitlines()[0] == (
        f'error: {catalogue} already has a job "nightly" (serverless line 5)'
    )
    assert f"error: {stub} already exists" in again.stderr
    assert (catalogue.read_bytes(), stub.read_text()) == (
        before,
        "def main(event, context):\n    return {}\n",
    )
    forced = run(*stdin[:4], "--force", *stdin[4:], stdin=text)
    assert forced.exit_code == 0
    assert catalogue.read_bytes() == before
    assert stub.read_text().startswith('"""Ported from <stdin> function nightly')


def test_stdin_and_a_single_string_schedule() -> None:
    text = "functions:\n  ping:\n    handler: ping.main\n    events:\n"
    result = run("import", "serverless", "-", stdin=text + "      - schedule: rate(1 minute)\n")
    assert (result.exit_code, result.stdout) == (
        0,
        "# 1 job(s) to paste under jobs: in jobs.yaml\n"
        "  # <stdin> line 5: function ping, rate(1 minute)\n"
        "  ping:\n"
        '    description: "From <stdin> function ping"\n'
        "    schedule: rate(1 minute)\n"
        "    expected_runtime: 5m  # a guess: set how long a run takes\n"
        "    handler: jobs/ping/handler.py:main\n",
    )


def test_text_that_is_not_yaml_is_a_diagnostic_not_a_traceback() -> None:
    result = run("import", "serverless", "-", stdin="functions:\n  a: [b\n")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.startswith("<stdin>:3:1: error SCH002 YAML syntax error: ")
    assert "Traceback" not in result.output


def test_a_file_without_functions_says_so() -> None:
    result = run("import", "serverless", "-", stdin="service: billing\nprovider:\n  name: aws\n")
    assert (result.exit_code, result.stderr) == (
        1,
        "<stdin>:1:1: error SCH007 no functions: to import\n"
        "  hint: pass the serverless.yml whose functions: have schedule events\n"
        "<stdin>: 0 job(s) imported, 1 schedule(s) not imported\n",
    )
    listed = run("import", "serverless", "-", stdin="- functions\n")
    assert listed.stderr.startswith(
        "<stdin>:1:1: error SCH004 <stdin> is not a mapping of service:, provider:, functions:\n"
    )


def test_a_timeout_past_lambdas_limit_is_not_imported() -> None:
    text = "functions:\n  big:\n    handler: big.run\n    timeout: 1800\n    events:\n"
    result = run("import", "serverless", "-", stdin=text + "      - schedule: rate(1 day)\n")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr.startswith(
        "<stdin>:4:14: error SCH201 function big may run for 30m; Lambda stops at 15m: "
        "not imported\n"
    )


def test_help_names_the_forms_it_reads() -> None:
    result = run("import", "serverless", "--help")
    assert result.exit_code == 0
    assert "inputTransformer" in result.stdout
    assert "serverless" in run("import", "--help").stdout
