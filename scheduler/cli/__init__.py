"""The `sched` command line: click commands, exit codes and all printing.

This package is the only one that imports click or writes to the terminal. Each command turns
options into a call to `scheduler.app`, formats the result with `scheduler.report` and exits.
A command's module is imported when the command is run (`LazyGroup`), not every module at
every start: `sched validate` and `sched next` need none of the history's and AWS's modules.
"""

from __future__ import annotations

import importlib

import click

from scheduler import __version__
from scheduler.cli.common import SchedGroup

# The modules defining each command, or adding subcommands to it (`local tick` is in ops):
# `tests/cli/test_cli_conventions.py` checks them. A command missing here (or under the wrong
# module) still runs, after every module is imported.
MODULES = ("check", "deploy", "rename", "ops", "alerts", "importing", "versions", "cost", "peaks")
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("validate", "rules", "schema", "next", "permissions"), ("check",)),
    **dict.fromkeys(("compile", "plan", "apply", "destroy"), ("deploy",)),
    "local": ("deploy", "ops"),
    "prune": ("rename",),
    **dict.fromkeys(("history", "status", "run", "trigger", "logs"), ("ops",)),
    "alerts": ("alerts",),
    "import": ("importing",),
    **dict.fromkeys(("versions", "rollback"), ("versions",)),
    "cost": ("cost",),
    "peaks": ("peaks",),
}


class LazyGroup(SchedGroup):
    """The top-level group: a command is loaded from its module when it is looked up."""

    def _load(self, modules: tuple[str, ...]) -> None:
        for module in modules:
            for command in importlib.import_module(f"scheduler.cli.{module}").COMMANDS:
                if command.name not in self.commands:
                    self.add_command(command)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        # Always: a group another module adds subcommands to (`local`) may be known already
        # from its first module, by an earlier command of the same process (tests, CliRunner).
        self._load(COMMAND_MODULES.get(cmd_name, ()))
        if cmd_name not in self.commands:
            self._load(MODULES)
        return self.commands.get(cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._load(MODULES)
        return sorted(self.commands)


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 120},
)
@click.version_option(__version__, prog_name="sched")
@click.option("--debug", is_flag=True, help="Show tracebacks for unexpected errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Turn jobs.yaml into EventBridge schedules running Lambda functions, and report their runs."""
    ctx.obj = {"debug": debug}


def main() -> None:
    """Console-script entry point: the `sched` process itself (see `common.settle`)."""
    from scheduler.cli.common import own_process

    own_process()
    cli.main(prog_name="sched")
