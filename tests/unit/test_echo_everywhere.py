"""Every message that quotes a value from a user's file (the catalogue, a crontab being
imported) cuts it to the echo limit: a 3,000-character value is never echoed whole, on a
terminal nor into CI logs (local-data.yaml: tests/unit/local/test_local_data_file.py)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from scheduler.diagnostics import ECHO_LIMIT
from scheduler.importing import import_crontab
from scheduler.validate import validate

LONG = "Q" * 3000
NOW = datetime(2026, 11, 25, tzinfo=UTC)


def _uncut(texts: list[str]) -> list[str]:
    return [t[:120] for t in texts if "Q" * (ECHO_LIMIT + 1) in t.upper()]


@pytest.mark.parametrize(
    "crontab",
    [
        f"{LONG} * * * * cmd\n",
        f"* {LONG} * * * cmd\n",
        f"*/{LONG} * * * * cmd\n",
        f"1-{LONG} * * * * cmd\n",
        f"0 1 {LONG} * 1 cmd\n",
        f"0 1 * {LONG} * cmd\n",
        f"0 1 * * {LONG} cmd\n",
        f"@{LONG} cmd\n",
        f"TZ={LONG}\n0 1 * * * cmd\n",
        f"CRON_TZ={LONG}\n0 1 * * * cmd\n",
        f"# sched: expected_runtime {LONG}\n0 1 * * * cmd\n",
        f"{LONG}\n",
    ],
)
def test_crontab_import_cuts_what_it_quotes(crontab: str) -> None:
    result = import_crontab(crontab, "crontab")
    assert result.findings
    shown = [t for d in result.findings for t in (d.message, d.hint or "")]
    shown += [t for n in result.notes for t in (n.message, n.hint)]
    assert _uncut(shown) == []


@pytest.mark.parametrize(
    "setting",
    [
        f"schedule: '{LONG} * * * *'",
        f"schedule: '0 {LONG} * * *'",
        f"schedule: 'cron(0 1 {LONG} * ? *)'",
        f"schedule: 'rate({LONG} minutes)'",
        f"schedule: 'rate(5 {LONG})'",
        f"schedule: 'at({LONG})'",
        f"schedule: '{LONG}'",
        f"timezone: {LONG}",
        f"runtime: {LONG}",
        f"expected_runtime: {LONG}",
        f"memory: {LONG}",
        f"tags: {{{LONG}: x}}",
        f"environment: {{{LONG}: x}}",
        f"{LONG}: 1",
    ],
)
def test_catalogue_findings_cut_what_they_quote(tmp_path: Path, setting: str) -> None:
    (tmp_path / "jobs" / "ok").mkdir(parents=True)
    (tmp_path / "jobs" / "ok" / "handler.py").write_text("def main(event, context):\n    pass\n")
    body = {"schedule": "rate(1 hour)", "expected_runtime": "1m"}
    key = setting.split(":", 1)[0]
    lines = [f"    {k}: {v}" for k, v in body.items() if k != key]
    path = tmp_path / "jobs.yaml"
    path.write_text(
        "catalogue: fx\njobs:\n  job:\n"
        + "\n".join([*lines, "    handler: jobs/ok/handler.py:main", f"    {setting}"])
        + "\n"
    )
    found = validate(path, now=NOW)[1]
    assert found
    assert _uncut([t for d in found for t in (d.message, d.hint or "")]) == []
