"""The `sched` command line: click commands, exit codes and all printing.

This package is the only one that imports click or writes to the terminal. Each command turns
options into a call to `scheduler.app`, formats the result with `scheduler.report` and exits.
"""

from __future__ import annotations

import click

from scheduler import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="sched")
def main() -> None:
    """Turn jobs.yaml into EventBridge schedules running Lambda functions, and report their runs."""
