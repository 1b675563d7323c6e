"""Benchmark `sched validate` against cfn-lint checking the same jobs as a CloudFormation template.

cfn-lint is a peer, not a dependency: install it in a scratch venv first, then point at it:
    python3 -m venv /tmp/cfnlint-venv && /tmp/cfnlint-venv/bin/pip install cfn-lint
    python bench/bench_cfn_lint.py --cfn-lint /tmp/cfnlint-venv/bin/cfn-lint [--jobs 50 150]
For each N, `bench/gen_catalogue.py`'s catalogue and a template of what it deploys (per job an
EventBridge rule, a Lambda function and its invoke permission; one execution role) are checked
as whole processes, CPU time, run in alternation (issue 11: the lead is re-measured, not
remembered). Both must find nothing wrong, so that neither stops early. One template holds at
most 500 resources (cfn-lint E3010, CloudFormation's quota), so past 166 jobs (3 resources each)
the peer would need nested stacks: the default stays at 150.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from gen_catalogue import SCHEDULES, write
from timing import alternate, bench_env

ROOT = Path(__file__).parent.parent
# The catalogue's schedules as CloudFormation takes them (AWS forms only).
AWS_FORMS = {'"30 1 * * *"': "cron(30 1 * * ? *)", '"@daily"': "cron(0 0 * * ? *)"}


def template(jobs: int) -> dict[str, object]:
    resources: dict[str, object] = {
        "JobRole": {
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "lambda.amazonaws.com"},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                },
            },
        }
    }
    for i in range(jobs):
        schedule = SCHEDULES[i % len(SCHEDULES)]
        name = f"Job{i:05d}"
        resources[f"{name}Function"] = {
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "FunctionName": f"bench-job-{i:05d}",
                "Description": f"synthetic job {i}",
                "Runtime": "python3.12",
                "Handler": "handler.main",
                "MemorySize": 256,
                "Timeout": 90,
                "Role": {"Fn::GetAtt": ["JobRole", "Arn"]},
                "Code": {"ZipFile": "def main(event, context):\n    return None\n"},
                "Tags": [{"Key": "team", "Value": "bench"}],
            },
        }
        resources[f"{name}Rule"] = {
            "Type": "AWS::Events::Rule",
            "Properties": {
                "Name": f"bench-job-{i:05d}",
                "ScheduleExpression": AWS_FORMS.get(schedule, schedule),
                "Targets": [
                    {
                        "Id": "sched",
                        "Arn": {"Fn::GetAtt": [f"{name}Function", "Arn"]},
                        "Input": json.dumps({"item": i, "bucket": "bench-bucket"}),
                    }
                ],
            },
        }
        resources[f"{name}Permission"] = {
            "Type": "AWS::Lambda::Permission",
            "Properties": {
                "FunctionName": {"Ref": f"{name}Function"},
                "Action": "lambda:InvokeFunction",
                "Principal": "events.amazonaws.com",
                "SourceArn": {"Fn::GetAtt": [f"{name}Rule", "Arn"]},
            },
        }
    return {"AWSTemplateFormatVersion": "2010-09-09", "Resources": resources}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cfn-lint", default=shutil.which("cfn-lint"))
    parser.add_argument("--jobs", type=int, nargs="+", default=[50, 150])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    if not args.cfn_lint:
        sys.exit("cfn-lint not found: see this file's docstring for the scratch venv")
    for jobs in args.jobs:
        with tempfile.TemporaryDirectory() as tmp:
            catalogue = write(Path(tmp) / "jobs.yaml", jobs)
            cfn = Path(tmp) / "template.json"
            cfn.write_text(json.dumps(template(jobs), indent=1))
            commands = {
                "sched validate": [sys.executable, "-m", "scheduler", "validate", str(catalogue)],
                "cfn-lint": [args.cfn_lint, str(cfn)],
            }
            for name, command in commands.items():
                done = subprocess.run(
                    command, cwd=ROOT, env=bench_env(), capture_output=True, text=True, check=False
                )
                if done.returncode != 0:
                    sys.exit(f"{name} found problems at {jobs} jobs:\n{done.stdout[-2000:]}")
            cpu = alternate(commands, args.runs, ROOT)
        sched, peer = cpu["sched validate"], cpu["cfn-lint"]
        print(
            f"{jobs:>6} jobs: sched validate {sched * 1000:7.0f} ms, cfn-lint {peer * 1000:8.0f} ms"
            f" CPU (median of {args.runs}, alternated): cfn-lint / sched {peer / sched:.0f}x"
        )


if __name__ == "__main__":
    main()
