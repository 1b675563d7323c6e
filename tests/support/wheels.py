"""A wheel folder for pip to install from offline: one binary wheel for x86_64 Linux alone."""

from __future__ import annotations

import zipfile
from pathlib import Path

WHEEL = "fastcsv-1.0-cp312-cp312-manylinux2014_x86_64.whl"


def x86_only_requirements(folder: Path, requirements: Path) -> None:
    """Write a minimal `fastcsv` wheel for x86_64 Linux (as PyPI would hold one) under
    `folder`, and a `requirements` file that installs it from there alone (no index)."""
    folder.mkdir(parents=True)
    info = "fastcsv-1.0.dist-info"
    files = {
        "fastcsv/__init__.py": "SPEED = 'fast'\n",
        f"{info}/METADATA": "Metadata-Version: 2.1\nName: fastcsv\nVersion: 1.0\n",
        f"{info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: false\n"
        "Tag: cp312-cp312-manylinux2014_x86_64\n",
    }
    record = "".join(f"{name},,\n" for name in files) + f"{info}/RECORD,,\n"
    with zipfile.ZipFile(folder / WHEEL, "w") as archive:
        for name, text in {**files, f"{info}/RECORD": record}.items():
            archive.writestr(name, text)
    requirements.write_text(f"--no-index\n--find-links {folder}\nfastcsv==1.0\n")
