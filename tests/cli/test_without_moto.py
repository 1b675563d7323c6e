"""Without the `local` extra (no moto), validate works and `--local` says what to install."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from example import without_environments

ROOT = Path(__file__).parent.parent.parent
# `sys.modules["moto"] = None` makes every `import moto` fail, as on a machine without it.
WITHOUT_MOTO = (
    "import sys; sys.modules['moto'] = None; sys.argv[0] = 'sched';"
    "from scheduler.cli import main; main()"
)


def sched(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", WITHOUT_MOTO, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "HOME": str(cwd)},
    )


def test_validate_needs_no_moto(tmp_path: Path) -> None:
    shutil.copy(ROOT / "jobs.yaml", tmp_path / "jobs.yaml")
    shutil.copytree(ROOT / "jobs", tmp_path / "jobs")
    done = sched("validate", "jobs.yaml", cwd=tmp_path)
    assert (done.returncode, done.stdout) == (0, "jobs.yaml: no problems found\n")


def test_local_says_to_install_the_local_extra_and_wipes_nothing(tmp_path: Path) -> None:
    (tmp_path / "jobs.yaml").write_text(without_environments((ROOT / "jobs.yaml").read_text()))
    kept = tmp_path / ".sched" / "local" / "state.pickle"
    kept.parent.mkdir(parents=True)
    kept.write_bytes(b"state")
    done = sched("local", "reset", "--yes", "jobs.yaml", cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.splitlines()[0] == (
        "error: --local needs the local AWS (moto), which is not installed"
    )
    assert "pip install 'sched[local]'" in done.stderr
    assert "Traceback" not in done.stderr
    assert kept.read_bytes() == b"state"
