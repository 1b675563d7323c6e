"""`sched run` shows a failing handler's traceback under its one-line error: its own frames
(the job's code, relative to the catalogue), never sched's wrapper, without control characters."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

from run_support import at, catalogue, job

from scheduler.local.invoke import run_locally
from scheduler.report.runs import outcome_line

NOW = at("2026-11-25T02:00:00")

MISSING = """
def main(event, context):
    return lookup(event)


def lookup(event):
    return event["missing"]  # \x1b[31mred
"""


LIBRARY = """
def fail(event):
    return event["missing"]
"""

USES_LIBRARY = """
import library


def main(event, context):
    return library.fail(event)
"""


def test_frames_of_installed_code_under_the_catalogue_folder_are_left_out(tmp_path: Path) -> None:
    """The README creates .venv inside the repository: its packages' frames (and sched's own,
    installed there) are not the job's code, although they live under the catalogue folder."""
    site = tmp_path / ".venv" / "lib" / "site-packages"
    site.mkdir(parents=True)
    (site / "library.py").write_text(textwrap.dedent(LIBRARY))
    path = tmp_path / "jobs" / "uses" / "handler.py"
    path.parent.mkdir(parents=True)
    path.write_text(textwrap.dedent(USES_LIBRARY))
    uses = job("uses", "cron(0 2 * * ? *)")
    sys.path.insert(0, str(site))
    try:
        outcome = run_locally(catalogue(uses, base=tmp_path), uses, now=NOW, request_id="r-2")
    finally:
        sys.path.remove(str(site))
        sys.modules.pop("library", None)
    assert outcome.traceback == (
        "Traceback (most recent call last):\n"
        '  File "jobs/uses/handler.py", line 6, in main\n'
        "    return library.fail(event)\n"
    )


def test_a_failing_local_run_carries_the_handlers_own_frames(tmp_path: Path) -> None:
    path = tmp_path / "jobs" / "broken" / "handler.py"
    path.parent.mkdir(parents=True)
    path.write_text(textwrap.dedent(MISSING))
    broken = job("broken", "cron(0 2 * * ? *)")
    outcome = run_locally(catalogue(broken, base=tmp_path), broken, now=NOW, request_id="r-1")
    assert outcome.traceback == (
        "Traceback (most recent call last):\n"
        '  File "jobs/broken/handler.py", line 3, in main\n'
        "    return lookup(event)\n"
        '  File "jobs/broken/handler.py", line 7, in lookup\n'
        '    return event["missing"]  # \x1b[31mred\n'
    )
    lines = outcome_line(outcome, broken).splitlines()
    assert lines[1:] == [
        "  error: KeyError: 'missing'",
        "  Traceback (most recent call last):",
        '    File "jobs/broken/handler.py", line 3, in main',
        "      return lookup(event)",
        '    File "jobs/broken/handler.py", line 7, in lookup',
        '      return event["missing"]  # [31mred',
    ]
