"""pip_install for real (offline, from a wheel folder the test writes): a wheel built for x86_64
only installs for Lambda's x86_64 platform, and for arm64 fails with one line naming the
platform and what to do."""

from __future__ import annotations

from pathlib import Path

import pytest
from wheels import x86_only_requirements

from scheduler.catalogue.model import Architecture
from scheduler.errors import PackageError
from scheduler.package import LAMBDA_PLATFORMS, pip_install


@pytest.fixture
def requirements(tmp_path: Path) -> Path:
    path = tmp_path / "requirements.txt"
    x86_only_requirements(tmp_path / "wheels", path)
    return path


def test_a_wheel_for_the_platform_is_installed(requirements: Path, tmp_path: Path) -> None:
    target = tmp_path / "x86"
    pip_install(requirements, target, "3.12", LAMBDA_PLATFORMS[Architecture.X86_64])
    assert (target / "fastcsv" / "__init__.py").read_text() == "SPEED = 'fast'\n"


def test_no_wheel_for_arm64_is_one_line_naming_the_platform(
    requirements: Path, tmp_path: Path
) -> None:
    with pytest.raises(PackageError) as refused:
        pip_install(requirements, tmp_path / "arm", "3.12", LAMBDA_PLATFORMS[Architecture.ARM64])
    assert refused.value.message == (
        f"pip could not install {requirements} for manylinux2014_aarch64: "
        "ERROR: No matching distribution found for fastcsv==1.0"
    )
    assert refused.value.hint == (
        "every requirement needs a manylinux2014_aarch64 wheel for Python 3.12: pin a version "
        "that has one, or drop it, or run the job on architecture: x86_64"
    )
