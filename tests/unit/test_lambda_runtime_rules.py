"""SCH210-SCH214: the Lambda runtime a job names, one line per case, at an injected `now`."""

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
CODES = ("SCH210", "SCH211", "SCH212", "SCH213", "SCH214")
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
        # deprecated and blocked for new functions: error, on the job or from defaults
        (f"runtime: python2.7\n{PY}", "", NOW, [("SCH212", 6, 14)]),
        (PY, "runtime: python3.7", NOW, [("SCH212", 3, 12)]),
        (f"runtime: nodejs16.x\n{FN}", "", at("2027-02-01"), [("SCH212", 6, 14)]),
        # deprecated, creating still allowed: warning, until the block date
        (f"runtime: python3.10\n{PY}", "", NOW, [("SCH213", 6, 14)]),
        (f"runtime: python3.10\n{PY}", "", at("2026-10-31"), [("SCH213", 6, 14)]),
        (f"runtime: python3.10\n{PY}", "", at("2027-01-31T23:59"), [("SCH213", 6, 14)]),
        (f"runtime: python3.10\n{PY}", "", at("2027-02-01"), [("SCH212", 6, 14)]),
        (f"runtime: dotnet8\n{FN}", "", NOW, [("SCH213", 6, 14)]),
        (PY, "runtime: python3.9", NOW, [("SCH213", 3, 12)]),
        # deprecated within 180 days: warning; further off, nothing
        (f"runtime: python3.10\n{PY}", "", at("2026-10-30"), [("SCH214", 6, 14)]),
        (f"runtime: python3.11\n{PY}", "", at("2026-12-31"), []),
        (f"runtime: python3.11\n{PY}", "", at("2027-01-01"), [("SCH214", 6, 14)]),
        (f"runtime: nodejs22.x\n{FN}", "", NOW, [("SCH214", 6, 14)]),
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


def test_every_job_inheriting_a_deprecated_default_is_named_at_the_default(
    tmp_path: Path,
) -> None:
    _handler(tmp_path)
    job = "    schedule: rate(1 hour)\n    expected_runtime: 1m\n    handler: job/handler.py:main\n"
    path = tmp_path / "jobs.yaml"
    path.write_text(
        f"catalogue: fx\ndefaults:\n  runtime: python3.8\njobs:\n  a:\n{job}  b:\n{job}"
    )
    found = [(d.code, d.span.line, d.span.column, d.message) for d in validate(path, now=NOW)[1]]
    fact = "uses python3.8, deprecated since 2024-10-14; Lambda blocks new functions on it from"
    assert found == [
        ("SCH213", 3, 12, f'job "a" {fact} 2027-02-01'),
        ("SCH213", 3, 12, f'job "b" {fact} 2027-02-01'),
    ]


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


def test_blocked_runtime_says_since_when_creates_and_updates_fail(tmp_path: Path) -> None:
    assert _one(tmp_path, f"runtime: python3.7\n{PY}", at("2027-03-03")) == (
        "error",
        'job "j" uses python3.7, deprecated since 2023-12-04; Lambda blocks new functions on it '
        "since 2024-01-09 and updates since 2027-03-03",
        "set runtime: python3.14, the newest Python runtime",
    )


def test_a_deprecated_function_runtime_is_pointed_at_its_own_language(tmp_path: Path) -> None:
    assert _one(tmp_path, f"runtime: nodejs20.x\n{FN}") == (
        "warning",
        'job "j" uses nodejs20.x, deprecated since 2026-04-30; Lambda blocks new functions on it '
        "from 2027-02-01",
        "move the function to nodejs24.x, the newest Node.js runtime",
    )


def test_go_functions_are_pointed_at_the_os_only_runtime(tmp_path: Path) -> None:
    _, _, hint = _one(tmp_path, f"runtime: go1.x\n{FN}")
    assert hint == "move the function to provided.al2023, the newest OS-only runtime"


def test_soon_deprecated_gives_the_date_and_the_days_left(tmp_path: Path) -> None:
    assert _one(tmp_path, f"runtime: python3.11\n{PY}", at("2027-03-01")) == (
        "warning",
        'job "j" uses python3.11, which AWS deprecates on 2027-06-30 (in 121 days)',
        "set runtime: python3.14, the newest Python runtime",
    )


def test_now_is_read_in_utc(tmp_path: Path) -> None:
    """23:30 on 2027-01-31 in New York is already 2027-02-01 in UTC: the block has begun."""
    from zoneinfo import ZoneInfo

    late = datetime(2027, 1, 31, 23, 30, tzinfo=ZoneInfo("America/New_York"))
    assert found(tmp_path, f"runtime: python3.10\n{PY}", now=late) == [("SCH212", 6, 14)]


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
