"""Adding imported jobs to a catalogue's text: exact results, the user's lines all kept."""

from __future__ import annotations

import pytest

from scheduler.catalogue_edit import CannotEdit, Entry, add_jobs, job_names

NEW = Entry("vacuum", ("# from line 3", "vacuum:", "  schedule: rate(1 day)", "  environment:",
                       "    A: \"1\""))  # fmt: skip


def test_a_new_catalogue_gets_a_name_and_a_jobs_block() -> None:
    assert add_jobs("", [NEW], "ops") == (
        "catalogue: ops\n\njobs:\n  # from line 3\n  vacuum:\n    schedule: rate(1 day)\n"
        '    environment:\n      A: "1"\n'
    )


def test_the_files_own_indentation_is_followed() -> None:
    text = "catalogue: a\njobs:\n    old:\n        schedule: rate(1 hour)\n"
    assert add_jobs(text, [NEW], "x") == (
        "catalogue: a\njobs:\n    old:\n        schedule: rate(1 hour)\n\n    # from line 3\n"
        "    vacuum:\n        schedule: rate(1 day)\n        environment:\n"
        '            A: "1"\n'
    )


def test_entries_go_at_the_end_of_the_jobs_block_not_the_file() -> None:
    text = (
        "catalogue: a\njobs:\n  old:\n    schedule: rate(1 hour)\n\n"
        "# policy next\npolicy:\n  max_runtime: 10m\n"
    )
    assert add_jobs(text, [NEW], "x") == (
        "catalogue: a\njobs:\n  old:\n    schedule: rate(1 hour)\n\n  # from line 3\n"
        '  vacuum:\n    schedule: rate(1 day)\n    environment:\n      A: "1"\n'
        "\n# policy next\npolicy:\n  max_runtime: 10m\n"
    )  # fmt: skip


def test_a_job_of_the_same_name_is_replaced_in_place_with_its_comment() -> None:
    text = (
        "catalogue: a\njobs:\n  # from line 3\n  vacuum:\n    schedule: rate(2 days)\n\n"
        "  # keep me\n  other:\n    schedule: rate(1 hour)\n"
    )
    assert add_jobs(text, [NEW], "x") == (
        "catalogue: a\njobs:\n  # from line 3\n  vacuum:\n    schedule: rate(1 day)\n"
        '    environment:\n      A: "1"\n\n  # keep me\n  other:\n    schedule: rate(1 hour)\n'
    )


def test_inline_jobs_are_not_edited() -> None:
    with pytest.raises(CannotEdit):
        add_jobs("catalogue: a\njobs: {}\n", [NEW], "x")


def test_job_names_and_their_lines() -> None:
    text = "catalogue: a\njobs:\n  one:\n    schedule: x\n\n  # two's\n  two:\n    schedule: y\n"
    assert job_names(text) == {"one": (2, 4), "two": (6, 8)}
