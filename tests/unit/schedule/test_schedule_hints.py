"""Every rewrite a schedule hint suggests is itself a valid schedule (issue 10).

A corpus of bad expressions reaches every place the schedule parser raises (checked against
the raise sites in scheduler/schedule/), and each expression a hint names, cron(...),
rate(...), at(...) or a quoted 5-field Unix line, must parse.
"""

from __future__ import annotations

import ast
import re
import traceback
from pathlib import Path

import pytest

from scheduler.schedule import ScheduleError, parse
from scheduler.schedule.parser import _parse

SCHEDULE = Path(__file__).parents[3] / "scheduler" / "schedule"

BAD = (
    # parser: empty, unwrapped AWS fields, seconds, not a schedule, space around
    "",
    "0 10 * * ? *",
    "0 2 * * * 2026",
    "0 10 1 * MON 2026",
    "0 */5 * * * *",
    "30 0 12 * * ? 2026",
    "daily",
    " cron(0 10 * * ? *)",
    "rate(5 minutes)\t",
    # forms: head, closing, trailing text, blanks inside
    "Cron(0 10 * * ? *)",
    "cron (0 10 * * MON *)",
    "cron(0 10 * * ? *",
    "rate(5 minutes) now",
    "cron( 0 10 * * ? *)",
    "cron(0 10 * * ? * )",
    "cron(0  10 * * * *)",
    "cron(0\t10 * * ? *)",
    "rate( 1 minutes)",
    "at(2030-01-01T09:00:00 )",
    # aws_cron: field counts, ?, day rules, day-of-week forms
    "cron(0 10 * * ?)",
    "cron(0 2 * * *)",
    "cron(0 2 * * 1)",
    "cron(0 0 10 * * ? *)",
    "cron(0 0 0 10 * * ? *)",
    "cron(? 10 * * ? *)",
    "cron(0 10 * * * *)",
    "cron(0 10 * * MON *)",
    "cron(0 10 1 * MON *)",
    "cron(0 10 ? * ? *)",
    "cron(0 10 1,? * ? *)",
    "cron(0 10 ? * MON,? *)",
    "cron(0 0 1#2 * ? *)",
    "cron(0 0 L,15 * ? *)",
    "cron(0 0 32W * ? *)",
    "cron(0 0 ? * 2-6L *)",
    "cron(0 0 ? * */2 *)",
    "cron(0 0 ? * 1-7/2 *)",
    "cron(0 0 ? * 3#1,6#3 *)",
    "cron(0 0 ? * 2#6 *)",
    # fields: lists, ranges, steps, values
    "cron(0 10 1,,2 * ? *)",
    "cron(0 0 * * ? 2030-2027)",
    "cron(0/x * * * ? *)",
    "cron(0/60 * * * ? *)",
    "cron(60 10 * * ? *)",
    "cron(0 10 * FOO ? *)",
    "cron(0 10 1- * ? *)",
    # rate and at
    "rate(5)",
    "rate(0 minutes)",
    "rate(30 seconds)",
    "rate(2 weeks)",
    "rate(1 week)",
    "rate(1 fortnight)",
    "rate(1 minutes)",
    "rate(5 Minutes)",
    "at(2030-01-01 09:00)",
    "at(2030-02-30T09:00:00)",
    # unix and presets
    "@reboot",
    "@fortnightly",
    "0 0 L * *",
    "0 22-2 * * *",
    "0 0 * * FRI-MON",
    "0 0 * * 5-1",
)

_EXPRESSION = re.compile(r"(?:cron|rate|at)\([^()]*\)")
_QUOTED = re.compile(r'"([^"]*)"')


def suggestions(hint: str) -> list[str]:
    found = _EXPRESSION.findall(hint)
    found += [q for q in _QUOTED.findall(hint) if len(q.split()) == 5]
    return found


def hints() -> list[tuple[str, str]]:
    out = []
    for expression in BAD:
        with pytest.raises(ScheduleError) as caught:
            parse(expression)
        out.append((expression, caught.value.hint))
    return out


@pytest.mark.parametrize(("expression", "hint"), hints())
def test_every_suggested_expression_validates(expression: str, hint: str) -> None:
    assert hint, f"{expression!r} has no hint"
    assert "{fix}" not in hint
    for suggested in suggestions(hint):
        try:
            parse(suggested)
        except ScheduleError as error:
            pytest.fail(f"{expression!r} suggests {suggested!r}, which fails: {error.message}")


def _raise_sites() -> set[tuple[str, int]]:
    sites = set()
    for path in SCHEDULE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
                func = node.exc.func
                if isinstance(func, ast.Name) and func.id == "ScheduleError":
                    sites.add((path.name, node.lineno))
    return sites


def _site_of(expression: str) -> tuple[str, int]:
    try:
        _parse(expression)
    except ScheduleError as error:
        frame = traceback.extract_tb(error.__traceback__)[-1]
        return Path(frame.filename).name, frame.lineno
    raise AssertionError(f"{expression!r} parsed")


# Reached only by spec_for on an expression that is not one of the three forms, which parse
# never hands it: kept as a guard.
_UNREACHABLE = {"forms.py"}


def test_the_corpus_reaches_every_place_the_parser_raises() -> None:
    reached = {_site_of(expression) for expression in BAD}
    missing = {
        site
        for site in _raise_sites() - reached
        if not (site[0] in _UNREACHABLE and _is_first_raise(site))
    }
    assert not missing, f"no bad expression reaches {sorted(missing)}"


def _is_first_raise(site: tuple[str, int]) -> bool:
    return site[1] == min(line for name, line in _raise_sites() if name == site[0])


def test_the_issue_example_suggests_a_valid_fix() -> None:
    with pytest.raises(ScheduleError) as caught:
        parse("cron(0 2 * * *)")
    assert suggestions(caught.value.hint) == ["cron(0 2 * * ? *)"]


def test_every_hint_the_schedule_rules_give_suggests_only_valid_expressions() -> None:
    # The same corpus through `validate`: the hints as the user reads them, from every
    # schedule rule (SCH101-SCH109), on both backends so that the Scheduler-only ones run too.
    import json
    from datetime import UTC, datetime

    from scheduler.catalogue.loader import load_text
    from scheduler.validate import run_rules

    arn = "arn:aws:lambda:us-east-1:123456789012:function:f"
    jobs = "".join(
        f"  j{i}-{backend}:\n    schedule: {json.dumps(expression)}\n    expected_runtime: 1m\n"
        f"    function: {arn}\n    backend: {backend}\n"
        for i, expression in enumerate([*BAD, "rate(1 minute)", "cron(30 2 * * ? *)"])
        for backend in ("rules", "scheduler")
    )
    loaded = load_text(f"catalogue: fx\njobs:\n{jobs}", "jobs.yaml")
    found = run_rules(loaded, now=datetime(2026, 11, 25, tzinfo=UTC), check_files=False)
    schedule_hints = [d.hint for d in found if d.code.startswith("SCH10")]
    assert len(schedule_hints) >= len(BAD)
    for hint in schedule_hints:
        for suggested in suggestions(hint):
            parse(suggested)
