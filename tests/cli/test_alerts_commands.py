"""`sched alerts` and `sched alerts test` on the embedded local AWS: output and exit codes."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from example import copy_example
from hook_server import hook_server

from scheduler.cli import cli

ROOT = Path(__file__).parent.parent.parent


@pytest.fixture
def catalogue(tmp_path: Path) -> Path:
    return copy_example(tmp_path)


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env={"NO_COLOR": "1", "SCHED_LOCAL": ""})
    return result.exit_code, result.output


WATCHER_GROUP = "/sched/acme-ops/sched-watcher"
UNSENT: dict[str, str | None] = {
    "job": "log-backup",
    "outcome": "failed",
    "channel": "ops",
    "message_id": None,
    "error": "NotFound: SNS topic gone",
}


def applied_with_watcher_pass(
    catalogue: Path, minutes_ago: int, sent: list[dict[str, str | None]]
) -> datetime:
    """Log, in the local AWS of `catalogue` (applied), a watcher state line `minutes_ago`
    (minute-aligned) that remembers `sent`; returns that pass's time."""
    from scheduler.app.connect import Connection, connect
    from scheduler.ports import LogEvent
    from scheduler.watch.state import WatchState, state_line

    last = (datetime.now(UTC) - timedelta(minutes=minutes_ago)).replace(second=0, microsecond=0)
    with connect(Connection(local=True), catalogue) as aws:
        line = state_line(WatchState(), now=last, sent=sent)
        aws.sink.write(WATCHER_GROUP, "w", [LogEvent(int(last.timestamp() * 1000), line, "w")])
    return last


def test_alerts_after_apply_says_what_the_watcher_would_send_and_why(applied_example: Path) -> None:
    catalogue = applied_example
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


def test_alerts_test_publishes_to_the_channels_topic(applied_example: Path) -> None:
    catalogue = applied_example
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
    words = " ".join(out.split())  # as the terminal shows it, wrapped or not
    assert f"note: the watcher is not deployed: sched apply {catalogue} --local deploys it" in words
    code, out = run("alerts", "test", "ops", "--local", str(catalogue))
    assert (code, out) == (
        3,
        "error: channel 'ops': SNS topic arn:aws:sns:us-east-1:123456789012:acme-ops-alerts-ops"
        " does not exist\n  hint: sched apply creates it\n",
    )


def test_alerts_as_json_lists_each_watched_job_with_its_decision(applied_example: Path) -> None:
    catalogue = applied_example
    code, out = run("alerts", "--local", str(catalogue), "--format", "json")
    assert code == 0, out
    found = json.loads(out)
    assert (found["catalogue"], found["remembered"]) == ("acme-ops", False)
    [backup] = found["jobs"]
    assert (backup["job"], backup["alert"]) == ("log-backup", None)
    assert backup["why"].startswith("no fire to judge since ")


CHAT = "    chat:\n      slack: ssm:/acme-ops/alerts/chat\n"


def _with_slack(catalogue: Path, url: str | None) -> None:
    """The example with a Slack channel whose URL is in the local SSM (None: no parameter)."""
    text = catalogue.read_text()
    anchor = (
        "      email: [ops@acme.example]   # an SNS topic sched creates and subscribes these to\n"
    )
    assert anchor in text
    catalogue.write_text(text.replace(anchor, anchor + CHAT))
    if url is not None:
        (catalogue.parent / "local-data.yaml").write_text(
            f"parameters:\n  /acme-ops/alerts/chat: {{value: '{url}', type: SecureString}}\n"
        )


def test_alerts_test_posts_to_a_slack_channel_whose_url_is_in_ssm(catalogue: Path) -> None:
    with hook_server() as server:
        _with_slack(catalogue, server.url)
        code, out = run("alerts", "test", "chat", "--local", str(catalogue))
    assert (code, out) == (
        0,
        "test message sent to chat (slack, URL from ssm:/acme-ops/alerts/chat): it answered"
        " HTTP 200\n",
    )
    [received] = server.received
    assert received.path == "/services/T0/B0/secret"
    assert re.fullmatch(
        r"\*sched: test alert \(acme-ops\)\*\nA test message from sched, catalogue acme-ops, "
        r"channel chat, sent \d{4}-\d\d-\d\d \d\d:\d\d UTC\.\nAlerts about the catalogue's jobs "
        r"come like this\.",
        received.body["text"],
    )


def test_alerts_test_to_a_refusing_or_missing_webhook_is_one_line_and_exit_3(
    catalogue: Path,
) -> None:
    with hook_server() as server:
        server.status = 404
        _with_slack(catalogue, server.url)
        code, out = run("alerts", "test", "chat", "--local", str(catalogue))
    assert (code, out) == (
        3,
        "error: channel 'chat': the webhook answered HTTP 404 Not Found\n"
        "  hint: check the URL kept in ssm:/acme-ops/alerts/chat\n",
    )
    catalogue.write_text(catalogue.read_text().replace("/alerts/chat", "/alerts/missing"))
    code, out = run("alerts", "test", "chat", "--local", str(catalogue))
    assert (code, out) == (
        3,
        "error: channel 'chat': secret ssm:/acme-ops/alerts/missing does not exist\n"
        "  hint: create it: aws ssm put-parameter --type SecureString --name"
        " /acme-ops/alerts/missing --value 'https://...'\n",
    )


def test_a_plain_text_webhook_url_fails_validate_without_repeating_it(catalogue: Path) -> None:
    text = catalogue.read_text().replace(
        "      email: [ops@acme.example]",
        "      email: [ops@acme.example]\n    chat:\n"
        "      slack: https://hooks.slack.com/services/T0/B0/XXXX",
    )
    catalogue.write_text(text)
    code, out = run("validate", str(catalogue))
    assert (code, out) == (
        1,
        f'{catalogue}:21:14: error SCH507 channel "chat": the slack URL is written in plain text\n'
        "  hint: keep it in SSM: aws ssm put-parameter --type SecureString --name"
        " /acme-ops/alerts/chat --value 'https://...', then write slack:"
        " ssm:/acme-ops/alerts/chat\n"
        f"{catalogue}: 1 error\n",
    )


def test_alerts_says_when_the_watcher_s_last_pass_is_long_past(applied_example: Path) -> None:
    catalogue = applied_example
    last = applied_with_watcher_pass(catalogue, 20, [])
    code, out = run("alerts", "--local", str(catalogue))
    assert code == 0, out
    note = out.split("\n\n")[-2]
    assert note == (
        f"note: the watcher's last pass was at {last:%Y-%m-%d %H:%M} UTC, though it runs every 5m:"
        " it may be\n      failing (its own log group: /sched/acme-ops/sched-watcher)"
    )


def test_status_says_what_the_watcher_s_last_pass_could_not_send(applied_example: Path) -> None:
    catalogue = applied_example
    last = applied_with_watcher_pass(catalogue, 1, [UNSENT])
    out = run("status", "--local", str(catalogue))[1]
    assert out.splitlines()[-4:] == [
        "",
        f"note: the watcher's last pass ({last:%Y-%m-%d %H:%M} UTC) could not send 1 alert(s);",
        "      it tries again on its next pass:",
        "  log-backup failed → ops: NotFound: SNS topic gone",
    ]


def test_an_aws_managed_kms_key_on_a_channel_names_the_channel_s_own_key(catalogue: Path) -> None:
    text = catalogue.read_text().replace(
        "      email: [ops@acme.example]",
        "      email: [ops@acme.example]\n    chat:\n"
        "      slack: ssm:/acme-ops/alerts/chat\n"
        "      kms_key: alias/aws/ssm",
    )
    catalogue.write_text(text)
    code, out = run("validate", str(catalogue))
    assert code == 1
    assert "an AWS managed key, which the role may already use through its service;" in out
    assert "leave kms_key out" in out
    assert "secrets_kms_key" not in out


def test_status_json_carries_the_watcher_s_health(applied_example: Path) -> None:
    catalogue = applied_example
    last = applied_with_watcher_pass(catalogue, 20, [UNSENT])
    out = run("status", "--local", "--format", "json", str(catalogue))[1]
    assert json.loads(out)["watcher"] == {
        "log_group": WATCHER_GROUP,
        "last_pass": last.isoformat(),
        "overdue_after_s": 300.0,
        "unsent": [
            {
                "job": "log-backup",
                "outcome": "failed",
                "channel": "ops",
                "error": "NotFound: SNS topic gone",
            }
        ],
        "troubled": True,
    }


def test_status_json_before_the_watcher_s_first_pass_says_no_pass_yet(catalogue: Path) -> None:
    out = run("status", "--local", "--format", "json", str(catalogue))[1]
    watcher = json.loads(out)["watcher"]
    assert (watcher["last_pass"], watcher["unsent"], watcher["troubled"]) == (None, [], False)


def test_status_reads_jobs_and_watcher_through_one_restore_of_the_local_state(
    applied_example: Path,
) -> None:
    from scheduler.local import state_file

    catalogue = applied_example
    applied_with_watcher_pass(catalogue, 1, [UNSENT])
    before = state_file.restores()
    out = run("status", "--local", "--format", "json", str(catalogue))[1]
    assert state_file.restores() - before == 1
    report = json.loads(out)
    assert sorted(job["job"] for job in report["jobs"]) == [
        "log-backup", "monthly-report", "nightly-export", "role-canary", "search-reindex",
        "tmp-cleanup",
    ]  # fmt: skip
    assert report["watcher"]["unsent"][0]["channel"] == "ops"
