"""At scale: a 10,000-job catalogue loads completely and keeps exact positions.

Load times are measured by bench/bench_validate.py, not here.
"""

from __future__ import annotations

from catalogue_support import generated_catalogue, region

from scheduler.catalogue.loader import load_text


def test_ten_thousand_jobs_load_with_exact_positions() -> None:
    result = load_text(generated_catalogue(10_000), "big.yaml")
    assert result.diagnostics == ()
    assert result.catalogue is not None
    assert len(result.catalogue.jobs) == 10_000
    last = result.catalogue.jobs[-1]
    assert (last.name, last.schedule, last.memory) == ("job-9999", "cron(39 15 * * ? *)", 512)
    assert region(result.source_map.key_span(("jobs", "job-9999"))) == (69999, 3, 69999, 11)
