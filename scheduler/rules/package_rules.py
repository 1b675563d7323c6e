"""Rules about what a handler job's package would hold, read from its folder before anything is
built: a file that would shadow sched's runtime package, a shared code folder that cannot join
it, and a folder over Lambda's upload limits. Packaging checks them again (with the installed
requirements), still before any write.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path

from scheduler import limits
from scheduler.catalogue.model import Compute, Job
from scheduler.diagnostics import Diagnostic, Severity
from scheduler.package import (
    RUNTIME_MODULE,
    runtime_clash,
    runtime_files,
    shared_problem,
    unzipped_size,
    zipped_size,
)
from scheduler.rules.base import Context, Rule, RuleDoc
from scheduler.rules.target_rules import handler_folder, handler_parts


def _packaged(context: Context) -> list[tuple[Job, str, dict[str, Path]]]:
    """Each Lambda handler job with its handler's folder (relative, posix) and the files it
    ships; computed once per validation, as many jobs often share one folder."""
    return context.memo("packaged jobs", partial(_packaged_jobs, context))


def _packaged_jobs(context: Context) -> list[tuple[Job, str, dict[str, Path]]]:
    if not context.check_files:
        return []
    found = []
    for job in context.catalogue.jobs:
        parts = handler_parts(job)
        if parts is None or job.compute is not Compute.LAMBDA or job.function is not None:
            continue
        read = handler_folder(context, parts[0])
        if read is not None:
            found.append((job, read.folder, read.files))
    return found


class RuntimeNameClash(Rule):
    doc = RuleDoc(
        "SCH313",
        Severity.ERROR,
        "file named like sched's runtime package in the handler folder",
        f"sched adds its runtime package to every zip as {RUNTIME_MODULE}/, and Lambda starts "
        f"{RUNTIME_MODULE}.handler. A {RUNTIME_MODULE}.py or {RUNTIME_MODULE}/ in the job's "
        "folder would shadow it (or be shadowed), so packaging refuses the job.",
        f"jobs/log_backup/\n  handler.py\n  {RUNTIME_MODULE}.py",
        "jobs/log_backup/\n  handler.py\n  helpers.py",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        for job, folder, files in _packaged(context):
            clash = context.memo(("runtime clash", folder), partial(runtime_clash, files))
            if clash is not None:
                yield self.report(
                    context.span(job, "handler"),
                    f'job "{job.name}": {folder}/{clash.split("/")[0]} has the name of '
                    "sched's runtime package, which every zip holds",
                    "rename it; sched ships its own wrapper under that name",
                )


class SharedCodeFolder(Rule):
    doc = RuleDoc(
        "SCH316",
        Severity.ERROR,
        "shared code folder missing, misplaced or clashing",
        "Each folder of code: shared: is zipped at the root of the package of every job that "
        "names it (or of every job, under defaults:), under the folder's own name: jobs/lib "
        "imports as lib, on Lambda as in sched run --local. It must be a folder under the "
        "catalogue's, apart from the handler's folder, and its name must not be a file or "
        "folder already at the package's root (the handler folder's, another shared folder's, "
        "sched_runtime).",
        "defaults:\n  code: {shared: [jobs/lib]}   # no such folder\njobs:\n  backup:\n"
        "    handler: jobs/backup/handler.py:main",
        "defaults:\n  code: {shared: [jobs/common]}\njobs:\n  backup:\n"
        "    handler: jobs/backup/handler.py:main   # from common import s3",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        seen: set[tuple[tuple[str | int, ...], str]] = set()
        for job, _, files in _packaged(context):
            entries = dict(files)
            for shared in job.shared_code:
                problem = shared_problem(job, shared, context.base, entries)
                # A folder under defaults: that is not there is one finding, not one a job.
                if problem is not None and (shared.at, problem[0]) not in seen:
                    seen.add((shared.at, problem[0]))
                    yield self.report(context.source_map.span(shared.at), *problem)
                entries[shared.name] = context.base / shared.folder


class PackageTooLarge(Rule):
    doc = RuleDoc(
        "SCH220",
        Severity.ERROR,
        "handler folder over Lambda's upload limits",
        f"sched uploads each job's zip directly: Lambda takes at most "
        f"{limits.LAMBDA_DIRECT_UPLOAD_MAX_BYTES // 2**20} MB zipped and "
        f"{limits.LAMBDA_UNZIPPED_CODE_MAX_BYTES // 2**20} MB unzipped. The job's folder alone "
        "is measured here; packaging measures it again with its requirements installed.",
        "jobs/export/\n  handler.py\n  reference-data.csv   # 300 MB",
        "jobs/export/\n  handler.py   # the data read from S3 at run time",
    )

    def __init__(
        self,
        *,
        zipped_max: int = limits.LAMBDA_DIRECT_UPLOAD_MAX_BYTES,
        unzipped_max: int = limits.LAMBDA_UNZIPPED_CODE_MAX_BYTES,
    ) -> None:
        self.zipped_max = zipped_max
        self.unzipped_max = unzipped_max

    def check(self, context: Context) -> Iterator[Diagnostic]:
        runtime = context.memo("runtime files", runtime_files)
        for job, folder, files in _packaged(context):
            key = ("package size", folder, self.zipped_max)
            unzipped, zipped = context.memo(key, partial(self._sizes, files, runtime))
            hint = (
                f"keep large data out of {folder}/ (read it from S3 at run time), "
                "and ship only the code"
            )
            if unzipped > self.unzipped_max:
                yield self.report(
                    context.span(job, "handler"),
                    f'job "{job.name}": {folder}/ holds {_mb(unzipped)} of files; '
                    f"Lambda takes at most {_mb(self.unzipped_max)} unzipped",
                    hint,
                )
            elif zipped is not None and zipped > self.zipped_max:
                yield self.report(
                    context.span(job, "handler"),
                    f'job "{job.name}": {folder}/ zips to {_mb(zipped)}; Lambda '
                    f"takes at most {_mb(self.zipped_max)} uploaded directly",
                    hint,
                )

    def _sizes(self, files: dict[str, Path], runtime: dict[str, Path]) -> tuple[int, int | None]:
        """Unzipped size, and the zipped one only when the files alone exceed the zip limit:
        below it, a zip is over by a few header bytes at most, which packaging checks exactly;
        zipping every folder would slow validate for nothing."""
        entries = {**files, **runtime}
        unzipped = unzipped_size(entries)
        if unzipped <= self.zipped_max or unzipped > self.unzipped_max:
            return unzipped, None
        return unzipped, zipped_size(entries)


def _mb(size: int) -> str:
    return f"{size / 2**20:.1f} MB" if size >= 2**20 else f"{size:,} bytes"
