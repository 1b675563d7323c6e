"""`sched alerts` and `sched alerts test` on the embedded local AWS: output and exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from example import copy_example

from scheduler.cli import cli

ROOT = Path(__file__).parent.parent.parent


@pytest.fixture
def catalogue(tmp_path: Path) -> Path:
    return copy_example(tmp_path)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env={"NO_COLOR": "1", "SCHED_LOCAL": ""})
    return result.exit_code, result.output


def test_alerts_after_apply_says_what_the_watcher_would_send_and_why(catalogue: Path) -> None:
    assert run("apply", "--local", str(catalogue))[0] == 0
    code, out = run("alerts", "--local", str(catalogue))
    assert code == 0, out
    lines = out.splitlines()
    assert lines[:3] == [
        "Alert watcher of acme-ops: what it would send now (dry run: nothing is sent)",
        "",
        "  JOB         SENDS  WHY",
    ]
    assert re.fullmatch(
        r"· log-backup  -      no fire to judge since \d{4}-\d\d-\d\d \d\d:\d\d UTC", lines[3]
    )
    assert lines[-1] == "No alert would be sent."


def test_alerts_test_publishes_to_the_channels_topic(catalogue: Path) -> None:
    assert run("apply", "--local", str(catalogue))[0] == 0
    code, out = run("alerts", "test", "ops", "--local", str(catalogue))
    assert code == 0, out
    assert re.fullmatch(
        r"test message sent to ops \(arn:aws:sns:us-east-1:123456789012:acme-ops-alerts-ops\): "
        r"SNS message [0-9a-f-]{36}\n",
        out,
    )


def test_an_unknown_channel_is_one_line_and_exit_2(catalogue: Path) -> None:
    code, out = run("alerts", "test", "opps", "--local", str(catalogue))
    assert (code, out) == (
        2,
        "error: no channel 'opps' in catalogue 'acme-ops'\n  hint: channels: ops\n",
    )


def test_a_catalogue_without_alerts_says_so_and_exits_2(catalogue: Path) -> None:
    text = catalogue.read_text()
    start, end = text.index("alerts:"), text.index("jobs:")
    text = re.sub(
        r"    alert: .*\n      to: \[ops\]\n      grace: .*\n", "", text[:start] + text[end:]
    )
    assert "alert" not in text
    catalogue.write_text(text)
    code, out = run("alerts", "--local", str(catalogue))
    assert code == 2
    assert out.splitlines()[0].startswith("error: catalogue 'acme-ops' has no alerts")


def test_before_apply_alerts_says_the_watcher_is_not_deployed_and_test_names_the_topic(
    catalogue: Path,
) -> None:
    code, out = run("alerts", "--local", str(catalogue))
    assert code == 0, out
    assert "note: the watcher is not deployed: sched apply deploys it" in out.splitlines()
    code, out = run("alerts", "test", "ops", "--local", str(catalogue))
    assert (code, out) == (
        3,
        "error: channel 'ops': SNS topic arn:aws:sns:us-east-1:123456789012:acme-ops-alerts-ops"
        " does not exist\n  hint: sched apply creates it\n",
    )


def test_alerts_as_json_lists_each_watched_job_with_its_decision(catalogue: Path) -> None:
    assert run("apply", "--local", str(catalogue))[0] == 0
    code, out = run("alerts", "--local", str(catalogue), "--format", "json")
    assert code == 0, out
    found = json.loads(out)
    assert (found["catalogue"], found["remembered"]) == ("acme-ops", False)
    [backup] = found["jobs"]
    assert (backup["job"], backup["alert"]) == ("log-backup", None)
    assert backup["why"].startswith("no fire to judge since ")
