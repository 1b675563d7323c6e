"""`Job` and `Catalogue` load with the standard library alone, so a function can ship them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent.parent.parent


@pytest.mark.parametrize("module", ["scheduler.catalogue.model"])
def test_module_imports_only_the_standard_library(module: str) -> None:
    # -S leaves site-packages off the path: a third-party import fails outright.
    probe = (
        "import importlib, sys\n"
        f"importlib.import_module({module!r})\n"
        "loaded = {m.split('.')[0] for m in sys.modules}\n"
        "print(sorted(loaded - set(sys.stdlib_module_names) - {'scheduler', '__main__'}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-S", "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"
