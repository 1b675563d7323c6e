"""`sched cost`: fires in 30 days × expected runtime × memory at Lambda's prices, the free tier
applied once to the total, Fargate beside it, the watcher's own runs included; offline."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from scheduler.cli import cli

CATALOGUE = """\
catalogue: acme-cost
alerts:
  every: 10m
  channels:
    ops: {email: [ops@acme.example]}
jobs:
  weekly:
    schedule: cron(0 2 ? * MON *)
    expected_runtime: 5m
    handler: jobs/ok/handler.py:main
    alert: {to: [ops]}
  busy:
    schedule: rate(1 minute)
    expected_runtime: 50s
    memory: 1024
    handler: jobs/ok/handler.py:main
"""


def run(root: Path, *args: str, text: str = CATALOGUE) -> tuple[int, str]:
    (root / "jobs" / "ok").mkdir(parents=True, exist_ok=True)
    (root / "jobs" / "ok" / "handler.py").write_text("def main(event, ctx):\n    pass\n")
    (root / "jobs.yaml").write_text(text)
    argv = ["cost", *args, str(root / "jobs.yaml"), "--from", "2026-12-01T00:00:00Z"]
    result = CliRunner().invoke(cli, argv, env={"NO_COLOR": "1"})
    return result.exit_code, result.output


# By hand: 4 Mondays after 2026-12-01; busy: 43,200 × 50 s × 1 GB = 2,160,000 GB-s, $36.0001 +
# $0.0086 of requests, on Fargate 0.25 vCPU + 1 GB for the 60 s minimum; after the free tier
# (2,161,488 - 400,000) × $0.0000166667 = $29.36, the 47,524 requests being free.
def test_every_job_and_the_watcher_with_the_free_tier_applied_to_the_total(
    tmp_path: Path,
) -> None:
    assert run(tmp_path) == (
        0,
        "JOB              FIRES/30D   RUN   MEMORY       GB-S  LAMBDA $  FARGATE $\n"
        "weekly                   4    5m   256 MB        300    0.0050     0.0041\n"
        "busy                43,200   50s  1024 MB  2,160,000     36.01      10.49\n"
        "(alert watcher)      4,320  1.1s   256 MB      1,188      0.02       0.89\n"
        "total               47,524                 2,161,488     36.03      11.38\n"
        "\n"
        "Lambda after the free tier (1,000,000 requests and 400,000 GB-s a month, shared by the"
        " account):\n"
        "  $29.36 a month\n"
        "fires in the 30 days from 2026-12-01 00:00 UTC × expected_runtime × memory; us-east-1"
        " on-demand x86\n"
        "  prices of 2026-12-02\n",
    )


def test_one_job_leaves_the_watcher_out(tmp_path: Path) -> None:
    code, out = run(tmp_path, "weekly")
    assert (code, out.splitlines()[:3]) == (
        0,
        [
            "JOB     FIRES/30D  RUN  MEMORY  GB-S  LAMBDA $  FARGATE $",
            "weekly          4   5m  256 MB   300    0.0050     0.0041",
            "total           4                300    0.0050     0.0041",
        ],
    )


def test_an_unknown_job_is_a_usage_error(tmp_path: Path) -> None:
    code, out = run(tmp_path, "nope")
    assert code == 2
    assert "no job named 'nope'" in out


# By hand: busy on arm64: 2,160,000 GB-s × $0.0000133334 = $28.8001 + $0.0086 of requests;
# after the free tier, 1,761,488 of the 2,161,488 GB-s are billed, each job's in proportion:
# (300 × 0.0000166667 + 28.8001 + 1,188 × 0.0000166667) × 1,761,488 / 2,161,488 = $23.49.
def test_an_arm64_job_is_priced_at_lambdas_arm_rate(tmp_path: Path) -> None:
    arm = CATALOGUE.replace("    memory: 1024\n", "    memory: 1024\n    architecture: arm64\n")
    code, out = run(tmp_path, text=arm)
    assert code == 0
    assert out.splitlines()[2] == (
        "busy                43,200   50s  1024 MB arm64  2,160,000     28.81      10.49"
    )
    assert "  $23.49 a month" in out.splitlines()
    assert out.endswith("us-east-1 on-demand x86\n  (Arm for arm64 jobs) prices of 2026-12-02\n")
