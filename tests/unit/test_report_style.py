"""report/style.py: painting, clipping, wrapping and which columns of a table fit."""

from __future__ import annotations

from scheduler.report.style import (
    RED,
    clip,
    columns_that_fit,
    paint,
    table_width,
    wrap,
)


def test_paint_only_when_enabled_and_there_is_a_colour() -> None:
    assert paint("failed", RED, True) == "\x1b[31mfailed\x1b[0m"
    assert paint("failed", RED, False) == "failed"
    assert paint("unchanged", "", True) == "unchanged"


def test_clip_keeps_what_fits_and_marks_a_cut() -> None:
    assert clip("ValueError: bucket", 18) == "ValueError: bucket"
    assert clip("ValueError: bucket", 11) == "ValueError…"
    assert clip("ValueError", 1) == "…"


def test_wrap_hangs_the_continuation_lines() -> None:
    assert wrap("note: a b c d", 9, indent="  ", hang="    ") == ["  note: a", "    b c d"]


def test_table_width_counts_the_lead_the_gaps_and_the_free_last_column() -> None:
    assert table_width([3, 4, 5]) == 3 + 2 + 4 + 2 + 5
    assert table_width([3, 4, 5], lead=2, rest=10) == 2 + 16 + 2 + 10


def test_columns_are_left_out_in_the_given_order_until_the_line_fits() -> None:
    sizes = [10, 10, 10, 10]  # 46 wide
    assert columns_that_fit(sizes, 46, droppable=[2, 1]) == [0, 1, 2, 3]
    assert columns_that_fit(sizes, 45, droppable=[2, 1]) == [0, 1, 3]
    assert columns_that_fit(sizes, 22, droppable=[2, 1]) == [0, 3]
    assert columns_that_fit(sizes, 10, droppable=[2, 1]) == [0, 3]
    assert columns_that_fit(sizes, 46, droppable=[2], lead=2) == [0, 1, 3]


def test_wrap_never_breaks_a_name_or_a_command_at_its_hyphens() -> None:
    text = (
        "left: log groups /sched/acme-ops-dev/log-backup, /sched/acme-ops-dev/nightly-export, "
        "/sched/acme-ops-dev/role-canary"
    )
    assert wrap(text, 100, hang="  ") == [
        "left: log groups /sched/acme-ops-dev/log-backup, /sched/acme-ops-dev/nightly-export,",
        "  /sched/acme-ops-dev/role-canary",
    ]
    apply = "note: the watcher is not deployed: sched apply /tmp/pytest-of-root/jobs.yaml --local"
    assert wrap(apply, 60, hang="  ") == [
        "note: the watcher is not deployed: sched apply",
        "  /tmp/pytest-of-root/jobs.yaml --local",
    ]
