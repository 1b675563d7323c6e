"""Benchmark `sched plan --local` on the example against `sched validate` on it (issue 11).

Run by hand:  python bench/bench_plan_local.py [--runs N] [--against PATH] [--profile]
Goal (issue 11): the plan within 2.5x of validate, both whole processes, CPU time, run in
alternation. The example (jobs.yaml, its jobs/ and local data) is copied to a scratch folder;
one untimed plan first creates its local AWS, so the timed plans restore a saved state, as
every plan after a checkout's first does. Measured twice: with nothing applied, and after
`apply --local` (a plan with no changes). `--against PATH` also runs another checkout's sched
in the same alternation; `--profile` prints where one plan's time goes (cProfile).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from timing import alternate, bench_env

ROOT = Path(__file__).parent.parent
EXAMPLE = ("jobs.yaml", "local-data.yaml", "jobs", "local-data")
# The example declares environments: a plan without one is refused before it reads anything.
ENV = ("--env", "dev")
# What any local plan imports beyond validate: boto3, moto, and moto's models of the services
# the plan reads (IAM, Lambda, EventBridge, Scheduler, SNS, Logs; S3, SQS, DynamoDB come with
# Lambda's). Timed alone, it shows how near the floor of a local plan is.
LOCAL_IMPORTS = (
    "import boto3; from moto import mock_aws; mock_aws().start(); "
    "import moto.iam.models, moto.awslambda_simple.models, moto.events.models, "
    "moto.scheduler.models, moto.sns.models, moto.logs.models"
)


def sched_of(tree: Path) -> list[str]:
    """`sched` from the checkout at `tree`, whatever the current directory."""
    code = f"import sys, runpy; sys.path.insert(0, {str(tree)!r}); "
    code += "runpy.run_module('scheduler', run_name='__main__')"
    return [sys.executable, "-c", code]


def copy_example(target: Path) -> Path:
    target.mkdir(parents=True)
    for name in EXAMPLE:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, target / name)
    return target


def measure(folders: dict[str, Path], runs: int) -> dict[str, float]:
    """Each tree plans its own copy of the example: their saved states may differ in format."""
    commands = {}
    for label, folder in folders.items():
        tree = Path(label.strip(" ()")) if label else ROOT
        in_folder = f"import os; os.chdir({str(folder)!r}); "
        run = [sys.executable, "-c", in_folder + sched_of(tree)[2]]
        plan = [*run, "plan", "--local", *ENV]
        # Untimed, and it must succeed: a refused plan would time only its refusal.
        subprocess.run(plan, env=bench_env(), capture_output=True, check=True)
        commands[f"sched plan --local{label}"] = plan
        commands[f"sched validate{label}"] = [*run, "validate", "jobs.yaml"]
    commands["floor: local mode's imports alone"] = [sys.executable, "-c", LOCAL_IMPORTS]
    return alternate(commands, runs, ROOT)


def report(title: str, cpu: dict[str, float], against: Path | None) -> None:
    print(f"{title}: CPU time, whole process, median of alternated runs")
    for name, seconds in cpu.items():
        print(f"  {name:<60} {seconds * 1000:6.0f} ms")
    for label in ("", f" ({against})") if against else ("",):
        ratio = cpu[f"sched plan --local{label}"] / cpu[f"sched validate{label}"]
        print(f"  ratio plan --local / validate{label}: {ratio:.2f}x")
    validate = cpu["sched validate"]
    floor = (validate + cpu["floor: local mode's imports alone"]) / validate
    print(f"  ratio (validate + local mode's imports alone) / validate: {floor:.2f}x")


def profile(folder: Path) -> None:
    """One plan in this process, after a plan that created the local AWS."""
    run = [*sched_of(ROOT), "plan", "--local", *ENV]
    subprocess.run(run, cwd=folder, env=bench_env(), capture_output=True, check=True)
    code = (
        f"import cProfile, pstats, sys, runpy; sys.argv = {['sched', *run[3:]]!r}\n"
        f"sys.path.insert(0, {str(ROOT)!r})\n"
        "p = cProfile.Profile(); p.enable()\n"
        "try:\n    runpy.run_module('scheduler', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "p.disable(); pstats.Stats(p, stream=sys.stderr).sort_stats('cumtime').print_stats(40)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=folder,
        env=bench_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    print(done.stderr)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=11)
    parser.add_argument("--against", type=Path)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folders = {"": copy_example(Path(tmp) / "this")}
        if args.against:
            folders[f" ({args.against})"] = copy_example(Path(tmp) / "against")
        if args.profile:
            profile(folders[""])
            return
        report("nothing applied", measure(folders, args.runs), args.against)
        for label, folder in folders.items():
            tree = Path(label.strip(" ()")) if label else ROOT
            apply = [*sched_of(tree), "apply", "--local", *ENV, "--yes"]
            subprocess.run(apply, cwd=folder, env=bench_env(), capture_output=True, check=True)
        report("\nafter apply --local", measure(folders, args.runs), args.against)


if __name__ == "__main__":
    main()
