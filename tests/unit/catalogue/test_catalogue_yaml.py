"""YAML-level problems: syntax (SCH002), duplicate keys (SCH003), document shape (SCH004),
alias bombs and nesting (SCH008), and how scalars, tags and merge keys become data."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from catalogue_support import VALID_JOB, billion_laughs, found, loaded

from scheduler.catalogue import loader, yaml_tree
from scheduler.catalogue.loader import LoadResult
from scheduler.catalogue.yaml_tree import ComposerFactory

# --- SCH002 -----------------------------------------------------------------------------------


def test_tab_used_for_indentation_points_at_the_tab() -> None:
    result = loaded("catalogue: a\njobs:\n  j:\n    schedule: x\n\texpected_runtime: 5m\n")
    assert found(result) == [("SCH002", 5, 1)]
    diagnostic = result.diagnostics[0]
    assert diagnostic.message == "YAML syntax error: tab character in indentation"
    assert diagnostic.hint == "indent with spaces; YAML does not allow tabs for indentation"
    assert result.catalogue is None


def test_tab_after_spaces_in_indentation_points_at_the_tab() -> None:
    result = loaded("catalogue: a\njobs:\n  j:\n  \t  schedule: x\n")
    assert found(result) == [("SCH002", 4, 3)]
    assert result.diagnostics[0].message == "YAML syntax error: tab character in indentation"


def test_tab_between_key_and_value_is_fine() -> None:
    result = loaded("catalogue:\tacme\n")
    assert found(result) == []
    assert result.catalogue is not None
    assert result.catalogue.name == "acme"


def test_unquoted_at_sign_gets_a_quoting_hint() -> None:
    result = loaded("catalogue: a\njobs:\n  j:\n    schedule: @daily\n")
    assert found(result) == [("SCH002", 4, 15)]
    assert result.diagnostics[0].message == (
        "YAML syntax error: a value cannot start with @ unless it is quoted"
    )
    assert result.diagnostics[0].hint == 'put the value in quotes, e.g. schedule: "@daily"'


def test_colon_inside_a_plain_value() -> None:
    result = loaded("catalogue: a\njobs:\n  j:\n    description: Backup: logs\n")
    assert found(result) == [("SCH002", 4, 24)]
    assert result.diagnostics[0].hint == 'quote values that contain ": ", or fix the indentation'


def test_unclosed_flow_mapping_names_where_it_opened() -> None:
    result = loaded("catalogue: a\njobs:\n  j: {schedule: x\n  k: 1\n")
    assert found(result) == [("SCH002", 4, 4)]
    assert result.diagnostics[0].message == (
        "YAML syntax error: did not find expected ',' or '}' "
        "(while parsing a flow mapping at line 3, column 6)"
    )
    assert result.diagnostics[0].hint == "close the mapping with }"


def test_unclosed_quote() -> None:
    result = loaded('catalogue: "acme\njobs: {}\n')
    assert found(result) == [("SCH002", 3, 1)]
    assert result.diagnostics[0].hint == "close the quote"


def test_misaligned_key() -> None:
    result = loaded("catalogue: a\njobs:\n  j:\n    schedule: x\n   expected_runtime: 5m\n")
    assert found(result) == [("SCH002", 5, 4)]
    assert result.diagnostics[0].hint == "line up the keys of one mapping at the same indentation"


def test_undefined_alias() -> None:
    result = loaded("catalogue: a\njobs:\n  j: *missing\n")
    assert found(result) == [("SCH002", 3, 6)]
    assert result.diagnostics[0].message == "YAML syntax error: found undefined alias"


# --- SCH003 -----------------------------------------------------------------------------------


def test_duplicate_key_points_at_the_second_and_names_the_first_line() -> None:
    text = "catalogue: a\njobs:\n  j:\n    schedule: rate(1 day)\n" + VALID_JOB
    result = loaded(text)
    assert found(result) == [("SCH003", 5, 5)]
    assert result.diagnostics[0].message == 'duplicate key "schedule" (first on line 4)'
    assert result.catalogue is not None
    assert result.catalogue.jobs[0].schedule == "rate(1 day)"


def test_the_last_of_duplicate_values_is_used_like_yaml_does() -> None:
    result = loaded("catalogue: a\ncatalogue: b\n")
    assert found(result) == [("SCH003", 2, 1)]
    assert result.catalogue is not None
    assert result.catalogue.name == "b"
    assert result.source_map.key_span(("catalogue",)).line == 2


def test_every_repeat_names_the_first_line() -> None:
    result = loaded("catalogue: a\njobs: {}\njobs: {}\njobs: {}\n")
    assert [(d.span.line, d.message) for d in result.diagnostics] == [
        (3, 'duplicate key "jobs" (first on line 2)'),
        (4, 'duplicate key "jobs" (first on line 2)'),
    ]


def test_duplicate_job_names() -> None:
    result = loaded("catalogue: a\njobs:\n  j:\n" + VALID_JOB + "  j:\n" + VALID_JOB)
    assert found(result) == [("SCH003", 6, 3)]
    assert result.diagnostics[0].message == 'duplicate key "j" (first on line 3)'


def test_keys_that_resolve_to_the_same_value_are_duplicates() -> None:
    result = loaded("catalogue: a\njobs: {}\nx:\n  1: a\n  0x1: b\n")
    assert ("SCH003", 5, 3) in found(result)
    assert "duplicate key 1 (first on line 4)" in [d.message for d in result.diagnostics]


def test_a_key_in_an_anchor_used_twice_is_reported_once() -> None:
    text = "catalogue: a\njobs:\n  j: &j\n" + VALID_JOB + "    memory: 1\n    memory: 2\n  k: *j\n"
    assert found(loaded(text)) == [("SCH003", 7, 5)]


# --- SCH004 -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n", "~\n", "--- # empty\n...\n"])
def test_empty_document(text: str) -> None:
    result = loaded(text)
    assert found(result) == [("SCH004", 1, 1)]
    assert result.diagnostics[0].message == "jobs.yaml is empty"
    assert result.catalogue is None


def test_list_at_the_top_level() -> None:
    result = loaded("# jobs\n- log-backup\n- reindex\n")
    assert found(result) == [("SCH004", 2, 1)]
    assert result.diagnostics[0].message == (
        "the top level must be a mapping (catalogue:, jobs:, ...), got a list"
    )
    assert result.catalogue is None


def test_scalar_at_the_top_level() -> None:
    result = loaded("hello\n")
    assert found(result) == [("SCH004", 1, 1)]
    assert result.diagnostics[0].message == (
        'the top level must be a mapping (catalogue:, jobs:, ...), got the value "hello"'
    )


def test_jobs_must_be_a_mapping() -> None:
    result = loaded("catalogue: a\njobs:\n  - log-backup\n")
    assert found(result) == [("SCH004", 3, 3)]
    assert result.diagnostics[0].message == (
        "jobs must be a mapping of job names to their settings, got a list"
    )
    assert result.catalogue is None


def test_empty_jobs_is_a_catalogue_without_jobs() -> None:
    result = loaded("catalogue: a\njobs:\n")
    assert found(result) == []
    assert result.catalogue is not None
    assert result.catalogue.jobs == ()


def test_second_document_points_at_its_marker_and_the_first_is_still_loaded() -> None:
    result = loaded("catalogue: a\njobs:\n  j:\n" + VALID_JOB + "---\ncatalogue: b\n---\nc: 1\n")
    assert found(result) == [("SCH004", 6, 1)]
    assert result.diagnostics[0].message == (
        "a second YAML document starts here; a catalogue is one document"
    )
    assert result.catalogue is not None
    assert result.catalogue.name == "a"


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("--- a\n--- b\n", 2),
        ("catalogue: a\n...\n# another\n--- # again\nb: 1\n", 4),
        ("catalogue: [a]\n---\n", 2),
        ("catalogue: a\n\n\n---\n", 4),
    ],
)
def test_second_document_marker_line(text: str, line: int) -> None:
    assert ("SCH004", line, 1) in found(loaded(text))


def test_document_end_marker_alone_is_one_document() -> None:
    assert found(loaded("catalogue: a\n...\n")) == []


# --- SCH008 -----------------------------------------------------------------------------------


def test_billion_laughs_stops_with_one_diagnostic() -> None:
    result = loaded(billion_laughs())
    assert found(result) == [("SCH008", 7, 1)]
    assert result.diagnostics[0].message == "aliases expand to more than 100,034 repeated values"
    assert result.catalogue is None


def test_aliases_below_the_limit_are_expanded() -> None:
    result = loaded(billion_laughs(levels=4))
    assert [d.code for d in result.diagnostics] == ["SCH005"] * 4  # lol1..lol4 are unknown keys
    assert result.source_map.has(("lol4", 8, 8, 8))


def test_alias_inside_its_own_anchor() -> None:
    result = loaded("catalogue: a\nx: &x [1, *x]\n")
    assert found(result) == [("SCH008", 2, 1)]
    assert result.diagnostics[0].message == "an alias refers to a mapping or list that contains it"


def test_merge_of_an_enclosing_mapping() -> None:
    result = loaded("catalogue: a\nx: &x\n  y:\n    <<: *x\n")
    assert found(result) == [("SCH008", 3, 3)]


def test_nesting_deeper_than_the_builder_allows() -> None:
    result = loaded("catalogue: a\nx: " + "[" * 150 + "]" * 150 + "\n")
    assert found(result) == [("SCH008", 2, 1)]
    assert result.diagnostics[0].message == "the document is nested more than 100 levels deep"


def test_nesting_deeper_than_the_parser_allows() -> None:
    result = loaded("x: " + "[" * 5000 + "]" * 5000 + "\n")
    assert [(d.code, d.message) for d in result.diagnostics] == [
        ("SCH008", "the document is nested too deeply")
    ]


# --- data: scalars, tags, merge keys ----------------------------------------------------------


def _input(text: str) -> dict[str, object]:
    result = loaded(f"catalogue: a\njobs:\n  j:\n{VALID_JOB}    input: {text}\n")
    assert result.catalogue is not None, result.diagnostics
    value = result.catalogue.jobs[0].input
    assert value is not None
    return value


def test_scalars_resolve_to_yaml_1_1_safe_types() -> None:
    assert _input(
        "{i: 0x1F, o: 017, sexagesimal: 1:30, f: 1.5, e: 1.5e3, inf: -.inf, b: yes, o2: off,"
        " n: ~, empty: '', d: 2024-01-01, s: !!str 12, i2: !!int '7', bin: !!binary aGk=}"
    ) == {
        "i": 31,
        "o": 15,
        "sexagesimal": 90,
        "f": 1.5,
        "e": "1.5e3",
        "inf": float("-inf"),
        "b": True,
        "o2": False,
        "n": None,
        "empty": "",
        "d": "2024-01-01",
        "s": "12",
        "i2": 7,
        "bin": b"hi",
    }


def test_integers_are_read_as_the_safe_loader_reads_them() -> None:
    spellings = ["123", "0", "-7", "+7", "1_000", "017", "0b11", "0x1F", "1:30", "!!int '٣'"]
    text = "{" + ", ".join(f"k{i}: {s}" for i, s in enumerate(spellings)) + "}"
    assert _input(text) == yaml.safe_load(text)


def test_unsupported_tags_are_reported_and_the_value_kept_as_written() -> None:
    result = loaded("catalogue: !secret acme\njobs: !!omap {}\n")
    assert found(result) == [("SCH006", 1, 12), ("SCH006", 2, 7)]
    assert [d.message for d in result.diagnostics] == [
        "unsupported YAML tag !secret",
        "unsupported YAML tag !!omap",
    ]
    assert result.catalogue is not None
    assert result.catalogue.name == "acme"


def test_explicit_tag_that_does_not_fit_the_value() -> None:
    result = loaded("catalogue: a\njobs:\n  j:\n" + VALID_JOB + "    memory: !!int lots\n")
    assert found(result)[0] == ("SCH006", 6, 13)
    assert result.diagnostics[0].message == '"lots" is not a valid !!int'


def test_collection_as_a_key() -> None:
    result = loaded("catalogue: a\njobs:\n  ? [a, b]\n  : {}\n")
    assert found(result) == [("SCH006", 3, 5)]
    assert result.diagnostics[0].message == (
        "a mapping key must be a plain value, not a list or mapping"
    )


def test_merge_keys_share_settings_and_explicit_keys_win() -> None:
    text = (
        "catalogue: acme\n"
        "jobs:\n"
        "  first: &base\n"
        "    schedule: rate(1 day)\n"
        "    expected_runtime: 5m\n"
        "    memory: 512\n"
        "    tags: &tags {team: data}\n"
        "  second:\n"
        "    <<: *base\n"
        "    memory: 1024\n"
        "  third:\n"
        "    <<: [{retries: 1, memory: 128}, *base]\n"
        "    tags: *tags\n"
    )
    result = loaded(text)
    assert found(result) == []
    assert result.catalogue is not None
    jobs = {job.name: job for job in result.catalogue.jobs}
    assert [jobs[n].memory for n in ("first", "second", "third")] == [512, 1024, 128]
    assert jobs["third"].retries == 1
    assert jobs["second"].schedule == jobs["third"].schedule == "rate(1 day)"
    assert jobs["third"].tags == (("team", "data"),)
    # Merged values point at the anchor where they are written; explicit ones at themselves.
    source_map = result.source_map
    assert source_map.span(("jobs", "second", "schedule")).line == 4
    assert source_map.span(("jobs", "second", "memory")).line == 10
    assert source_map.key_span(("jobs", "third", "retries")).column == 11


def test_unknown_key_inside_a_merged_anchor_points_at_the_anchor() -> None:
    text = (
        "catalogue: acme\njobs:\n  a: &base\n" + VALID_JOB + "    memroy: 5\n  b:\n    <<: *base\n"
    )
    result = loaded(text)
    assert [(*f, d.message) for f, d in zip(found(result), result.diagnostics, strict=True)] == [
        ("SCH005", 6, 5, 'unknown key "memroy" in job "a"'),
        ("SCH005", 6, 5, 'unknown key "memroy" in job "b"'),
    ]
    assert result.invalid_jobs == frozenset({"a", "b"})


def test_duplicate_merge_key() -> None:
    result = loaded("catalogue: a\njobs:\n  j:\n    <<: {memory: 1}\n    <<: {retries: 1}\n")
    assert ("SCH003", 5, 5) in found(result)


def test_merge_of_a_scalar_is_an_error() -> None:
    result = loaded("catalogue: a\njobs:\n  j:\n    <<: 3\n" + VALID_JOB)
    assert found(result) == [("SCH006", 4, 9)]
    assert result.diagnostics[0].message == (
        "a merge key (<<) must be followed by a mapping or a list of mappings"
    )


# --- both parsers -----------------------------------------------------------------------------

_CASES = [
    "catalogue: a\njobs:\n  j:\n    schedule: x\n\texpected_runtime: 5m\n",
    "catalogue: a\njobs:\n  j: {schedule: x\n  k: 1\n",
    "catalogue: a\ncatalogue: b\njobs:\n  j:\n    shedule: x\n    memory: '1'\n",
    "- a\n",
    "catalogue: a\n---\nb: 1\n",
    billion_laughs(),
]


def _load_with(composer: ComposerFactory, text: str) -> LoadResult:
    return loader._load(text, "jobs.yaml", Path("jobs.yaml"), composer)


@pytest.mark.parametrize("text", _CASES)
def test_pure_python_parser_reports_the_same_positions(text: str) -> None:
    assert yaml.__with_libyaml__, "these tests compare libyaml with the pure-Python parser"
    with_libyaml = _load_with(yaml.CSafeLoader, text)
    pure = _load_with(yaml.SafeLoader, text)
    assert found(pure) == found(with_libyaml)
    assert found(pure) != []


_EVERY_KIND_OF_SCALAR = """\
plain: text
quoted: "yes"
single: '3'
empty:
tilde: ~
null_word: Null
bools: [yes, No, on, OFF, true, False, y, n]
numbers: [3, -7, +4, 0x1F, 0o17, 1_000, 1.5, .5, -.inf, .NaN, 6.02e23, 190:20:30]
stamp: 2026-12-02 10:00:00
day: 2026-12-02
merge: {<<: {a: 1}}
equals: =
block: |
  true
folded: >
  3
list: [a, "", '']
"""


@pytest.mark.parametrize("reference", [yaml.SafeLoader, yaml.CSafeLoader])
def test_the_composer_resolves_every_tag_as_the_safe_loader_does(
    reference: ComposerFactory,
) -> None:
    """The composer's quicker tag resolution gives each node PyYAML's own tag."""

    def tags(factory: ComposerFactory) -> list[tuple[str, object]]:
        loader = factory(_EVERY_KIND_OF_SCALAR)
        try:
            assert loader.check_node()
            root = loader.get_node()
        finally:
            loader.dispose()
        found: list[tuple[str, object]] = []
        pending = [root]
        while pending:
            node = pending.pop()
            found.append((node.tag, node.value if isinstance(node.value, str) else None))
            if isinstance(node, yaml.MappingNode):
                pending.extend(n for pair in node.value for n in pair)
            elif isinstance(node, yaml.SequenceNode):
                pending.extend(node.value)
        return found

    expected = tags(reference)
    assert "tag:yaml.org,2002:timestamp" in {tag for tag, _ in expected}
    assert tags(loader.COMPOSER) == expected
    assert tags(yaml_tree._quick(yaml.SafeLoader)) == expected  # without libyaml
