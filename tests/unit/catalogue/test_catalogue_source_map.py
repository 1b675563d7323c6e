"""SourceMap: exact spans of values and keys (1-based; the end column is just past the last
character), the fall-back to the nearest ancestor, and `has`."""

from __future__ import annotations

from catalogue_support import loaded, region

from scheduler.catalogue.loader import SourceMap
from scheduler.diagnostics import Span

TEXT = """\
catalogue: acme-ops   # trailing comment
jobs:
  log-backup:
    description: |
      Line one
      Line two

    schedule: >-
      cron(0 2 ? * MON *)
    expected_runtime: "5m"
    handler: 'jobs/x.py:main'
    input:
      list: [1, 2,
        3]
      nested:
        deep: plain text
          continued here
    # comment at the end of the job
  é-job: {schedule: rate(1 day), expected_runtime: 5m}
"""

JOB = ("jobs", "log-backup")


def _map() -> SourceMap:
    result = loaded(TEXT)
    assert result.diagnostics == ()
    return result.source_map


def test_plain_and_quoted_scalars_end_after_their_last_character() -> None:
    source_map = _map()
    assert region(source_map.span(("catalogue",))) == (1, 12, 1, 20)
    assert region(source_map.span((*JOB, "expected_runtime"))) == (10, 23, 10, 27)
    assert region(source_map.span((*JOB, "handler"))) == (11, 14, 11, 30)


def test_block_scalars_end_at_their_last_character_not_the_next_line() -> None:
    source_map = _map()
    assert region(source_map.span((*JOB, "description"))) == (4, 18, 6, 15)
    assert region(source_map.span((*JOB, "schedule"))) == (8, 15, 9, 26)


def test_multi_line_plain_scalar() -> None:
    assert region(_map().span((*JOB, "input", "nested", "deep"))) == (16, 15, 17, 25)


def test_block_mapping_ends_with_its_last_value_not_at_comments_after_it() -> None:
    source_map = _map()
    assert region(source_map.span(JOB)) == (4, 5, 17, 25)
    assert region(source_map.span((*JOB, "input"))) == (13, 7, 17, 25)


def test_flow_collections_and_their_items() -> None:
    source_map = _map()
    assert region(source_map.span((*JOB, "input", "list"))) == (13, 13, 14, 11)
    assert region(source_map.span((*JOB, "input", "list", 2))) == (14, 9, 14, 10)
    assert region(source_map.span(("jobs", "é-job"))) == (19, 10, 19, 55)


def test_columns_count_characters() -> None:
    source_map = _map()
    assert region(source_map.key_span(("jobs", "é-job"))) == (19, 3, 19, 8)
    assert region(source_map.span(("jobs", "é-job", "expected_runtime"))) == (19, 52, 19, 54)


def test_key_spans() -> None:
    source_map = _map()
    assert region(source_map.key_span(("catalogue",))) == (1, 1, 1, 10)
    assert region(source_map.key_span(JOB)) == (3, 3, 3, 13)
    assert region(source_map.key_span((*JOB, "schedule"))) == (8, 5, 8, 13)


def test_whole_document() -> None:
    assert region(_map().span(())) == (1, 1, 19, 55)


def test_missing_paths_fall_back_to_the_nearest_ancestor() -> None:
    source_map = _map()
    assert source_map.span((*JOB, "timeout")) == source_map.span(JOB)
    assert source_map.span(("jobs", "nope", "schedule")) == source_map.span(("jobs",))
    assert source_map.key_span((*JOB, "timeout")) == source_map.span(JOB)
    assert source_map.key_span((*JOB, "input", "list", 0)) == source_map.span(
        (*JOB, "input", "list", 0)
    )


def test_has_only_what_the_document_says() -> None:
    source_map = _map()
    assert source_map.has((*JOB, "schedule"))
    assert source_map.has((*JOB, "input", "list", 2))
    assert source_map.has(())
    assert not source_map.has((*JOB, "timeout"))
    assert not source_map.has(("defaults",))


def test_crlf_line_endings() -> None:
    result = loaded("catalogue: a\r\njobs:\r\n  j:\r\n    description: |\r\n      x\r\n\r\n")
    assert region(result.source_map.span(("jobs", "j", "description"))) == (4, 18, 5, 8)
    assert region(result.source_map.span(("jobs", "j"))) == (4, 5, 5, 8)


def test_empty_value_is_an_empty_span_after_the_colon() -> None:
    result = loaded("catalogue: a\njobs:\n  j:\n    description:\n    memory: 1\n")
    assert region(result.source_map.span(("jobs", "j", "description"))) == (4, 17, 4, 17)


def test_block_mapping_ending_in_an_alias_ends_at_the_alias() -> None:
    text = "catalogue: a\nx: &x 1\njobs:\n  j:\n    description: *x  # shared\n\n# end\n"
    result = loaded(text)
    # An alias has no node of its own: the aliased value points at its anchor (the node
    # starts at its `&x`), and the mapping ends where the alias is written.
    assert region(result.source_map.span(("jobs", "j"))) == (5, 5, 5, 20)
    assert region(result.source_map.span(("jobs", "j", "description"))) == (2, 4, 2, 8)


def test_block_sequence_ending_in_an_alias_ends_before_the_next_token() -> None:
    result = loaded("catalogue: a\nx: &x 1\ny:\n  - 2\n  - *x\nz: 3\n")
    assert region(result.source_map.span(("y",))) == (4, 3, 5, 7)


def test_an_empty_source_map_points_at_the_start_of_the_file() -> None:
    source_map = SourceMap("jobs.yaml")
    assert source_map.span(("jobs", "x")) == Span("jobs.yaml", 1, 1)
    assert source_map.key_span(()) == Span("jobs.yaml", 1, 1)
    assert not source_map.has(())
