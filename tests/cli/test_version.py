from click.testing import CliRunner

from scheduler import __version__
from scheduler.cli import cli


def test_version_prints_the_package_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"sched, version {__version__}\n"
