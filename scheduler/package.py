"""Deterministic deployment zips of a job's code plus the runtime package, and their hash.

The zip holds the folder of the job's handler file at its root (less what is never code to
ship: dot-files and dot-folders such as `.sched/`, `.git` and `.env`, virtualenvs, node_modules,
caches, the build folder, and credential-looking files, which are reported), each shared code
folder of `code: shared:` beside it under its own name (so `jobs/lib` imports as `lib`, on
Lambda as in `sched run --local`), the runtime package `scheduler/runtime/` as
`sched_runtime/`, and the folder's `requirements.txt` installed for Lambda's platform of the
job's architecture (cached by the file's hash and the platform). Links are followed only inside
the catalogue folder. Entries are sorted, timestamps and permissions fixed, and deflated at one
fixed level, so the same code gives the same bytes build after build; another deflate (zlib-ng,
as on Fedora 40) gives other bytes, so the package also has a digest of the files it holds,
which is what plan compares (`content_digest`). A package over Lambda's upload limits (50 MB
zipped, 250 MB unzipped) is refused before anything is written.
"""

from __future__ import annotations

import ast
import base64
import contextlib
import functools
import hashlib
import io
import json
import os
import shutil
import sys
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from scheduler import limits, naming
from scheduler.catalogue.model import Architecture, Job, SharedFolder
from scheduler.errors import PackageError
from scheduler.files import write_atomically

RUNTIME_MODULE = "sched_runtime"
RUNTIME_SOURCE = Path(__file__).with_name("runtime")
# A job file or folder with these names would shadow (or be shadowed by) the runtime package.
_RUNTIME_NAMES = frozenset({RUNTIME_MODULE, f"{RUNTIME_MODULE}.py"})
# The manylinux platform of Lambda's Amazon Linux for each architecture, whose wheels pip installs:
# https://docs.aws.amazon.com/lambda/latest/dg/python-package.html
LAMBDA_PLATFORMS = {
    Architecture.X86_64: "manylinux2014_x86_64",
    Architecture.ARM64: "manylinux2014_aarch64",
}
LAMBDA_PLATFORM = LAMBDA_PLATFORMS[Architecture.X86_64]
REQUIREMENTS = "requirements.txt"
# The zip's file name is the job's, cut and hashed past this: file systems refuse names over 255
# bytes, and a job name may be longer (its scratch copy adds a few characters too).
ZIP_NAME_MAX = 64

_FIXED_TIME = (1980, 1, 1, 0, 0, 0)
# zlib's own default, written down: the same level gives the same bytes from the same zlib.
_COMPRESS_LEVEL = 6
_FILE_MODE = 0o100644 << 16  # a regular file, rw-r--r--
_SKIPPED_DIRS = frozenset({"__pycache__"})
_SKIPPED_NAMES = frozenset({".DS_Store"})
_SKIPPED_SUFFIXES = (".pyc", ".pyo")
# Never part of a job's code, wherever they sit in its folder: environments and their caches.
_SKIPPED_SOURCE_DIRS = _SKIPPED_DIRS | {".venv", "venv", "node_modules"}

# What looks like a credential (private keys, key stores, cloud credentials, Terraform state)
# is never shipped from a job's folder, and is reported (SCH312) so that it can be moved out.
# Installed dependencies are not screened: certifi, for one, ships `cacert.pem`.
_CREDENTIAL_NAMES = frozenset(
    {
        "credentials",
        "id_rsa",
        "id_dsa",
        "id_ecdsa",
        "id_ed25519",
        "secrets.json",
        "terraform.tfstate",
        "terraform.tfstate.backup",
    }
)
_CREDENTIAL_SUFFIXES = (".pem", ".key", ".p12", ".pfx")

PipInstall = Callable[[Path, Path, str, str], None]
"""Install `requirements` into `target` for Python `version` (e.g. "3.12") and a platform
(`manylinux2014_aarch64`)."""


@dataclass(frozen=True)
class PackageRef:
    """A built zip: `sha256` is base64, as Lambda reports `CodeSha256`; `size` in bytes."""

    job: str
    path: Path
    sha256: str
    size: int
    left_out: tuple[str, ...] = ()
    """Credential-looking files of the job's folder not shipped, relative to it, sorted (then
    those of its shared code folders, under their names)."""
    digest: str = ""
    """`content_digest` of what the zip holds: the same on every machine, whatever its zlib."""


def pip_install(
    requirements: Path, target: Path, python_version: str, platform: str = LAMBDA_PLATFORM
) -> None:
    """Install wheels for Lambda's `platform` (never source builds, which would be for this
    machine's)."""
    command = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-compile",
        "--disable-pip-version-check",
        "-r",
        str(requirements),
        "--target",
        str(target),
        "--platform",
        platform,
        "--implementation",
        "cp",
        "--only-binary=:all:",
        "--python-version",
        python_version,
    ]
    import subprocess  # only a build installs requirements; `sched validate` never does

    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        last = (done.stderr.strip() or done.stdout.strip()).splitlines()[-1:] or ["(no output)"]
        raise PackageError(
            f"pip could not install {requirements} for {platform}: {last[0]}",
            f"every requirement needs a {platform} wheel for Python {python_version}: pin a "
            "version that has one, or drop it"
            + (", or run the job on architecture: x86_64" if "aarch64" in platform else ""),
        )


def python_version(runtime: str) -> str:
    """`python3.12` → `3.12`."""
    prefix = "python"
    version = runtime.removeprefix(prefix)
    if not runtime.startswith(prefix) or not version.replace(".", "").isdigit():
        raise PackageError(
            f'runtime "{runtime}" is not a Python runtime',
            "sched packages Python handlers; use a runtime like python3.12",
        )
    return version


def build_package(
    job: Job,
    catalogue_dir: Path,
    runtime_source: Path,
    build_dir: Path,
    *,
    pip: PipInstall = pip_install,
    zipped_max: int = limits.LAMBDA_DIRECT_UPLOAD_MAX_BYTES,
    unzipped_max: int = limits.LAMBDA_UNZIPPED_CODE_MAX_BYTES,
    compress_level: int = _COMPRESS_LEVEL,
) -> PackageRef:
    """Zip the job's handler folder, the runtime package (the folder `runtime_source`, shipped as
    `sched_runtime/`) and its requirements under `build_dir`; PackageError past Lambda's
    limits (`zipped_max`, `unzipped_max`)."""
    if job.handler_file is None:
        raise PackageError(f'job "{job.name}" has no handler to package')
    source = (catalogue_dir / job.handler_file).parent
    if not source.is_dir():
        raise PackageError(
            f'job "{job.name}": handler folder {source} does not exist',
            "handler is a path relative to the catalogue file",
        )
    try:
        entries, left_out = job_files(source, catalogue_dir, skip_dir=build_dir)
    except PackageError as refused:
        raise PackageError(f'job "{job.name}": {refused.message}', refused.hint) from None
    clash = runtime_clash(entries)
    if clash is not None:
        raise PackageError(
            f'job "{job.name}": {source / clash} clashes with sched\'s runtime package',
            f"rename it; sched adds its own {RUNTIME_MODULE} package to the zip",
        )
    for shared in job.shared_code:
        problem = shared_problem(job, shared, catalogue_dir, entries)
        if problem is not None:
            message, hint = problem
            if not message.startswith("job "):
                message = f'job "{job.name}": {message}'
            raise PackageError(message, hint)
        files, left = job_files(catalogue_dir / shared.folder, catalogue_dir, skip_dir=build_dir)
        entries.update({f"{shared.name}/{arcname}": path for arcname, path in files.items()})
        left_out = (*left_out, *(f"{shared.name}/{arcname}" for arcname in left))
    entries.update(runtime_files(runtime_source))
    requirements = source / REQUIREMENTS
    if requirements.is_file():
        platform = LAMBDA_PLATFORMS[job.architecture]
        version = python_version(job.runtime)
        try:
            deps = _dependencies(requirements, version, platform, build_dir, pip)
        except PackageError as refused:
            raise PackageError(f'job "{job.name}": {refused.message}', refused.hint) from None
        for arcname, path in _files(deps):
            entries.setdefault(arcname, path)  # the job's own files win over a dependency's
    unzipped = unzipped_size(entries)
    if unzipped > unzipped_max:
        raise PackageError(
            f'job "{job.name}": its package holds {_size(unzipped)} of files; Lambda takes at '
            f"most {_size(unzipped_max)} unzipped",
            _TRIM_HINT,
        )
    contents = content_digest(entries)
    path = build_dir / f"{naming.bounded(job.name, ZIP_NAME_MAX)}.zip"
    inputs = f"{contents} {compress_level}\n".encode()
    data = _unchanged_zip(path, inputs)
    fresh = data is None
    if data is None:
        data = zip_bytes(entries, compress_level)
    if len(data) > zipped_max:
        raise PackageError(
            f'job "{job.name}": its zip is {_size(len(data))}; Lambda takes at most '
            f"{_size(zipped_max)} uploaded directly",
            _TRIM_HINT,
        )
    if fresh:
        build_dir.mkdir(parents=True, exist_ok=True)
        write_atomically(path, data)
        write_atomically(_inputs_file(path), inputs)
    _write_manifest(build_dir, contents, entries)
    digest = base64.b64encode(hashlib.sha256(data).digest()).decode()
    return PackageRef(job.name, path, digest, len(data), left_out, contents)


def build_packages(
    jobs: Iterable[Job], catalogue_dir: Path, runtime_source: Path, build_dir: Path
) -> dict[str, PackageRef]:
    """`build_package` of each job, by job name, built once per distinct code: jobs with the
    same handler folder, shared code folders, runtime and architecture share the first one's zip."""
    built: dict[tuple[Path, tuple[str, ...], str, Architecture], PackageRef] = {}
    refs: dict[str, PackageRef] = {}
    for job in jobs:
        if job.handler_file is None:
            refs[job.name] = build_package(job, catalogue_dir, runtime_source, build_dir)
            continue
        shared = tuple(folder.folder for folder in job.shared_code)
        key = ((catalogue_dir / job.handler_file).parent, shared, job.runtime, job.architecture)
        ref = built.get(key)
        if ref is None:
            ref = built[key] = build_package(job, catalogue_dir, runtime_source, build_dir)
        refs[job.name] = replace(ref, job=job.name)
    return refs


@dataclass(frozen=True)
class CodeDiff:
    """The files (arcnames, sorted) one package holds that another did not, that both hold with
    other bytes, and that only the other held."""

    added: tuple[str, ...]
    changed: tuple[str, ...]
    removed: tuple[str, ...]


MANIFESTS = "manifests"


def _write_manifest(build_dir: Path, contents: str, entries: Mapping[str, Path]) -> None:
    """Beside the zips, what each package built here held (arcname → SHA-256), by its content
    digest: the plan's line for a code change names the files that changed when the deployed
    package was built here too."""
    path = build_dir / MANIFESTS / f"{contents}.json"
    if path.is_file():
        return
    digests = {a: hashlib.sha256(entries[a].read_bytes()).hexdigest() for a in sorted(entries)}
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, json.dumps(digests, sort_keys=True).encode())


def _manifest(build_dir: Path, contents: str) -> dict[str, str] | None:
    try:
        found = json.loads((build_dir / MANIFESTS / f"{contents}.json").read_text())
    except (OSError, ValueError):  # never built here (or unreadable): nothing to compare
        return None
    return found if isinstance(found, dict) else None


def code_diff(build_dir: Path, before: str, after: str) -> CodeDiff | None:
    """How the package of content digest `after` differs from that of `before`; None unless
    both were built under `build_dir` (a deployed package built elsewhere is known only by its
    digest)."""
    if not before.isalnum() or not after.isalnum():  # `outside sched (...)`: no package of ours
        return None
    old, new = _manifest(build_dir, before), _manifest(build_dir, after)
    if old is None or new is None:
        return None
    return CodeDiff(
        added=tuple(sorted(new.keys() - old.keys())),
        changed=tuple(sorted(a for a in new.keys() & old.keys() if new[a] != old[a])),
        removed=tuple(sorted(old.keys() - new.keys())),
    )


def _inputs_file(path: Path) -> Path:
    """Beside a zip, the content digest and level it was built from."""
    return path.with_name(f".{path.name}.inputs")


def _unchanged_zip(path: Path, inputs: bytes) -> bytes | None:
    """The zip at `path` when it was built from `inputs` (the same files at the same level):
    reused as it is, neither deflated again nor rewritten and flushed to disk."""
    try:
        if _inputs_file(path).read_bytes() != inputs:
            return None
        return path.read_bytes()
    except OSError:
        return None


def shared_problem(
    job: Job, shared: SharedFolder, catalogue_dir: Path, entries: Mapping[str, Path]
) -> tuple[str, str] | None:
    """Why `shared` cannot join the package of `job` whose entries so far are `entries` (the
    handler folder's, and the shared folders before it), as (message, hint); None when it can.
    The folder must exist under the catalogue's folder, apart from the handler's, and its name
    must be free at the package's root, where it lands. Only the messages of a problem with
    this job name it: the others are the same for every job naming the folder."""
    where = f"shared code folder {shared.folder}"
    base = catalogue_dir.resolve()
    path = (catalogue_dir / shared.folder).resolve()
    if not path.is_relative_to(base):
        return (
            f"{where} is outside the catalogue's folder",
            "sched packages only files under the catalogue's folder; move the code under it",
        )
    if not path.is_dir():
        return (
            f"{where} does not exist" if not path.exists() else f"{where} is not a folder",
            "name a folder relative to the catalogue file, e.g. jobs/lib",
        )
    if shared.name in _RUNTIME_NAMES:
        return (f"{where} has the name of sched's runtime package", "rename the folder")
    if job.handler_file is not None:
        handler = (catalogue_dir / job.handler_file).resolve().parent
        if handler.is_relative_to(path) or path.is_relative_to(handler):
            return (
                f'job "{job.name}": {where} overlaps its handler\'s folder, which its package '
                "holds already",
                "share a folder beside the jobs' folders (jobs/lib), not one in or around them",
            )
    roots = {arcname.split("/")[0] for arcname in entries}
    taken = sorted(roots & {shared.name, f"{shared.name}.py"})
    if taken:
        return (
            f'job "{job.name}": {where} lands in its package as {shared.name}/, where '
            f"{taken[0]} is already",
            "rename the folder or the file, so that each name at the package's root is one thing",
        )
    return None


def shared_folders(job: Job, catalogue_dir: Path) -> dict[str, Path]:
    """Each shared code folder of `job` by the name it is imported as (for local runs)."""
    return {shared.name: catalogue_dir / shared.folder for shared in job.shared_code}


def looks_like_credential(name: str) -> bool:
    """A file name (not a path) that private keys, key stores or credentials go by."""
    lower = name.lower()
    return lower in _CREDENTIAL_NAMES or lower.endswith(_CREDENTIAL_SUFFIXES)


def job_files(
    source: Path, catalogue_dir: Path, *, skip_dir: Path | None = None
) -> tuple[dict[str, Path], tuple[str, ...]]:
    """The files of a job's folder `source` to ship (arcname → path), and the credential-looking
    ones left out (arcnames, sorted). PackageError for a link out of `catalogue_dir`."""
    files = _files(source, job_folder=True, skip_dir=skip_dir, within=catalogue_dir.resolve())
    entries: dict[str, Path] = {}
    left_out: list[str] = []
    for arcname, path in files:
        if looks_like_credential(path.name):
            left_out.append(arcname)
        else:
            entries[arcname] = path
    return entries, tuple(sorted(left_out))


def left_out_files(source: Path, catalogue_dir: Path) -> tuple[str, ...]:
    """What `build_package` would leave out of the job folder `source` as credential-looking."""
    return job_files(source, catalogue_dir)[1]


def archive_names(path: Path) -> list[str]:
    """The names in a built zip, read back from it, in its (sorted) order."""
    with zipfile.ZipFile(path) as archive:
        return archive.namelist()


def zip_bytes(entries: dict[str, Path], compress_level: int = _COMPRESS_LEVEL) -> bytes:
    """A zip of `arcname → file`, identical for identical contents whatever the file metadata."""
    buffer = io.BytesIO()
    _write_zip(entries, buffer, compress_level)
    return buffer.getvalue()


def content_digest(entries: dict[str, Path]) -> str:
    """A hex SHA-256 of what a zip of `entries` holds (each name, mode and bytes, in order),
    not of its deflated bytes: another zlib (zlib-ng, as on Fedora 40) deflates the same files
    to other bytes, and so to another `CodeSha256`."""
    digest = hashlib.sha256()
    for arcname in sorted(entries):
        data = entries[arcname].read_bytes()
        name = arcname.encode()
        digest.update(b"%d:%s:%o:%d:" % (len(name), name, _FILE_MODE, len(data)))
        digest.update(data)
    return digest.hexdigest()


def zipped_size(entries: dict[str, Path]) -> int:
    """About the size of `zip_bytes(entries)` (a few bytes an entry more), without holding it."""
    counter = _Counter()
    _write_zip(entries, counter)
    return counter.size


def unzipped_size(entries: dict[str, Path]) -> int:
    """The bytes of every file of `entries`, as Lambda counts a package unzipped."""
    return sum(path.stat().st_size for path in entries.values())


def runtime_files(runtime_source: Path = RUNTIME_SOURCE) -> dict[str, Path]:
    """The runtime package's files as they are shipped, under `sched_runtime/`."""
    return {f"{RUNTIME_MODULE}/{a}": p for a, p in _files(runtime_source)}


def runtime_clash(entries: dict[str, Path]) -> str | None:
    """The first entry of a job's folder that would shadow the runtime package, if any."""
    return next((a for a in sorted(entries) if a.split("/")[0] in _RUNTIME_NAMES), None)


def _write_zip(
    entries: dict[str, Path], fp: io.RawIOBase | io.BytesIO, level: int = _COMPRESS_LEVEL
) -> None:
    with zipfile.ZipFile(fp, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for arcname in sorted(entries):
            info = zipfile.ZipInfo(arcname, date_time=_FIXED_TIME)
            info.external_attr = _FILE_MODE
            info.create_system = 3  # Unix, so the mode above is honoured everywhere
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, entries[arcname].read_bytes(), compresslevel=level)


class _Counter(io.RawIOBase):
    """A sink that only counts what is written to it (zipfile copes with one it cannot seek)."""

    def __init__(self) -> None:
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        written = len(data)
        self.size += written
        return written


_TRIM_HINT = (
    "trim the job's folder and its requirements.txt (boto3 is already in the Lambda runtime), "
    "or ship large data through S3"
)


def _size(size: int) -> str:
    for unit, scale in (("MB", 2**20), ("KB", 2**10)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


def _files(
    root: Path,
    *,
    job_folder: bool = False,
    skip_dir: Path | None = None,
    within: Path | None = None,
) -> Iterator[tuple[str, Path]]:
    """Regular files under `root` as (posix path relative to root, path), skipping caches.

    For a `job_folder` (not installed dependencies, whose dot-files may be needed), also
    dot-files, dot-folders, virtualenvs and node_modules; `skip_dir` is left out wherever it
    is (the build folder, which holds the zip being built). With `within` (the resolved
    catalogue folder), links are followed (never round a loop), and a link to anywhere
    outside `within` is a PackageError: it would ship a file from outside the repository.
    """
    skipped_dirs = _SKIPPED_SOURCE_DIRS if job_folder else _SKIPPED_DIRS
    skip = skip_dir.resolve() if skip_dir is not None else None
    if within is not None:
        _check_link(root, within)
    # The folders (resolved) on the way down to each folder walked: a link back to one is a loop.
    above: dict[str, frozenset[Path]] = {str(root): frozenset({root.resolve()})}
    for directory, dirnames, filenames in os.walk(root, followlinks=within is not None):
        kept = []
        for d in sorted(dirnames):
            path = Path(directory) / d
            if d in skipped_dirs or (job_folder and d.startswith(".")):
                continue
            if within is not None:
                _check_link(path, within)
            resolved = path.resolve()
            if resolved != skip and resolved not in above[directory]:
                kept.append(d)
                above[str(path)] = above[directory] | {resolved}
        dirnames[:] = kept
        for name in sorted(filenames):
            if (
                name in _SKIPPED_NAMES
                or name.endswith(_SKIPPED_SUFFIXES)
                or (job_folder and name.startswith("."))
            ):
                continue
            path = Path(directory) / name
            if within is not None:
                _check_link(path, within)
            if path.is_file():
                yield path.relative_to(root).as_posix(), path


def _check_link(path: Path, within: Path) -> None:
    """Refuse a link that resolves outside `within`; links inside it are followed."""
    if not path.is_symlink():
        return
    try:
        target = path.resolve()
    except (OSError, RuntimeError):  # a link loop (RuntimeError before 3.13): nothing to ship
        return
    if not target.is_relative_to(within):
        raise PackageError(
            f"{path} links to {target}, outside the catalogue folder {within}",
            "copy what it points at into the job's folder, or remove the link; sched packages "
            "only files under the catalogue folder",
        )


def _dependencies(
    requirements: Path, version: str, platform: str, build_dir: Path, pip: PipInstall
) -> Path:
    """The installed requirements, reused while the file, Python version and platform match."""
    key = hashlib.sha256(
        b"\0".join([requirements.read_bytes(), version.encode(), platform.encode()])
    ).hexdigest()[:16]
    target = build_dir / "deps" / key
    if target.is_dir():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{key}-", dir=target.parent))
    try:
        pip(requirements, scratch, version, platform)
        scratch.rename(target)  # only a complete install becomes the cache entry
    except OSError:
        if not target.is_dir():  # not another build finishing first: a real failure
            raise
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return target


# ---- the alert watcher's zip ------------------------------------------------------------------

PACKAGE_ROOT = Path(__file__).parent
WATCHER_ENTRY = PACKAGE_ROOT / "aws" / "watcher_entry.py"
WATCHER_MODULE = "sched_watcher"
WATCHER_PACKAGE = "(watcher)"  # its key among the packages: no job can be called that
# Shipped whole, as-is: the run wing's stdlib-only packages (DESIGN.md §7).
_SHIPPED_PACKAGES = ("history", "schedule", "runtime", "watch")
# Lambda's Python runtime provides boto3: https://docs.aws.amazon.com/lambda/latest/dg/lambda-python.html
_PROVIDED = frozenset({"boto3", "botocore"})


def _imported_modules(path: Path) -> set[str]:
    """The absolute module names `path` imports (relative imports resolved), at any depth."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = path.parent.relative_to(PACKAGE_ROOT.parent).parts
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(
                    [*package[: len(package) - node.level + 1], *([base] if base else [])]
                )
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
    return found


# `_imported_modules` by (file, size, mtime ns), for this process's life.
_PARSED: dict[tuple[str, int, int], frozenset[str]] = {}


class _ImportsCache:
    """`_imported_modules` of each file, kept in a JSON file between commands: parsing the
    watcher's ~50 modules costs 0.2 s of CPU on every plan. An entry holds while the file's
    size and modification time (ns) are those it was read with, as for Python's own .pyc."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.entries: dict[str, list[Any]] = {}
        self.changed = False
        if path is not None:
            with contextlib.suppress(OSError, ValueError):
                loaded = json.loads(path.read_bytes())
                if isinstance(loaded, dict) and loaded.get("version") == _IMPORTS_CACHE_VERSION:
                    self.entries = loaded["files"]

    def imports(self, path: Path) -> set[str]:
        info = path.stat()
        stamp = [info.st_size, info.st_mtime_ns]
        entry = self.entries.get(str(path))
        if isinstance(entry, list) and len(entry) == 3 and entry[:2] == stamp:
            return set(entry[2])
        # A process that builds the watcher for several catalogues or environments (or a
        # test run: a fresh build folder per test) parses each unchanged file once.
        key = (str(path), info.st_size, info.st_mtime_ns)
        found = _PARSED.get(key)
        if found is None:
            found = _PARSED[key] = frozenset(_imported_modules(path))
        self.entries[str(path)] = [*stamp, sorted(found)]
        self.changed = True
        return set(found)

    def save(self) -> None:
        if self.path is not None and self.changed:
            document = {"version": _IMPORTS_CACHE_VERSION, "files": self.entries}
            write_atomically(self.path, json.dumps(document, sort_keys=True).encode("utf-8"))


_IMPORTS_CACHE_VERSION = 1
_IMPORTS_CACHE = "imports-cache.json"


# Asked ~2,300 times per watcher build (each import of each file, and its packages) for ~100
# modules of sched's own, whose files stay where they are while the process runs.
@functools.cache
def _module_file(module: str) -> Path | None:
    base = PACKAGE_ROOT.parent.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def watcher_sources(cache: Path | None = None) -> dict[str, Path]:
    """arcname → file of everything the watcher function runs: its entry point, the shipped
    packages, and each sched module they import (with its packages' `__init__.py`).
    PackageError when any of them needs a package Lambda does not provide. With `cache`, the
    imports found in each file are kept there for the next call (`_ImportsCache`)."""
    imports = _ImportsCache(cache)
    files: dict[str, Path] = {f"{WATCHER_MODULE}.py": WATCHER_ENTRY}
    todo = [WATCHER_ENTRY]
    for name in _SHIPPED_PACKAGES:
        todo.extend(path for _, path in _files(PACKAGE_ROOT / name) if path.suffix == ".py")
    seen: set[Path] = set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        if path != WATCHER_ENTRY:
            files[path.relative_to(PACKAGE_ROOT.parent).as_posix()] = path
        for module in imports.imports(path):
            top = module.split(".")[0]
            if top == "scheduler":
                if module.startswith("scheduler.aws"):
                    raise PackageError(f"{path.name} imports {module}, which the watcher lacks")
                found = _module_file(module)
                parts = module.split(".")
                inits = [_module_file(".".join(parts[:i])) for i in range(1, len(parts))]
                todo.extend(p for p in (found, *inits) if p is not None)
            elif (
                top not in sys.stdlib_module_names and top not in _PROVIDED and top != "__future__"
            ):
                raise PackageError(f"{path.name} imports {top}, which Lambda does not provide")
    imports.save()
    return files


def build_watcher_package(config_json: str, build_dir: Path) -> PackageRef:
    """The watcher's deterministic zip: `watcher_sources()` and its configuration file."""
    from scheduler.watch.config import CONFIG_FILE

    build_dir.mkdir(parents=True, exist_ok=True)
    config = build_dir / CONFIG_FILE
    write_atomically(config, config_json.encode("utf-8"))
    entries = {**watcher_sources(build_dir / _IMPORTS_CACHE), CONFIG_FILE: config}
    data = zip_bytes(entries)
    path = build_dir / "sched-watcher.zip"
    write_atomically(path, data)
    digest = base64.b64encode(hashlib.sha256(data).digest()).decode()
    return PackageRef(WATCHER_PACKAGE, path, digest, len(data), digest=content_digest(entries))
