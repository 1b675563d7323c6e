"""The walk of a text without anchors (`&`) gives what the general walk gives: the same data,
spans and diagnostics, whatever the mappings hold (duplicates, merges, other keys, limits)."""

from __future__ import annotations

import pytest

from scheduler.catalogue.source_map import Tree, build
from scheduler.catalogue.yaml_tree import COMPOSER, compose
from scheduler.diagnostics import Span

# A comment holding `&` sends the same nodes through the general walk.
GENERAL = "# & (an ampersand anywhere: the general walk)\n"

TEXTS = {
    "scalars of every style": (
        "catalogue: acme-ops   # trailing comment\n"
        "jobs:\n"
        "  log-backup:\n"
        "    description: |\n"
        "      Line one\n"
        "      Line two\n"
        "\n"
        "    schedule: >-\n"
        "      cron(0 2 ? * MON *)\n"
        '    expected_runtime: "5m"\n'
        "    handler: 'jobs/x.py:main'\n"
        "    input:\n"
        "      list: [1, 2,\n"
        "        3]\n"
        "      nested:\n"
        "        deep: plain text\n"
        "          continued here\n"
        "    # comment at the end of the job\n"
        "  é-job: {schedule: rate(1 day), expected_runtime: 5m}\n"
    ),
    "typed scalars and empty values": (
        "a: 1\nb: 0x1F\nc: 1.5\nd: yes\ne: ~\nf:\ng: ''\nh: 2027-01-01\ni: <<\n"
    ),
    "sequences": "list:\n  - a\n  - {b: 1}\n  - - nested\n    - deeper\n  -\nflow: [x, [y], {}]\n",
    "block sequence last": "top:\n  - one\n  - two: 2\n    three:\n      - 3\n",
    "duplicate keys": "jobs:\n  a:\n    x: {deep: 1}\n    y: 1\n  a:\n    y: 2\n",
    "keys that are equal once read": "1: one\n0x1: also one\ntrue: t\nyes: y\n",
    "merge of inline mappings": (
        "job:\n  <<: {memory: 128, retries: 1}\n  memory: 256\n"
        "other:\n  <<: [{a: 1}, {a: 2, b: 2}]\n  c: 3\n"
    ),
    "merge key twice": "job:\n  <<: {a: 1}\n  <<: {b: 2}\n",
    "merge of a scalar": "job:\n  <<: text\n",
    "collection as a key": "? [a, b]\n: {}\nok: 1\n",
    "tags": "a: !!int 3x\nb: !!set {x}\nc: !custom v\nd: !!binary aGk=\ne: !!str 5\nf: !x [1]\n",
    "too deep": "catalogue: a\nx: " + "[" * 150 + "]" * 150 + "\n",
    "too deep under a duplicate that wins": "x: " + "[" * 150 + "]" * 150 + "\nx: fine\n",
    "flow mapping at the top": "{a: 1, b: [2, 3]}\n",
    "scalar at the top": "just text\n",
    "list at the top": "- a\n- b: [1]\n",
}


def _tree(text: str) -> Tree:
    root, parsed, diagnostics = compose(text, "jobs.yaml", COMPOSER)
    assert parsed and not diagnostics
    return build(root, text, "jobs.yaml")


def _spans(tree: Tree) -> list[tuple[tuple[object, ...], Span, Span, bool]]:
    """Every data path of the tree with its value's span, its key's span and `has`."""
    found = []
    pending: list[tuple[tuple[object, ...], object]] = [((), tree.data)]
    while pending:
        path, value = pending.pop()
        found.append(
            (
                path,
                tree.source_map.span(path),  # type: ignore[arg-type]
                tree.source_map.key_span(path),  # type: ignore[arg-type]
                tree.source_map.has(path),  # type: ignore[arg-type]
            )
        )
        if isinstance(value, dict):
            pending.extend(((*path, k), v) for k, v in value.items())
        elif isinstance(value, list):
            pending.extend(((*path, i), v) for i, v in enumerate(value))
    return found


@pytest.mark.parametrize("text", TEXTS.values(), ids=TEXTS.keys())
def test_a_text_without_anchors_builds_as_the_general_walk_does(text: str) -> None:
    plain, general = _tree(text), _tree(text + GENERAL)
    assert plain.data == general.data
    assert _spans(plain) == _spans(general)
    assert plain.diagnostics == general.diagnostics


def test_a_merge_key_without_an_anchor_merges() -> None:
    tree = _tree("job:\n  <<: {memory: 128, retries: 1}\n  memory: 256\n")
    assert tree.data == {"job": {"memory": 256, "retries": 1}}
    assert tree.diagnostics == ()
    assert tree.source_map.key_span(("job", "retries")).column == 21
    assert tree.source_map.span(("job", "retries")).column == 30


def test_a_duplicate_without_an_anchor_is_reported_and_the_last_wins() -> None:
    tree = _tree(TEXTS["duplicate keys"])
    assert tree.data == {"jobs": {"a": {"y": 2}}}
    assert not tree.source_map.has(("jobs", "a", "x"))
    assert [(d.code, d.span.line) for d in tree.diagnostics] == [("SCH003", 5)]


def test_nesting_too_deep_under_a_duplicate_that_wins_is_no_error() -> None:
    tree = _tree(TEXTS["too deep under a duplicate that wins"])
    assert tree.data == {"x": "fine"}
    assert [d.code for d in tree.diagnostics] == ["SCH003"]


def test_nesting_too_deep_without_an_anchor_stops_the_build() -> None:
    tree = _tree(TEXTS["too deep"])
    assert tree.data is None
    assert [(d.code, d.span.line) for d in tree.diagnostics] == [("SCH008", 2)]
