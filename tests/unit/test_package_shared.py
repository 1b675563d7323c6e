"""Shared code folders (`code: shared:`): zipped at the package's root under their own names,
covered by the package's digest (a change reaches exactly the jobs that name the folder), and
refused with one line when missing, misplaced or clashing."""

from __future__ import annotations

import zipfile
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from scheduler.catalogue.model import Job, SharedFolder
from scheduler.package import CodeDiff, PackageError, build_package, build_packages, code_diff

LIB = SharedFolder("jobs/lib", ("defaults", "code", "shared", 0))


def _job(name: str, folder: str, *shared: SharedFolder) -> Job:
    return Job(
        name=name,
        schedule="rate(1 day)",
        expected_runtime=timedelta(minutes=1),
        timeout=timedelta(minutes=2),
        timeout_is_explicit=True,
        handler=f"jobs/{folder}/handler.py:main",
        shared_code=shared,
    )


BACKUP = _job("backup", "backup", LIB)
REPORT = _job("report", "report", LIB)
CANARY = _job("canary", "canary")


@pytest.fixture
def catalogue(tmp_path: Path) -> Path:
    root = tmp_path / "catalogue"
    for folder in ("backup", "report", "canary"):
        (root / "jobs" / folder).mkdir(parents=True)
        (root / "jobs" / folder / "handler.py").write_text("from lib import s3\n")
    (root / "jobs" / "lib" / "__pycache__").mkdir(parents=True)
    (root / "jobs" / "lib" / "__init__.py").write_text("")
    (root / "jobs" / "lib" / "s3.py").write_text("BUCKET = 'a'\n")
    (root / "jobs" / "lib" / "__pycache__" / "s3.cpython-312.pyc").write_bytes(b"\0")
    (root / "jobs" / "lib" / "id_rsa").write_text("private\n")
    return root


@pytest.fixture
def runtime(tmp_path: Path) -> Path:
    folder = tmp_path / "runtime"
    folder.mkdir()
    (folder / "__init__.py").write_text("")
    return folder


def test_a_shared_folder_is_zipped_at_the_root_under_its_name(
    catalogue: Path, runtime: Path, tmp_path: Path
) -> None:
    ref = build_package(BACKUP, catalogue, runtime, tmp_path / "build")
    with zipfile.ZipFile(ref.path) as archive:
        assert archive.namelist() == [
            "handler.py",
            "lib/__init__.py",
            "lib/s3.py",
            "sched_runtime/__init__.py",
        ]
    assert ref.left_out == ("lib/id_rsa",)


def test_a_change_in_the_shared_folder_changes_exactly_the_packages_of_its_jobs(
    catalogue: Path, runtime: Path, tmp_path: Path
) -> None:
    def digests() -> dict[str, str]:
        build = tmp_path / "build"
        return {j.name: build_package(j, catalogue, runtime, build).digest for j in jobs}

    jobs = (BACKUP, REPORT, CANARY)
    before = digests()
    (catalogue / "jobs" / "lib" / "s3.py").write_text("BUCKET = 'b'\n")
    after = digests()
    assert [name for name in before if before[name] != after[name]] == ["backup", "report"]


def test_a_folder_named_twice_under_defaults_and_the_job_ships_once(
    catalogue: Path, runtime: Path, tmp_path: Path
) -> None:
    from scheduler.catalogue.loader import load

    (catalogue / "jobs.yaml").write_text(
        "catalogue: c\ndefaults:\n  code: {shared: [jobs/lib]}\njobs:\n  backup:\n"
        "    schedule: rate(1 day)\n    expected_runtime: 1m\n"
        "    handler: jobs/backup/handler.py:main\n    code: {shared: [jobs/lib/, jobs/report]}\n"
    )
    loaded = load(catalogue / "jobs.yaml")
    assert loaded.catalogue is not None
    [job] = loaded.catalogue.jobs
    assert job.shared_code == (
        SharedFolder("jobs/lib", ("defaults", "code", "shared", 0)),
        SharedFolder("jobs/report", ("jobs", "backup", "code", "shared", 1)),
    )


@pytest.mark.parametrize(
    ("shared", "message"),
    [
        (
            SharedFolder("jobs/nope"),
            'job "backup": shared code folder jobs/nope does not exist',
        ),
        (
            SharedFolder("jobs/lib/s3.py"),
            'job "backup": shared code folder jobs/lib/s3.py is not a folder',
        ),
        (
            SharedFolder("../elsewhere"),
            'job "backup": shared code folder ../elsewhere is outside the catalogue\'s folder',
        ),
        (
            SharedFolder("jobs"),
            'job "backup": shared code folder jobs overlaps its handler\'s folder, which its '
            "package holds already",
        ),
        (
            SharedFolder("jobs/report"),
            "",  # allowed: another job's folder, shipped as report/
        ),
    ],
)
def test_a_folder_that_cannot_join_the_package_is_refused_in_one_line(
    catalogue: Path, runtime: Path, tmp_path: Path, shared: SharedFolder, message: str
) -> None:
    (tmp_path / "elsewhere").mkdir()
    job = replace(BACKUP, shared_code=(shared,))
    if not message:
        build_package(job, catalogue, runtime, tmp_path / "build")
        return
    with pytest.raises(PackageError) as refused:
        build_package(job, catalogue, runtime, tmp_path / "build")
    assert refused.value.message == message


def test_a_name_already_at_the_packages_root_is_refused(
    catalogue: Path, runtime: Path, tmp_path: Path
) -> None:
    (catalogue / "jobs" / "backup" / "lib.py").write_text("")
    with pytest.raises(PackageError) as refused:
        build_package(BACKUP, catalogue, runtime, tmp_path / "build")
    assert refused.value.message == (
        'job "backup": shared code folder jobs/lib lands in its package as lib/, where lib.py '
        "is already"
    )
    assert refused.value.hint == (
        "rename the folder or the file, so that each name at the package's root is one thing"
    )


def test_jobs_of_one_folder_share_a_zip_only_with_the_same_shared_folders(
    catalogue: Path, runtime: Path, tmp_path: Path
) -> None:
    alone = _job("backup-alone", "backup")
    twin = _job("backup-twin", "backup", LIB)
    refs = build_packages([BACKUP, alone, twin], catalogue, runtime, tmp_path / "build")
    assert refs["backup"].digest == refs["backup-twin"].digest != refs["backup-alone"].digest
    with zipfile.ZipFile(refs["backup-alone"].path) as archive:
        assert "lib/s3.py" not in archive.namelist()


def test_two_packages_built_here_give_the_files_that_changed(
    catalogue: Path, runtime: Path, tmp_path: Path
) -> None:
    build = tmp_path / "build"
    before = build_package(BACKUP, catalogue, runtime, build).digest
    (catalogue / "jobs" / "lib" / "s3.py").write_text("BUCKET = 'b'\n")
    (catalogue / "jobs" / "lib" / "new.py").write_text("")
    (catalogue / "jobs" / "lib" / "__init__.py").unlink()
    after = build_package(BACKUP, catalogue, runtime, build).digest

    assert code_diff(build, before, after) == CodeDiff(
        added=("lib/new.py",), changed=("lib/s3.py",), removed=("lib/__init__.py",)
    )
    assert code_diff(build, f"outside sched ({before})", after) is None
    assert code_diff(tmp_path / "elsewhere", before, after) is None
