"""Packages are byte-for-byte reproducible, hold exactly the job folder plus the runtime package,
and install requirements once per requirements file (pip injected, never the network)."""

from __future__ import annotations

import base64
import hashlib
import os
import zipfile
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from scheduler.catalogue.model import Architecture, Job
from scheduler.package import (
    PackageError,
    PipInstall,
    build_package,
    build_packages,
    left_out_files,
    python_version,
)

JOB = Job(
    name="log-backup",
    schedule="rate(1 day)",
    expected_runtime=timedelta(minutes=5),
    timeout=timedelta(minutes=10),
    timeout_is_explicit=True,
    handler="jobs/log_backup/handler.py:main",
    runtime="python3.12",
)


@pytest.fixture
def catalogue(tmp_path: Path) -> Path:
    root = tmp_path / "catalogue"
    folder = root / "jobs" / "log_backup"
    (folder / "lib").mkdir(parents=True)
    (folder / "__pycache__").mkdir()
    (folder / "handler.py").write_text("def main(event, ctx):\n    return 1\n")
    (folder / "lib" / "util.py").write_text("X = 1\n")
    (folder / "lib" / "util.pyc").write_bytes(b"\0compiled")
    (folder / "__pycache__" / "handler.cpython-312.pyc").write_bytes(b"\0compiled")
    (folder / ".DS_Store").write_bytes(b"finder")
    (root / "jobs" / "other.py").write_text("not in the package\n")
    return root


@pytest.fixture
def runtime(tmp_path: Path) -> Path:
    """A runtime package folder, as `scheduler/runtime/` is."""
    folder = tmp_path / "runtime"
    folder.mkdir()
    (folder / "__init__.py").write_text("def handler(event, context):\n    pass\n")
    return folder


def _no_pip(requirements: Path, target: Path, python: str, platform: str) -> None:
    raise AssertionError("pip must not run for a job without requirements.txt")


def _build(
    catalogue: Path, runtime: Path, build: Path, pip: PipInstall = _no_pip
) -> tuple[bytes, str]:
    ref = build_package(JOB, catalogue, runtime, build, pip=pip)
    data = ref.path.read_bytes()
    assert ref.size == len(data)
    assert ref.sha256 == base64.b64encode(hashlib.sha256(data).digest()).decode()
    assert ref.job == "log-backup"
    assert ref.path == build / "log-backup.zip"
    return data, ref.sha256


def test_the_zip_holds_the_handler_folder_and_the_runtime_sorted_with_fixed_metadata(
    catalogue: Path, runtime: Path, tmp_path: Path
) -> None:
    data, _ = _build(catalogue, runtime, tmp_path / "build")
    with zipfile.ZipFile(tmp_path / "build" / "log-backup.zip") as archive:
        infos = archive.infolist()
        assert [i.filename for i in infos] == [
            "handler.py",
            "lib/util.py",
            "sched_runtime/__init__.py",
        ]
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
        assert {i.external_attr >> 16 for i in infos} == {0o100644}
        assert archive.read("sched_runtime/__init__.py") == (runtime / "__init__.py").read_bytes()
        assert archive.read("lib/util.py") == b"X = 1\n"
    assert data.startswith(b"PK")


def test_same_code_gives_the_same_bytes(catalogue: Path, runtime: Path, tmp_path: Path) -> None:
    first, first_hash = _build(catalogue, runtime, tmp_path / "a")
    second, second_hash = _build(catalogue, runtime, tmp_path / "b")
    assert first == second
    assert first_hash == second_hash


def test_modification_times_do_not_change_the_hash(
    catalogue: Path, runtime: Path, tmp_path: Path
) -> None:
    _, before = _build(catalogue, runtime, tmp_path / "build")
    for path in [*catalogue.rglob("*.py"), runtime / "__init__.py"]:
        os.utime(path, (1_700_000_000, 1_700_000_000))
    (catalogue / "jobs" / "log_backup" / "handler.py").chmod(0o755)
    _, after = _build(catalogue, runtime, tmp_path / "build")
    assert after == before


def test_a_code_change_changes_the_hash(catalogue: Path, runtime: Path, tmp_path: Path) -> None:
    _, before = _build(catalogue, runtime, tmp_path / "build")
    (catalogue / "jobs" / "log_backup" / "handler.py").write_text("def main(e, c):\n    return 2\n")
    _, after_code = _build(catalogue, runtime, tmp_path / "build")
    (runtime / "__init__.py").write_text("# new wrapper\n")
    _, after_runtime = _build(catalogue, runtime, tmp_path / "build")
    assert len({before, after_code, after_runtime}) == 3


def test_what_is_not_the_jobs_code_is_left_out_and_the_hash_stays_put(
    catalogue: Path, runtime: Path
) -> None:
    folder = catalogue / "jobs" / "log_backup"
    _, before = _build(catalogue, runtime, folder / "out")
    for name in (".sched/local", ".git/objects", ".venv/lib", "venv/bin", "node_modules/x"):
        (folder / name).mkdir(parents=True)
        (folder / name / "file.py").write_text("not the job's code\n")
    (folder / "lib" / ".cache").mkdir()
    (folder / "lib" / ".cache" / "c.py").write_text("cache\n")
    (folder / "lib" / "node_modules").mkdir()
    (folder / "lib" / "node_modules" / "m.js").write_text("module\n")
    (folder / ".env").write_text("SECRET=1\n")
    (folder / "lib" / ".hidden.py").write_text("hidden\n")

    _, after = _build(catalogue, runtime, folder / "out")

    # The zip of the first build sits in `out/` now, and would be zipped in the second.
    assert after == before
    with zipfile.ZipFile(folder / "out" / "log-backup.zip") as archive:
        assert archive.namelist() == ["handler.py", "lib/util.py", "sched_runtime/__init__.py"]


def test_installed_dependencies_keep_their_dot_files(
    catalogue: Path, runtime: Path, tmp_path: Path
) -> None:
    (catalogue / "jobs" / "log_backup" / "requirements.txt").write_text("dep==1\n")

    def pip(requirements: Path, target: Path, python: str, platform: str) -> None:
        (target / "dep" / ".data").mkdir(parents=True)
        (target / "dep" / ".data" / "table.json").write_text("{}\n")

    build_package(JOB, catalogue, runtime, tmp_path / "build", pip=pip)

    with zipfile.ZipFile(tmp_path / "build" / "log-backup.zip") as archive:
        assert "dep/.data/table.json" in archive.namelist()


class FakePip:
    """Records calls and writes a fake installed distribution into the target."""

    def __init__(self, fail: bool = False) -> None:
        self.calls: list[tuple[str, str]] = []
        self.platforms: list[str] = []
        self.fail = fail

    def __call__(self, requirements: Path, target: Path, python: str, platform: str) -> None:
        self.calls.append((requirements.read_text(), python))
        self.platforms.append(platform)
        (target / "dep").mkdir()
        (target / "dep" / "__init__.py").write_text("VERSION = 1\n")
        (target / "dep" / "__pycache__").mkdir()
        (target / "dep" / "__pycache__" / "x.pyc").write_bytes(b"\0")
        (target / "handler.py").write_text("a dependency's file must not win\n")
        if self.fail:
            raise PackageError("pip failed")


def test_requirements_are_installed_once_per_requirements_file(
    catalogue: Path, runtime: Path, tmp_path: Path
) -> None:
    requirements = catalogue / "jobs" / "log_backup" / "requirements.txt"
    requirements.write_text("dep==1\n")
    pip = FakePip()
    first, _ = _build(catalogue, runtime, tmp_path / "build", pip=pip)
    second, _ = _build(catalogue, runtime, tmp_path / "build", pip=pip)
    assert pip.calls == [("dep==1\n", "3.12")]
    assert first == second
    with zipfile.ZipFile(tmp_path / "build" / "log-backup.zip") as archive:
        assert archive.namelist() == [
            "dep/__init__.py",
            "handler.py",
            "lib/util.py",
            "requirements.txt",
            "sched_runtime/__init__.py",
        ]
        assert archive.read("handler.py").startswith(b"def main")
    requirements.write_text("dep==2\n")
    _build(catalogue, runtime, tmp_path / "build", pip=pip)
    assert pip.calls == [("dep==1\n", "3.12"), ("dep==2\n", "3.12")]


def test_a_failed_install_leaves_no_cache_entry(
    catalogue: Path, runtime: Path, tmp_path: Path
) -> None:
    (catalogue / "jobs" / "log_backup" / "requirements.txt").write_text("dep==1\n")
    with pytest.raises(PackageError, match="pip failed"):
        _build(catalogue, runtime, tmp_path / "build", pip=FakePip(fail=True))
    assert list((tmp_path / "build" / "deps").iterdir()) == []
    pip = FakePip()
    _build(catalogue, runtime, tmp_path / "build", pip=pip)
    assert len(pip.calls) == 1


@pytest.mark.parametrize("name", ["sched_runtime.py", "sched_runtime/__init__.py"])
def test_a_file_named_like_the_runtime_wrapper_is_refused(
    catalogue: Path, runtime: Path, tmp_path: Path, name: str
) -> None:
    clash = catalogue / "jobs" / "log_backup" / name
    clash.parent.mkdir(exist_ok=True)
    clash.write_text("")
    with pytest.raises(PackageError, match="clashes with sched's runtime package"):
        _build(catalogue, runtime, tmp_path / "build")


def test_a_job_without_handler_cannot_be_packaged(runtime: Path, tmp_path: Path) -> None:
    job = Job(
        name="legacy",
        schedule="rate(1 day)",
        expected_runtime=timedelta(minutes=1),
        timeout=timedelta(minutes=2),
        timeout_is_explicit=False,
        function="arn:aws:lambda:eu-west-1:123456789012:function:legacy",
    )
    with pytest.raises(PackageError, match='job "legacy" has no handler'):
        build_package(job, tmp_path, runtime, tmp_path / "build")


@pytest.mark.parametrize(("runtime", "version"), [("python3.12", "3.12"), ("python3.9", "3.9")])
def test_python_version(runtime: str, version: str) -> None:
    assert python_version(runtime) == version


def test_a_non_python_runtime_has_no_python_version() -> None:
    with pytest.raises(PackageError, match=r'runtime "nodejs20\.x" is not a Python runtime'):
        python_version("nodejs20.x")


@pytest.mark.parametrize("kind", ["file", "folder"])
def test_a_link_out_of_the_catalogue_folder_is_refused(
    catalogue: Path, runtime: Path, tmp_path: Path, kind: str
) -> None:
    outside = tmp_path / "home"
    (outside / ".ssh").mkdir(parents=True)
    (outside / ".ssh" / "config").write_text("Host *\n")
    target = outside / ".ssh" if kind == "folder" else outside / ".ssh" / "config"
    link = catalogue / "jobs" / "log_backup" / "lib" / "shared"
    link.symlink_to(target)
    message = f'job "log-backup": {link} links to {target.resolve()}, outside the catalogue folder'
    with pytest.raises(PackageError) as raised:
        _build(catalogue, runtime, tmp_path / "build")
    assert raised.value.message == f"{message} {catalogue.resolve()}"
    assert raised.value.hint.startswith("copy what it points at into the job's folder")
    assert not (tmp_path / "build" / "log-backup.zip").exists()


def test_a_link_that_escapes_through_a_relative_path_is_refused(
    catalogue: Path, runtime: Path, tmp_path: Path
) -> None:
    (tmp_path / "secret.txt").write_text("s3cr3t\n")
    (catalogue / "jobs" / "log_backup" / "notes.txt").symlink_to("../../../secret.txt")
    with pytest.raises(PackageError, match=r"notes\.txt links to .*secret\.txt, outside"):
        _build(catalogue, runtime, tmp_path / "build")


def test_a_handler_folder_that_is_itself_a_link_out_is_refused(
    runtime: Path, tmp_path: Path
) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "handler.py").write_text("def main(e, c):\n    pass\n")
    (tmp_path / "catalogue" / "jobs").mkdir(parents=True)
    (tmp_path / "catalogue" / "jobs" / "log_backup").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(PackageError, match=r"log_backup links to .*elsewhere, outside"):
        _build(tmp_path / "catalogue", runtime, tmp_path / "build")


def test_links_inside_the_catalogue_folder_are_followed(
    catalogue: Path, runtime: Path, tmp_path: Path
) -> None:
    (catalogue / "shared").mkdir()
    (catalogue / "shared" / "common.py").write_text("COMMON = 1\n")
    folder = catalogue / "jobs" / "log_backup"
    (folder / "common.py").symlink_to(catalogue / "shared" / "common.py")
    (folder / "shared").symlink_to("../../shared")
    (folder / "lib" / "loop").symlink_to("..")  # a loop is walked once, not forever
    (folder / "lib" / "self").symlink_to("self")  # a link that never resolves is no file
    (folder / "alias").symlink_to("lib")  # a link to a sibling folder: both ship
    (catalogue / "shared" / "back").symlink_to("../jobs/log_backup")  # a loop through a link
    _build(catalogue, runtime, tmp_path / "build")
    with zipfile.ZipFile(tmp_path / "build" / "log-backup.zip") as archive:
        assert archive.namelist() == [
            "alias/util.py",
            "common.py",
            "handler.py",
            "lib/util.py",
            "sched_runtime/__init__.py",
            "shared/common.py",
        ]
        assert archive.read("shared/common.py") == b"COMMON = 1\n"


CREDENTIAL_NAMES = [
    "credentials",
    "id_rsa",
    "id_ed25519",
    "id_ecdsa",
    "server.pem",
    "tls.key",
    "client.p12",
    "client.pfx",
    "secrets.json",
    "terraform.tfstate",
    "terraform.tfstate.backup",
    "ID_RSA",
    "Server.PEM",
]


@pytest.mark.parametrize("name", CREDENTIAL_NAMES)
def test_a_credential_looking_file_is_left_out_and_reported(
    catalogue: Path, runtime: Path, tmp_path: Path, name: str
) -> None:
    folder = catalogue / "jobs" / "log_backup"
    (folder / "lib" / name).write_text("not for Lambda\n")
    ref = build_package(JOB, catalogue, runtime, tmp_path / "build", pip=_no_pip)
    assert ref.left_out == (f"lib/{name}",)
    with zipfile.ZipFile(ref.path) as archive:
        assert archive.namelist() == ["handler.py", "lib/util.py", "sched_runtime/__init__.py"]
    assert left_out_files(folder, catalogue) == (f"lib/{name}",)


def test_credential_dot_files_are_never_shipped(
    catalogue: Path, runtime: Path, tmp_path: Path
) -> None:
    """Dot-files are never code to ship; they are left out silently, as always."""
    folder = catalogue / "jobs" / "log_backup"
    for name in (".env", ".npmrc", ".pypirc", ".netrc"):
        (folder / name).write_text("token=1\n")
    ref = build_package(JOB, catalogue, runtime, tmp_path / "build", pip=_no_pip)
    assert ref.left_out == ()
    with zipfile.ZipFile(ref.path) as archive:
        assert archive.namelist() == ["handler.py", "lib/util.py", "sched_runtime/__init__.py"]


def test_left_out_files_are_sorted_and_the_hash_ignores_them(
    catalogue: Path, runtime: Path, tmp_path: Path
) -> None:
    folder = catalogue / "jobs" / "log_backup"
    _, before = _build(catalogue, runtime, tmp_path / "build")
    (folder / "secrets.json").write_text("{}\n")
    (folder / "lib" / "id_rsa").write_text("key\n")
    ref = build_package(JOB, catalogue, runtime, tmp_path / "build", pip=_no_pip)
    assert (ref.left_out, ref.sha256) == (("lib/id_rsa", "secrets.json"), before)


def test_a_public_key_is_not_left_out(catalogue: Path, runtime: Path, tmp_path: Path) -> None:
    (catalogue / "jobs" / "log_backup" / "id_rsa.pub").write_text("ssh-rsa AAAA\n")
    ref = build_package(JOB, catalogue, runtime, tmp_path / "build", pip=_no_pip)
    assert ref.left_out == ()
    with zipfile.ZipFile(ref.path) as archive:
        assert "id_rsa.pub" in archive.namelist()


def test_an_installed_dependency_keeps_its_pem_files(
    catalogue: Path, runtime: Path, tmp_path: Path
) -> None:
    """certifi ships cacert.pem: only the job's own folder is screened."""
    (catalogue / "jobs" / "log_backup" / "requirements.txt").write_text("certifi\n")

    def pip(requirements: Path, target: Path, python: str, platform: str) -> None:
        (target / "certifi").mkdir()
        (target / "certifi" / "cacert.pem").write_text("CA\n")

    ref = build_package(JOB, catalogue, runtime, tmp_path / "build", pip=pip)
    assert ref.left_out == ()
    with zipfile.ZipFile(ref.path) as archive:
        assert "certifi/cacert.pem" in archive.namelist()


def test_a_link_to_a_folder_deeper_in_the_job_does_not_hide_that_folder(
    catalogue: Path, runtime: Path, tmp_path: Path
) -> None:
    folder = catalogue / "jobs" / "log_backup"
    (folder / "lib" / "deep").mkdir()
    (folder / "lib" / "deep" / "x.py").write_text("X = 1\n")
    (folder / "a_link").symlink_to("lib/deep")  # walked before lib/ itself
    _build(catalogue, runtime, tmp_path / "build")
    with zipfile.ZipFile(tmp_path / "build" / "log-backup.zip") as archive:
        assert archive.namelist() == [
            "a_link/x.py",
            "handler.py",
            "lib/deep/x.py",
            "lib/util.py",
            "sched_runtime/__init__.py",
        ]


def test_a_job_name_longer_than_a_file_name_is_packaged_under_a_bounded_name(
    catalogue: Path, runtime: Path, tmp_path: Path
) -> None:
    """A 1000-character job name crashed with "File name too long": the zip was named after it."""
    names = ["j" * 999 + "a", "j" * 999 + "b"]
    refs = [
        build_package(replace(JOB, name=name), catalogue, runtime, tmp_path / "build", pip=_no_pip)
        for name in names
    ]
    assert [ref.job for ref in refs] == names
    assert all(len(ref.path.name) <= 100 and ref.path.is_file() for ref in refs)
    assert refs[0].path != refs[1].path


def test_entries_are_deflated_and_the_bytes_stay_the_same_build_after_build(
    catalogue: Path, runtime: Path, tmp_path: Path
) -> None:
    """Stored entries made every package as big as its files; deflated ones are smaller and,
    with the level fixed, byte-identical from one build to the next (so plans stay empty)."""
    (catalogue / "jobs" / "log_backup" / "data.txt").write_text("the same line\n" * 10_000)
    first, _ = _build(catalogue, runtime, tmp_path / "a")
    second, _ = _build(catalogue, runtime, tmp_path / "b")
    assert first == second
    with zipfile.ZipFile(tmp_path / "a" / "log-backup.zip") as archive:
        assert {i.compress_type for i in archive.infolist()} == {zipfile.ZIP_DEFLATED}
        assert archive.read("data.txt") == b"the same line\n" * 10_000
    assert len(first) < 10_000


def test_a_package_over_lambda_s_unzipped_limit_is_refused_before_it_is_zipped(
    catalogue: Path, runtime: Path, tmp_path: Path
) -> None:
    (catalogue / "jobs" / "log_backup" / "data.bin").write_bytes(b"\0" * 2000)
    with pytest.raises(PackageError, match=r'job "log-backup": its package holds 2\.0 KB'):
        build_package(JOB, catalogue, runtime, tmp_path / "build", pip=_no_pip, unzipped_max=2000)
    assert not (tmp_path / "build" / "log-backup.zip").exists()


def test_a_package_over_lambda_s_direct_upload_limit_is_refused(
    catalogue: Path, runtime: Path, tmp_path: Path
) -> None:
    (catalogue / "jobs" / "log_backup" / "data.bin").write_bytes(os.urandom(4000))
    with pytest.raises(PackageError, match=r'job "log-backup": its zip is 4\.\d KB'):
        build_package(JOB, catalogue, runtime, tmp_path / "build", pip=_no_pip, zipped_max=4000)
    assert not (tmp_path / "build" / "log-backup.zip").exists()


def test_an_unchanged_package_is_reused_without_writing_it_again(
    catalogue: Path, runtime: Path, tmp_path: Path
) -> None:
    first = build_package(JOB, catalogue, runtime, tmp_path / "build")
    written = first.path.stat()

    again = build_package(JOB, catalogue, runtime, tmp_path / "build")

    assert again == first
    after = again.path.stat()
    assert (after.st_ino, after.st_mtime_ns) == (written.st_ino, written.st_mtime_ns)


def test_a_changed_file_builds_the_package_again(
    catalogue: Path, runtime: Path, tmp_path: Path
) -> None:
    first = build_package(JOB, catalogue, runtime, tmp_path / "build")
    (catalogue / "jobs" / "log_backup" / "handler.py").write_text("def main(e, c):\n    return 2\n")

    again = build_package(JOB, catalogue, runtime, tmp_path / "build")

    assert (again.sha256, again.digest) != (first.sha256, first.digest)
    with zipfile.ZipFile(again.path) as archive:
        assert archive.read("handler.py") == b"def main(e, c):\n    return 2\n"


def test_jobs_sharing_a_handler_folder_share_one_zip_built_once(
    catalogue: Path, runtime: Path, tmp_path: Path
) -> None:
    other = replace(JOB, name="log-backup-eu")
    py313 = replace(JOB, name="log-backup-313", runtime="python3.13")

    refs = build_packages([JOB, other, py313], catalogue, runtime, tmp_path / "build")

    assert [r.job for r in refs.values()] == ["log-backup", "log-backup-eu", "log-backup-313"]
    assert refs["log-backup-eu"].path == refs["log-backup"].path
    assert refs["log-backup-eu"].sha256 == refs["log-backup"].sha256
    assert refs["log-backup-313"].path == tmp_path / "build" / "log-backup-313.zip"
    assert sorted(p.name for p in (tmp_path / "build").glob("*.zip")) == [
        "log-backup-313.zip",
        "log-backup.zip",
    ]


def test_an_arm64_jobs_requirements_are_installed_for_arm64_and_cached_apart(
    catalogue: Path, runtime: Path, tmp_path: Path
) -> None:
    (catalogue / "jobs" / "log_backup" / "requirements.txt").write_text("dep==1\n")
    pip = FakePip()
    arm = replace(JOB, architecture=Architecture.ARM64)
    arm_ref = build_package(arm, catalogue, runtime, tmp_path / "build", pip=pip)
    x86_ref = build_package(JOB, catalogue, runtime, tmp_path / "build", pip=pip)
    build_package(arm, catalogue, runtime, tmp_path / "build", pip=pip)
    assert pip.platforms == ["manylinux2014_aarch64", "manylinux2014_x86_64"]
    assert arm_ref.digest == x86_ref.digest  # the fake installs the same files for both
