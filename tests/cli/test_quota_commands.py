"""`sched plan` and `sched apply` on the embedded local AWS with a catalogue over EventBridge's
rules per bus: the quota report (text and JSON), and apply refused before the first write."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from scheduler.cli import cli

REPORT = """\
Quotas (read before any change):
  error EventBridge rules on the default bus: 301 needed (301 of this catalogue, 0 others), over 300
    (the documented default)
    fix: move at least 1 job to backend: scheduler (no rules), or ask for an increase of "Number of
      rules" (Amazon EventBridge; service code events, quota code L-244521F2) in Service Quotas
  note: servicequotas:GetServiceQuota answered NoSuchResourceException: EventBridge's rules per bus
    taken as its documented default, 300 in us-east-1
  note: lambda:GetAccountSettings answered 404: Lambda's concurrency taken as its documented
    default, 1000, and code storage not counted
"""


def _catalogue(root: Path, jobs: int) -> Path:
    (root / "jobs").mkdir()
    (root / "jobs" / "h.py").write_text("def main(event, context):\n    return 'ok'\n")
    lines = ["catalogue: big", "jobs:"]
    for i in range(jobs):
        lines += [
            f"  job-{i:03d}:",
            f"    schedule: cron({i % 60} {i % 24} * * ? *)",
            "    expected_runtime: 1m",
            "    handler: jobs/h.py:main",
        ]
    path = root / "jobs.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        cli, list(args), env={"NO_COLOR": "1", "SCHED_LOCAL": "", "AWS_REGION": "us-east-1"}
    )
    return result.exit_code, result.stdout, result.stderr


def test_plan_reports_what_does_not_fit_and_apply_refuses_before_any_write(
    tmp_path: Path,
) -> None:
    path = _catalogue(tmp_path, 301)

    code, out, err = _run("plan", "--local", str(path))
    assert code == 0
    assert out.endswith("\n\n" + REPORT)

    code, out, err = _run("apply", "--local", "--yes", str(path))
    assert code == 3
    assert out.endswith("\n\n" + REPORT)
    assert err.endswith(
        "error: the plan does not fit 1 of the account's quotas; nothing was changed\n"
        "  hint: do what the quota report above says for each, then apply again\n"
    )
    code, out, _ = _run("plan", "--local", "--format", "json", str(path))
    document = json.loads(out)
    assert document["summary"]["create"] == 301 * 5
    assert document["quotas"]["fits"] is False
    assert [s["limit"] for s in document["quotas"]["shortfalls"]] == [300]


def test_a_catalogue_that_fits_shows_no_quota_report(tmp_path: Path) -> None:
    path = _catalogue(tmp_path, 3)

    code, out, _ = _run("plan", "--local", str(path))

    assert code == 0
    assert "Quotas" not in out
    document = json.loads(_run("plan", "--local", "--format", "json", str(path))[1])
    assert "quotas" not in document
