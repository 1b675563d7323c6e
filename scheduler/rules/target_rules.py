"""Rules about what a job runs: handler files (read, never imported), ARNs, Fargate and VPC
settings."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path

from scheduler import limits
from scheduler.catalogue.model import Compute, Job
from scheduler.diagnostics import Diagnostic, Severity, echo
from scheduler.errors import PackageError
from scheduler.package import job_files
from scheduler.rules.base import Context, Rule, RuleDoc

_ARN = re.compile(r"^arn:aws[a-zA-Z-]*:(?P<service>[a-z0-9-]+):(?P<region>[a-z0-9-]*):\d{12}:.+$")
_ROLE_ARN = re.compile(limits.LAMBDA_ROLE_ARN_PATTERN)
_FUNCTION_ARN = re.compile(
    r"^arn:aws[a-zA-Z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[$A-Za-z0-9_-]+)?$"
)


def handler_parts(job: Job) -> tuple[str, str] | None:
    """`path/file.py:function` split in two; None when it is not written that way."""
    return None if job.handler is None else _split_handler(job.handler)


@lru_cache(maxsize=4096)  # every rule about handlers asks, and catalogues share a few
def _split_handler(handler: str) -> tuple[str, str] | None:
    path, _, function = handler.partition(":")
    if not path.endswith(".py") or not function.isidentifier():
        return None
    return path, function


class HandlerFileMissing(Rule):
    doc = RuleDoc(
        "SCH304",
        Severity.ERROR,
        "handler file missing or malformed",
        "`handler` is path/to/file.py:function, relative to the catalogue, inside it.",
        "handler: jobs/log_backup/handlr.py:main",
        "handler: jobs/log_backup/handler.py:main",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        base = context.base
        for job in context.catalogue.jobs:
            if job.handler is None:
                continue
            parts = handler_parts(job)
            if parts is None:
                yield self.report(
                    context.span(job, "handler"),
                    f'job "{job.name}": handler "{job.handler}" is not path/to/file.py:function',
                    "write it like jobs/log_backup/handler.py:main",
                )
                continue
            if not context.check_files:
                continue
            inside, exists = context.memo(("locate", parts[0]), partial(_locate, base, parts[0]))
            if not inside:
                yield self.report(
                    context.span(job, "handler"),
                    f'job "{job.name}": handler "{parts[0]}" is outside the catalogue folder',
                    "keep job code under jobs/ next to the catalogue",
                )
            elif not exists:
                yield self.report(
                    context.span(job, "handler"),
                    f'job "{job.name}": handler file {parts[0]} does not exist',
                    _nearby_hint(base, parts[0]),
                )


def _locate(base: Path, relative: str) -> tuple[bool, bool]:
    """(inside the catalogue folder, is a file)."""
    file = (base / relative).resolve()
    return file.is_relative_to(base), file.is_file()


def _folder_holding(base: Path, relative: str, catalogue_file: Path) -> Path | None:
    """The handler's folder, when it holds the catalogue file."""
    folder = (base / relative).resolve().parent
    return folder if catalogue_file.is_relative_to(folder) else None


def _parse(base: Path, relative: str) -> ast.Module | SyntaxError | None:
    try:
        return ast.parse((base / relative).read_bytes(), filename=relative)
    except SyntaxError as error:
        return error
    except (OSError, ValueError):
        return None


def _top_level(module: ast.Module) -> frozenset[str]:
    """Names a module defines at its top level: functions, and names bound by assignment."""
    functions = {
        node.name
        for node in module.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }
    assigned = {
        target.id
        for node in module.body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    return frozenset(functions | assigned)


def _nearby_hint(base: Path, relative: str) -> str:
    folder = (base / relative).parent
    if folder.is_dir():
        found = sorted(p.name for p in folder.glob("*.py"))
        if found:
            return f"{folder.relative_to(base)}/ has: {', '.join(found[:5])}"
    return "create the file, or fix the path (it is relative to the catalogue file)"


def read_handler_module(context: Context, job: Job) -> tuple[ast.Module | SyntaxError, str] | None:
    parts = handler_parts(job)
    if parts is None or not context.check_files:
        return None
    module = context.memo(("module", parts[0]), partial(_module_at, context, parts[0]))
    return None if module is None else (module, parts[1])


def _module_at(context: Context, relative: str) -> ast.Module | SyntaxError | None:
    base = context.base
    inside, exists = context.memo(("locate", relative), partial(_locate, base, relative))
    if not (inside and exists):
        return None
    return context.memo(("parse", relative), partial(_parse, base, relative))


class HandlerFunctionMissing(Rule):
    doc = RuleDoc(
        "SCH305",
        Severity.ERROR,
        "handler function not defined",
        "The handler file is read (never imported) and must define the named function at its "
        "top level.",
        "handler: jobs/log_backup/handler.py:run  # the file defines main()",
        "handler: jobs/log_backup/handler.py:main",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        for job in context.catalogue.jobs:
            read = read_handler_module(context, job)
            if read is None or isinstance(read[0], SyntaxError):
                continue
            module, function = read[0], read[1]
            defined = context.memo(("defined", job.handler_file), partial(_top_level, module))
            if function not in defined:
                functions = sorted(n.name for n in module.body if isinstance(n, ast.FunctionDef))
                yield self.report(
                    context.span(job, "handler"),
                    f'job "{job.name}": {job.handler_file} defines no function "{function}"',
                    f"it defines: {', '.join(functions)}" if functions else "define it",
                )


class HandlerSyntaxError(Rule):
    doc = RuleDoc(
        "SCH309",
        Severity.ERROR,
        "handler file does not parse",
        "The handler file has a Python syntax error; the function would fail on every run.",
        "def main(event, context)\n    ...",
        "def main(event, context):\n    ...",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        for job in context.catalogue.jobs:
            read = read_handler_module(context, job)
            if read is None or not isinstance(read[0], SyntaxError):
                continue
            error = read[0]
            yield self.report(
                context.span(job, "handler"),
                f'job "{job.name}": {job.handler_file} line {error.lineno}: {error.msg}',
                "fix the syntax error (python -m py_compile shows it too)",
            )


class HandlerFolderHoldsCatalogue(Rule):
    doc = RuleDoc(
        "SCH311",
        Severity.ERROR,
        "handler folder holds the catalogue",
        "sched packages the whole folder of a job's handler file into its Lambda function. When "
        "that folder also holds the catalogue, the package would carry the catalogue, every other "
        "job's code and whatever else sits there. Give each job a folder of its own under jobs/.",
        "handler: handler.py:main   # next to jobs.yaml",
        "handler: jobs/log_backup/handler.py:main",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        catalogue_file = context.catalogue.path.resolve()
        for job in context.catalogue.jobs:
            parts = handler_parts(job)
            if parts is None:
                continue
            folder = context.memo(
                ("folder holding", parts[0]),
                partial(_folder_holding, context.base, parts[0], catalogue_file),
            )
            if folder is not None:
                yield self.report(
                    context.span(job, "handler"),
                    f'job "{job.name}": the handler\'s folder {folder.name or folder}/ also holds '
                    "the catalogue; all of it would be packaged",
                    f"move the handler into a folder of its own, e.g. jobs/{job.name}/",
                )


@dataclass(frozen=True)
class HandlerFolder:
    """What packaging would take from a handler's folder: `folder` relative to the catalogue
    (posix), the files it ships (arcname → path) and the credential-looking ones it leaves out."""

    folder: str
    files: dict[str, Path]
    left_out: tuple[str, ...]


def handler_folder(context: Context, handler_file: str) -> HandlerFolder | None:
    """The folder of `handler_file` as packaging reads it, once per validation; None when there
    is none to read (no folder, or a link out of the catalogue, which packaging refuses)."""
    return code_folder(context, _folder_of(handler_file))


@lru_cache(maxsize=4096)
def _folder_of(handler_file: str) -> str:
    return Path(handler_file).parent.as_posix()


def code_folder(context: Context, folder: str) -> HandlerFolder | None:
    """`folder` (a handler's or a shared one, relative to the catalogue) as packaging reads
    it, once per validation; None when there is none to read."""
    return context.memo(("code folder", folder), partial(_read_folder, context, folder))


def _read_folder(context: Context, relative: str) -> HandlerFolder | None:
    folder = Path(relative)
    path = context.base / folder
    if not path.is_dir():
        return None
    try:
        files, left_out = job_files(path, context.base)
    except PackageError:
        return None
    return HandlerFolder(folder.as_posix(), files, left_out)


class CredentialFilesLeftOut(Rule):
    doc = RuleDoc(
        "SCH312",
        Severity.WARNING,
        "credential-looking files in the handler folder",
        "sched never ships files that look like credentials from a job's folder: private keys "
        "(id_rsa, id_ed25519, id_ecdsa, id_dsa), *.pem, *.key, *.p12, *.pfx, credentials, "
        "secrets.json and Terraform state. They are left out of the package, so code that reads "
        "them fails in Lambda. Keep them out of the folder; pass secrets with secrets:. A file "
        "that must ship can be renamed.",
        "jobs/log_backup/\n  handler.py\n  id_rsa",
        "jobs/log_backup/\n  handler.py",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        if not context.check_files:
            return
        seen: set[tuple[str | int, ...]] = set()
        for job in context.catalogue.jobs:
            parts = handler_parts(job)
            if parts is None or job.compute is not Compute.LAMBDA:
                continue
            read = handler_folder(context, parts[0])
            if read is not None and read.left_out:
                yield self.report(
                    context.span(job, "handler"),
                    f'job "{job.name}": credential-looking files in the handler\'s folder are '
                    f"left out of its package: {', '.join(read.left_out)}",
                    f"move them out of {read.folder}/ (a file that must ship can be renamed)",
                )
            for shared in job.shared_code:
                found = code_folder(context, shared.folder)
                if found is not None and found.left_out and shared.at not in seen:
                    seen.add(shared.at)  # one finding a line, however many jobs ship it
                    yield self.report(
                        context.source_map.span(shared.at),
                        f"credential-looking files in shared code folder {shared.folder} are "
                        f"left out of every package: {', '.join(found.left_out)}",
                        f"move them out of {shared.folder}/ (a file that must ship can be renamed)",
                    )


class TargetChoice(Rule):
    doc = RuleDoc(
        "SCH306",
        Severity.ERROR,
        "job runs neither or both of handler and function",
        "A Lambda job names either its code (handler) or an existing function (function), "
        "exactly one of the two. A Fargate job needs neither.",
        "nightly-export:\n  schedule: rate(1 day)\n  expected_runtime: 5m",
        "nightly-export:\n  schedule: rate(1 day)\n  expected_runtime: 5m\n"
        "  handler: jobs/export/handler.py:main",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        for job in context.catalogue.jobs:
            if job.compute is not Compute.LAMBDA:
                continue
            if job.handler is None and job.function is None:
                yield self.report(
                    context.key_span(job),
                    f'job "{job.name}" has neither handler nor function',
                    "add handler: jobs/<job>/handler.py:main, or function: <Lambda ARN>",
                )
            elif job.handler is not None and job.function is not None:
                yield self.report(
                    context.span(job, "function"),
                    f'job "{job.name}" has both handler and function',
                    "keep handler to deploy the code, or function to target an existing Lambda",
                )


class MalformedArn(Rule):
    doc = RuleDoc(
        "SCH307",
        Severity.ERROR,
        "malformed ARN",
        "function, role and dead_letter_queue take full ARNs of the right service; role names "
        "one IAM role (arn:aws:iam::<account>:role/<name>), never a wildcard.",
        "function: my-function",
        "function: arn:aws:lambda:eu-west-1:123456789012:function:my-function",
    )

    FIELDS = (("function", "lambda"), ("role", "iam"), ("dead_letter_queue", "sqs"))

    def check(self, context: Context) -> Iterator[Diagnostic]:
        for job in context.catalogue.jobs:
            for field, service in self.FIELDS:
                value = getattr(job, field)
                if value is None:
                    continue
                match = _ARN.match(value)
                ok = match is not None and match.group("service") == service
                if field == "function":
                    ok = _FUNCTION_ARN.match(value) is not None
                if not ok:
                    yield self.report(
                        context.setting_span(job, field),
                        f'job "{job.name}": {field} {echo(value)} is not a {service} ARN',
                        f"write the full ARN, e.g. {_example(service)}",
                    )
                elif field == "role" and not _ROLE_ARN.match(value):
                    # CreateFunction refuses it, but only after retrying for about 40 seconds.
                    what = "a wildcard, not one role" if "*" in value else "not an IAM role ARN"
                    yield self.report(
                        context.setting_span(job, field),
                        f'job "{job.name}": role {echo(value)} is {what}; Lambda needs the ARN '
                        "of one execution role",
                        f"name the role itself, e.g. {_example(service)}",
                    )


def _example(service: str) -> str:
    return {
        "lambda": "arn:aws:lambda:eu-west-1:123456789012:function:my-function",
        "iam": "arn:aws:iam::123456789012:role/my-role",
        "sqs": "arn:aws:sqs:eu-west-1:123456789012:my-dlq",
    }[service]


class FargateSettings(Rule):
    doc = RuleDoc(
        "SCH308",
        Severity.ERROR,
        "Fargate job without Fargate settings",
        "A compute: fargate job runs as an ECS task and needs fargate: {cluster, "
        "task_definition, subnets}, on the job or in defaults.",
        "compute: fargate",
        "compute: fargate\nfargate: {cluster: jobs, task_definition: reindex, subnets: [subnet-1]}",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        for job in context.catalogue.jobs:
            if job.compute is Compute.FARGATE and job.fargate is None:
                yield self.report(
                    context.span(job, "compute"),
                    f'job "{job.name}" runs on Fargate but has no fargate settings',
                    "add fargate: {cluster: ..., task_definition: ..., subnets: [...]}",
                )


# The id patterns of https://docs.aws.amazon.com/lambda/latest/api/API_VpcConfig.html's lists.
_SUBNET_ID = re.compile(r"^subnet-(?:[a-z0-9]{8}|[a-z0-9]{17})$")
_SECURITY_GROUP_ID = re.compile(r"^sg-(?:[a-z0-9]{8}|[a-z0-9]{17})$")


class VpcSettings(Rule):
    doc = RuleDoc(
        "SCH412",
        Severity.ERROR,
        "VPC settings Lambda would refuse",
        "vpc: {subnets, security_groups} runs a Lambda job's function in a VPC, so that it can "
        "reach private resources; its role may then manage the network interfaces Lambda "
        "creates. Lambda needs at least one subnet id (subnet-...) and one security group id "
        "(sg-...), at most 16 subnets and 5 security groups. It applies to jobs with a "
        "handler: an existing function (function:) or a Fargate task keeps its own network.",
        "vpc: {subnets: [private-a], security_groups: []}",
        "vpc: {subnets: [subnet-0a1b2c3d], security_groups: [sg-0a1b2c3d]}",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        for job in context.catalogue.jobs:
            if job.vpc is None:
                continue
            own = context.source_map.has(("jobs", job.name, "vpc"))
            if job.handler is None or job.compute is not Compute.LAMBDA:
                if own:  # inherited from defaults: it only applies where it can
                    yield self.report(
                        context.span(job, "vpc"),
                        f'job "{job.name}": vpc applies to jobs with a handler only',
                        "remove vpc: here; an existing function or Fargate task keeps its own"
                        " network settings",
                    )
                continue
            yield from self._ids(context, job, "subnets", _SUBNET_ID, "subnet-0a1b2c3d",
                                 limits.LAMBDA_VPC_MAX_SUBNETS)  # fmt: skip
            yield from self._ids(context, job, "security_groups", _SECURITY_GROUP_ID,
                                 "sg-0a1b2c3d", limits.LAMBDA_VPC_MAX_SECURITY_GROUPS)  # fmt: skip

    def _ids(
        self,
        context: Context,
        job: Job,
        key: str,
        pattern: re.Pattern[str],
        example: str,
        most: int,
    ) -> Iterator[Diagnostic]:
        assert job.vpc is not None
        ids: tuple[str, ...] = getattr(job.vpc, key)
        if not ids:
            yield self.report(
                context.setting_span(job, "vpc", key),
                f'job "{job.name}": vpc needs at least one of {key}',
                f"e.g. vpc: {{{key}: [{example}]}}",
            )
            return
        if len(ids) > most:
            yield self.report(
                context.setting_span(job, "vpc", key),
                f'job "{job.name}": vpc has {len(ids)} {key}; Lambda takes at most {most}',
                f"keep {most} of them",
            )
        for index, value in enumerate(ids):
            if not pattern.match(value):
                yield self.report(
                    context.setting_span(job, "vpc", key, index),
                    f'job "{job.name}": {echo(value, repr)} is not an id of {key}',
                    f"write the id, like {example}, not a name or an ARN",
                )
