"""Durations as the catalogue writes them, and how that differs from the reports' durations."""

from __future__ import annotations

from datetime import timedelta

import pytest

from scheduler.catalogue.durations import format_duration, parse_duration
from scheduler.report.history import human_duration


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0s"),
        (1.5, "1.5s"),
        (42, "42s"),
        (90, "1m30s"),
        (300, "5m"),
        (3661, "1h1m1s"),
        (5400, "1h30m"),
        (93784, "1d2h3m4s"),
    ],
)
def test_the_catalogue_spelling_is_exact_and_reads_back(seconds: float, text: str) -> None:
    value = timedelta(seconds=seconds)
    assert format_duration(value) == text
    if seconds == int(seconds):
        assert parse_duration(text) == value


@pytest.mark.parametrize(
    ("seconds", "catalogue", "report"),
    [(0.412, "0.4s", "412ms"), (3661, "1h1m1s", "1h01m"), (93784, "1d2h3m4s", "1d02h")],
)
def test_reports_round_measured_durations_where_the_catalogue_is_exact(
    seconds: float, catalogue: str, report: str
) -> None:
    value = timedelta(seconds=seconds)
    assert (format_duration(value), human_duration(value)) == (catalogue, report)
