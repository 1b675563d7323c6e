"""The `sched` command line: click commands, exit codes and all printing.

This package is the only one that imports click or writes to the terminal. Each command turns
options into a call to `scheduler.app`, formats the result with `scheduler.report` and exits.
"""

from __future__ import annotations

import click

from scheduler import __version__
from scheduler.cli import alerts, check, cost, deploy, importing, ops, peaks, rename, versions
from scheduler.cli.common import SchedGroup


@click.group(
    cls=SchedGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 120},
)
@click.version_option(__version__, prog_name="sched")
@click.option("--debug", is_flag=True, help="Show tracebacks for unexpected errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Turn jobs.yaml into EventBridge schedules running Lambda functions, and report their runs."""
    ctx.obj = {"debug": debug}


for command in (
    *check.COMMANDS,
    *deploy.COMMANDS,
    *rename.COMMANDS,
    *ops.COMMANDS,
    *alerts.COMMANDS,
    *importing.COMMANDS,
    *versions.COMMANDS,
    *cost.COMMANDS,
    *peaks.COMMANDS,
):
    cli.add_command(command)


def main() -> None:
    """Console-script entry point: the `sched` process itself (see `common.settle`)."""
    from scheduler.cli.common import own_process

    own_process()
    cli.main(prog_name="sched")
