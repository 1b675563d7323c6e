"""SCH210-SCH211: the Lambda runtime a job names, one line per case, at an injected `now`."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from scheduler import limits
from scheduler.cli import cli
from scheduler.diagnostics import Diagnostic
from scheduler.validate import validate

NOW = datetime(2026, 12, 2, 9, 30, tzinfo=UTC)
CODES = ("SCH210", "SCH211")
ARN = "arn:aws:lambda:eu-west-1:123456789012:function:existing"
HANDLER = Path(__file__).parent.parent / "fixtures" / "rules" / "jobs" / "ok" / "handler.py"


def _handler(tmp_path: Path) -> None:
    (tmp_path / "job").mkdir(exist_ok=True)
    (tmp_path / "job" / "handler.py").write_text(HANDLER.read_text())


def _findings(tmp_path: Path, job: str, *, defaults: str = "", now: datetime) -> list[Diagnostic]:
    """Validate a catalogue holding `job` (its keys, one a line) under a job named `j`."""
    _handler(tmp_path)
    head = "catalogue: fx\n" + (f"defaults:\n  {defaults}\n" if defaults else "")
    body = "".join(f"    {line}\n" for line in job.split("\n"))
    path = tmp_path / "jobs.yaml"
    path.write_text(
        f"{head}jobs:\n  j:\n    schedule: rate(1 hour)\n    expected_runtime: 1m\n{body}"
    )
    return [d for d in validate(path, now=now)[1] if d.code in CODES]


def found(tmp_path: Path, job: str, *, defaults: str = "", now: datetime = NOW) -> list[tuple]:
    return [
        (d.code, d.span.line, d.span.column)
        for d in _findings(tmp_path, job, defaults=defaults, now=now)
    ]


def at(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


PY = "handler: job/handler.py:main"
FN = f"function: {ARN}"


@pytest.mark.parametrize(
    ("job", "defaults", "now", "expected"),
    [
        # unknown runtime: on the job, inherited from defaults, on a function job
        (f"runtime: python3.21\n{PY}", "", NOW, [("SCH210", 6, 14)]),
        (f"runtime: Python3.12\n{PY}", "", NOW, [("SCH210", 6, 14)]),
        (PY, "runtime: pyhton3.12", NOW, [("SCH210", 3, 12)]),
        (f"runtime: node22\n{FN}", "", NOW, [("SCH210", 6, 14)]),
        # a default a function: job does not use, and a Fargate job, are not checked
        (FN, "runtime: pyhton3.12", NOW, []),
        ("compute: fargate\nruntime: nope", "", NOW, []),
        # a handler needs Python; a function: job may run any language
        (f"runtime: nodejs24.x\n{PY}", "", NOW, [("SCH211", 6, 14)]),
        (PY, "runtime: java21", NOW, [("SCH211", 3, 12)]),
        (f"runtime: nodejs12.x\n{PY}", "", NOW, [("SCH211", 6, 14)]),
        (f"runtime: nodejs24.x\n{FN}", "", NOW, []),
        (f"runtime: provided.al2023\n{FN}", "", NOW, []),
        # current runtimes and the public previews are clean
        (f"runtime: python3.14\n{PY}", "", NOW, []),
        (PY, "", NOW, []),
        (f"runtime: python3.15\n{PY}", "", NOW, []),
    ],
)
def test_runtime_findings(
    tmp_path: Path, job: str, defaults: str, now: datetime, expected: list[tuple]
) -> None:
    assert found(tmp_path, job, defaults=defaults, now=now) == expected


def _one(tmp_path: Path, job: str, now: datetime = NOW) -> tuple[str, str, str]:
    [finding] = _findings(tmp_path, job, now=now)
    return finding.severity.label, finding.message, finding.hint


def test_unknown_runtime_names_the_closest_and_the_current_python_runtimes(tmp_path: Path) -> None:
    assert _one(tmp_path, f"runtime: nodejs22\n{FN}") == (
        "error",
        'job "j" names runtime "nodejs22", which Lambda does not have',
        "did you mean nodejs22.x or nodejs24.x? "
        "current Python runtimes: python3.14, python3.13, python3.12, python3.11",
    )


def test_unknown_runtime_suggests_no_deprecated_runtime(tmp_path: Path) -> None:
    """python2.8 is closest to python2.7 and python3.8, both retired: neither is offered."""
    _, _, hint = _one(tmp_path, f"runtime: python2.8\n{PY}")
    assert hint == (
        "did you mean python3.14, python3.13 or python3.12? "
        "current Python runtimes: python3.14, python3.13, python3.12, python3.11"
    )


def test_a_handler_on_node_is_told_the_newest_python(tmp_path: Path) -> None:
    assert _one(tmp_path, f"runtime: nodejs24.x\n{PY}") == (
        "error",
        'job "j" has a Python handler but runtime nodejs24.x (Node.js)',
        "set runtime: python3.14, the newest Python runtime; code in another language runs "
        "from an existing function (function: <ARN>)",
    )


def test_the_table_holds_the_runtimes_users_still_write() -> None:
    for name in (
        *("python2.7", "python3.6", "python3.7", "python3.8", "python3.9", "python3.14"),
        *("nodejs12.x", "nodejs14.x", "nodejs16.x", "nodejs18.x", "nodejs24.x"),
        *("java8", "java8.al2", "java21", "java25", "dotnet8", "dotnet10", "ruby3.4"),
        *("provided", "provided.al2", "provided.al2023", "go1.x"),
    ):
        assert name in limits.LAMBDA_RUNTIMES, name


@pytest.mark.parametrize("code", CODES)
def test_sched_rules_explains_each_new_code(code: str) -> None:
    result = CliRunner().invoke(cli, ["rules", code])
    assert result.exit_code == 0
    assert result.output.startswith(f"{code} (")
    assert "\nFails:\n    " in result.output
    assert "\nPasses:\n" in result.output
