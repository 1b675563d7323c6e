"""Suppressed findings in every `validate` format, and each rule's documentation URL."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from scheduler import RULES_URL
from scheduler.cli import cli

RULES = Path(__file__).parent.parent / "fixtures" / "rules"
SILENCED = RULES / "SCH022.pass.yaml"  # one SCH108, silenced by the job's own entry
LOCK = "the overlap is deliberate: the job takes a lock"


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env={"GITHUB_ACTIONS": "", "GITHUB_WORKSPACE": ""})
    return result.exit_code, result.output


def test_text_shows_only_the_count_of_suppressed_findings() -> None:
    assert run("validate", str(SILENCED)) == (
        0,
        f"{SILENCED}: no problems found (1 finding suppressed)\n",
    )


def test_a_suppressed_warning_does_not_fail_fail_on_warning() -> None:
    assert run("validate", str(SILENCED), "--fail-on", "warning")[0] == 0
    assert run("validate", str(RULES / "SCH108.fail.yaml"), "--fail-on", "warning")[0] == 1


def test_the_count_follows_what_is_shown() -> None:
    path = RULES / "SCH021.pass.yaml"
    path_out = run("validate", str(RULES / "SCH022.fail.yaml"))[1].splitlines()[-1]
    assert path_out == f"{RULES / 'SCH022.fail.yaml'}: 2 warnings"
    assert run("validate", str(path))[1].endswith("no problems found (1 finding suppressed)\n")


def test_json_keeps_the_suppressed_finding_with_its_reason_and_place() -> None:
    code, out = run("validate", str(SILENCED), "--format", "json")
    [only] = json.loads(out)["diagnostics"]
    assert (code, only["code"], only["line"], only["column"]) == (0, "SCH108", 4, 15)
    assert only["suppressed"] == {"reason": LOCK, "file": str(SILENCED), "line": 9, "column": 7}
    assert only["url"] == RULES_URL


def test_sarif_marks_it_with_suppressions_and_documents_the_rule() -> None:
    _, out = run("validate", str(SILENCED), "--format", "sarif")
    run_ = json.loads(out)["runs"][0]
    [result] = run_["results"]
    [suppression] = result["suppressions"]
    assert suppression["kind"] == "inSource"
    assert suppression["justification"] == LOCK
    assert suppression["location"]["physicalLocation"]["region"]["startLine"] == 9
    [rule] = run_["tool"]["driver"]["rules"]
    assert rule["id"] == "SCH108"
    assert rule["helpUri"] == RULES_URL
    assert rule["fullDescription"]["text"].startswith("The schedule fires again before a run")
    assert 'Fails:\nschedule: "rate(5 minutes)"' in rule["help"]["text"]
    assert rule["defaultConfiguration"] == {"level": "warning"}


def test_github_annotates_no_suppressed_finding_and_links_the_rule() -> None:
    assert run("validate", str(SILENCED), "--format", "github") == (0, "\n")
    _, out = run("validate", str(RULES / "SCH108.fail.yaml"), "--format", "github")
    assert "%0Asee" not in out  # the README's section is in the SARIF; a rule's own page is here
    _, out = run("validate", str(RULES / "SCH201.fail.yaml"), "--format", "github")
    assert out.rstrip("\n").endswith(
        "%0Asee https://docs.aws.amazon.com/lambda/latest/dg/configuration-timeout.html"
    )


def test_rules_code_ends_with_its_documentation_url() -> None:
    code, out = run("rules", "SCH020")
    assert code == 0
    assert out.splitlines()[-1] == f"Docs: {RULES_URL}"
    assert "Where intended" not in out  # an error: no way to silence it is offered


def test_rules_code_says_how_to_silence_a_warning_and_links_its_aws_page() -> None:
    _, out = run("rules", "SCH107")
    assert out.splitlines()[-3:] == [
        'Where intended, silence it on the job: ignore: {SCH107: "why"}',
        "",
        "Docs: https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html"
        "#daylist-savings-time",
    ]
