"""Values quoted in messages are cut to ECHO_LIMIT characters, with their full length said."""

from __future__ import annotations

from catalogue_support import VALID_JOB, found, loaded

from scheduler.diagnostics import ECHO_LIMIT, echo

LONG = "x" * 100_000
CUT = '"' + "x" * (ECHO_LIMIT - 1) + '…" (100,000 characters)'


def test_echo_quotes_a_short_value_whole() -> None:
    assert echo("x" * ECHO_LIMIT) == '"' + "x" * ECHO_LIMIT + '"'


def test_echo_cuts_a_long_value_and_says_how_long_it_is() -> None:
    assert echo("x" * (ECHO_LIMIT + 1)) == '"' + "x" * (ECHO_LIMIT - 1) + '…" (61 characters)'
    assert echo(LONG) == CUT


def test_echo_quotes_in_the_style_asked_for() -> None:
    assert echo("it's", repr) == '"it\'s"'
    assert echo("a" * 100, repr) == "'" + "a" * (ECHO_LIMIT - 1) + "…' (100 characters)"


def test_wrong_type_quotes_at_most_the_limit() -> None:
    result = loaded(f"catalogue: a\ndefaults:\n  memory: {LONG}\n")
    assert found(result) == [("SCH006", 3, 11)]
    assert result.diagnostics[0].message == f"defaults.memory must be an integer, got {CUT}"


def test_invalid_duration_quotes_at_most_the_limit() -> None:
    result = loaded(
        f"catalogue: a\njobs:\n  j:\n    schedule: rate(1 day)\n    expected_runtime: {LONG}\n"
    )
    assert found(result) == [("SCH006", 5, 23)]
    message = result.diagnostics[0].message
    assert message == f"expected_runtime: {echo(LONG, repr)} is not a duration"
    assert len(message) < 200


def test_unknown_key_quotes_at_most_the_limit() -> None:
    result = loaded(f"catalogue: a\n? {LONG}\n: 1\n")
    assert found(result) == [("SCH005", 2, 3)]
    assert result.diagnostics[0].message == f"unknown key {CUT} in the top level"


def test_long_job_name_is_cut_where_it_is_named() -> None:
    result = loaded(f"catalogue: a\njobs:\n  ? {LONG}\n  : {{expected_runtime: 5m}}\n")
    assert found(result) == [("SCH007", 3, 5)]
    assert result.diagnostics[0].message == f'job {CUT} is missing required key "schedule"'


def test_long_key_inside_a_job_is_cut_in_its_dotted_name() -> None:
    result = loaded(f"catalogue: a\njobs:\n  j:\n{VALID_JOB}    tags:\n      ? {LONG}\n      : 3\n")
    assert found(result) == [("SCH006", 8, 9)]
    assert result.diagnostics[0].message == f"tags.{CUT} must be text, got 3"


def test_duplicate_key_quotes_at_most_the_limit() -> None:
    result = loaded(f"catalogue: a\n? {LONG}\n: 1\n? {LONG}\n: 2\n")
    assert ("SCH003", 4, 3) in found(result)
    messages = [d.message for d in result.diagnostics if d.code == "SCH003"]
    assert messages == [f"duplicate key {CUT} (first on line 2)"]


def test_value_under_a_wrong_explicit_tag_quotes_at_most_the_limit() -> None:
    result = loaded(f"catalogue: a\ndefaults:\n  memory: !!int {LONG}\n")
    assert ("SCH006", 3, 11) in found(result)
    assert result.diagnostics[0].message == f"{CUT} is not a valid !!int"
