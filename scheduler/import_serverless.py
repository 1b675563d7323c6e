"""A serverless.yml's `schedule` events as catalogue entries: one job per schedule expression,
with the function's handler, memory, runtime and environment (over `provider:`'s), and a finding
at the exact line and column of everything that cannot be carried over, with what to do.

Pure: YAML text in (read with the catalogue's own YAML reader, for the positions), entries out.
`locate` says whether a handler's Python file lies under the catalogue's folder (then the job
runs it as it is); otherwise the job gets a stub saying where the code was.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import PurePath

from scheduler import limits
from scheduler.catalogue.durations import format_duration
from scheduler.catalogue.source_map import DataPath, SourceMap, build
from scheduler.catalogue.yaml_tree import COMPOSER, compose
from scheduler.diagnostics import Diagnostic, Severity
from scheduler.import_common import (
    ImportedJob,
    ImportResult,
    Note,
    is_secret,
    job_name,
    scalar,
    unique,
    unported_stub,
)
from scheduler.schedule import ScheduleError, is_known_timezone, parse

# The codes `validate` gives the same problems in a catalogue.
NOT_A_MAPPING = "SCH004"
INVALID_VALUE = "SCH006"
MISSING = "SCH007"
INVALID_SCHEDULE = "SCH101"
UNKNOWN_ZONE = "SCH105"
LAMBDA_TOO_LONG = "SCH201"
DEFAULT_RUNTIME = timedelta(minutes=5)

# Serverless resolves ${...} itself before it deploys; sched has no such layer. A whole value
# that reads an SSM parameter is what `secrets:` does at run time.
# https://www.serverless.com/framework/docs/providers/aws/guide/variables
_VARIABLE = re.compile(r"\$\{[^}]*\}?")
_SSM = re.compile(r"\$\{ssm:(/[^}\s,~]+)\}")
_EXPRESSION = re.compile(r"(rate|cron)\(.*\)", re.DOTALL)

Locate = Callable[[str], "str | None"]


def _nowhere(module_file: str) -> str | None:
    return None


@dataclass
class _Found:
    source: str
    source_map: SourceMap
    findings: list[Diagnostic] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)

    def report(self, code: str, path: DataPath, message: str, hint: str, error: bool) -> None:
        severity = Severity.ERROR if error else Severity.WARNING
        span = self.source_map.span(path)
        self.findings.append(Diagnostic(code, severity, message, span, hint))

    def line(self, path: DataPath) -> int:
        return self.source_map.span(path).line


def import_serverless(text: str, source: str, *, locate: Locate = _nowhere) -> ImportResult:
    """The catalogue entries the serverless.yml `text` (named `source` in messages) turns into."""
    root, parsed, problems = compose(text, source, COMPOSER)
    tree = build(root, text, source)
    # serverless.yml uses CloudFormation's tags (!Ref, !GetAtt) freely: only the values
    # imported matter, and an unresolvable one among them is reported where it is read.
    problems += [d for d in tree.diagnostics if d.code != INVALID_VALUE]
    if problems or not parsed:
        return ImportResult((), tuple(sorted(problems, key=Diagnostic.sort_key)), ())
    found = _Found(source, tree.source_map)
    data = tree.data
    if not isinstance(data, dict):
        found.report(
            NOT_A_MAPPING,
            (),
            f"{PurePath(source).name} is not a mapping of service:, provider:, functions:",
            "pass the Serverless Framework's serverless.yml",
            True,
        )
        return _result(found, [])
    functions = data.get("functions")
    if not isinstance(functions, dict) or not functions:
        found.report(
            MISSING if functions is None else INVALID_VALUE,
            ("functions",),
            "no functions: to import" if functions is None else "functions: is not a mapping",
            "pass the serverless.yml whose functions: have schedule events",
            True,
        )
        return _result(found, [])
    provider = data.get("provider")
    defaults = provider if isinstance(provider, dict) else {}
    service = data.get("service")
    service_name = job_name(service) if isinstance(service, str) and "${" not in service else ""
    jobs: list[ImportedJob] = []
    taken: set[str] = set()
    for function, spec in functions.items():
        if isinstance(spec, dict):
            jobs += _function(found, str(function), spec, defaults, service_name, locate, taken)
    return _result(found, jobs)


def _result(found: _Found, jobs: list[ImportedJob]) -> ImportResult:
    return ImportResult(
        tuple(jobs),
        tuple(sorted(found.findings, key=Diagnostic.sort_key)),
        tuple(sorted(set(found.notes), key=lambda note: (note.line, note.message))),
    )


@dataclass(frozen=True)
class _Schedule:
    path: DataPath  # of the expression
    expression: str
    event: Mapping[object, object]  # the object form's other keys ({} for the string form)
    event_path: DataPath


def _function(
    found: _Found,
    function: str,
    spec: dict[object, object],
    defaults: dict[object, object],
    service: str,
    locate: Locate,
    taken: set[str],
) -> list[ImportedJob]:
    schedules = list(_schedules(found, function, spec))
    if not schedules:
        return []
    settings = _settings(found, function, spec, defaults, service)
    if settings is None:
        return []
    handler, stub = _handler(found, function, spec, settings.python, locate)
    jobs = []
    for schedule in schedules:
        if not _valid(found, schedule):
            continue
        extra = _event_fields(found, schedule)
        if extra is None:
            continue
        event_name = schedule.event.get("name")
        base = job_name(event_name) if isinstance(event_name, str) else ""
        name = unique(base or job_name(function) or "function", taken)
        taken.add(name)
        line = found.line(schedule.path)
        path = handler or f"jobs/{name}/handler.py"
        origin = f"{PurePath(found.source).name} line {line}"
        description = schedule.event.get("description")
        if not isinstance(description, str) or "${" in description:
            description = f"From {PurePath(found.source).name} function {function}"
        yaml = [
            f"# {origin}: function {function}, {schedule.expression}",
            f"{name}:",
            f"  description: {scalar(description)}",
            f"  schedule: {schedule.expression}",
            f"  expected_runtime: {settings.runtime}",
            f"  handler: {path}:{'main' if handler is None else _function_name(spec)}",
            *settings.lines,
            *extra,
            *settings.environment,
        ]
        jobs.append(ImportedJob(name, line, tuple(yaml), path, stub))
    return jobs


def _schedules(found: _Found, function: str, spec: dict[object, object]) -> list[_Schedule]:
    events = spec.get("events")
    if not isinstance(events, list):
        return []
    schedules = []
    for index, event in enumerate(events):
        if not isinstance(event, dict) or "schedule" not in event:
            continue
        path: DataPath = ("functions", function, "events", index, "schedule")
        value = event["schedule"]
        if isinstance(value, str):
            schedules.append(_Schedule(path, value, {}, path))
            continue
        if not isinstance(value, dict):
            found.report(
                INVALID_SCHEDULE,
                path,
                f"function {function}: schedule is neither an expression nor rate:, enabled:...",
                "write - schedule: rate(10 minutes), or its object form with rate:",
                True,
            )
            continue
        rates = value.get("rate")
        rate_list = rates if isinstance(rates, list) else [rates]
        for position, rate in enumerate(rate_list):
            where = (*path, "rate", position) if isinstance(rates, list) else (*path, "rate")
            if isinstance(rate, str):
                schedules.append(_Schedule(where, rate, value, path))
            else:
                found.report(
                    INVALID_SCHEDULE,
                    where,
                    f"function {function}: schedule has no rate() or cron() expression",
                    "give it rate: rate(10 minutes) or rate: cron(0 12 * * ? *)",
                    True,
                )
    return schedules


def _valid(found: _Found, schedule: _Schedule) -> bool:
    expression = schedule.expression
    if "${" in expression:
        found.report(
            INVALID_VALUE,
            schedule.path,
            f"{expression} uses a Serverless variable: not imported",
            "write the expression the variable resolves to (`serverless print` shows it)",
            True,
        )
        return False
    if _EXPRESSION.fullmatch(expression) is None:
        found.report(
            INVALID_SCHEDULE,
            schedule.path,
            f"{scalar(expression)} is not a rate() or cron() expression: not imported",
            "Serverless passes the expression to AWS as written: rate(10 minutes) or "
            "cron(0 12 * * ? *)",
            True,
        )
        return False
    try:
        parse(expression)
    except ScheduleError as error:
        found.report(
            error.code,
            schedule.path,
            f"{expression} not imported: {error.message}",
            error.hint,
            True,
        )
        return False
    return True


def _event_fields(found: _Found, schedule: _Schedule) -> list[str] | None:
    """The job's enabled:, backend:, timezone: and input: lines; None when it is not imported."""
    event, path = schedule.event, schedule.event_path
    lines = []
    if event.get("enabled") is False:
        lines.append("  enabled: false")
    zone = event.get("timezone")
    if isinstance(zone, str):
        if not is_known_timezone(zone):
            found.report(
                UNKNOWN_ZONE,
                (*path, "timezone"),
                f"{zone} is not an IANA time zone: {schedule.expression} not imported",
                "write the zone as a name such as Europe/Paris or America/New_York",
                True,
            )
            return None
        lines += ["  backend: scheduler", f"  timezone: {scalar(zone)}"]
    elif event.get("method") == "scheduler":
        lines.append("  backend: scheduler")
    if "input" in event:
        carried = _input(found, event["input"], (*path, "input"))
        if carried is not None:
            lines.append(f"  input: {json.dumps(carried, ensure_ascii=False)}")
    for key, what in (
        ("inputPath", "a part of the scheduled event"),
        ("inputTransformer", "a template filled from the scheduled event"),
    ):
        if key in event:
            found.report(
                INVALID_VALUE,
                (*path, key),
                f"{key} cannot be carried over: sched sends each run its input:, not {what}",
                "give the job the values it needs in input:; the handler's event is that input",
                False,
            )
    return lines


def _input(found: _Found, value: object, path: DataPath) -> object | None:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = None
    if not isinstance(value, dict):
        found.report(
            INVALID_VALUE,
            path,
            "input is not a JSON object: not carried over",
            "write input: as a mapping (key: value) or a JSON object string",
            False,
        )
        return None
    if "${" in json.dumps(value):
        found.report(
            INVALID_VALUE,
            path,
            "input uses a Serverless variable: not carried over",
            "write the values the variables resolve to (`serverless print` shows them)",
            False,
        )
        return None
    return value


@dataclass(frozen=True)
class _Settings:
    runtime: str  # expected_runtime's value and comment
    lines: tuple[str, ...]  # memory:, runtime:
    environment: tuple[str, ...]  # environment: and secrets: blocks
    python: bool


def _settings(
    found: _Found,
    function: str,
    spec: dict[object, object],
    defaults: dict[object, object],
    service: str,
) -> _Settings | None:
    def pick(key: str) -> tuple[object, DataPath]:
        if key in spec:
            return spec[key], ("functions", function, key)
        return defaults.get(key), ("provider", key)

    timeout, timeout_path = pick("timeout")
    if isinstance(timeout, int) and not isinstance(timeout, bool) and timeout > 0:
        seconds = timedelta(seconds=timeout)
        if seconds > limits.LAMBDA_MAX_TIMEOUT:
            found.report(
                LAMBDA_TOO_LONG,
                timeout_path,
                f"function {function} may run for {format_duration(seconds)}; Lambda stops at "
                f"{format_duration(limits.LAMBDA_MAX_TIMEOUT)}: not imported",
                "run it on Fargate (compute: fargate) or EC2, or split the work",
                True,
            )
            return None
        runtime = (
            f"{format_duration(seconds)}  # a guess: the function's timeout in serverless.yml; "
            "set how long a run takes"
        )
    else:
        _unresolved(found, timeout, timeout_path, "timeout")
        runtime = f"{format_duration(DEFAULT_RUNTIME)}  # a guess: set how long a run takes"
    lines = []
    memory, memory_path = pick("memorySize")
    if isinstance(memory, int) and not isinstance(memory, bool):
        lines.append(f"  memory: {memory}")
    else:
        _unresolved(found, memory, memory_path, "memorySize")
    language, language_path = pick("runtime")
    python = True
    if isinstance(language, str) and "${" not in language:
        python = language.startswith("python")
        if python:
            lines.append(f"  runtime: {scalar(language)}")
        else:
            found.notes.append(
                Note(
                    found.line(language_path),
                    f"function {function} runs on {language}; sched runs Python handlers",
                    "port it to Python in the stub sched writes under jobs/ for it",
                )
            )
    else:
        _unresolved(found, language, language_path, "runtime")
    environment = _environment(found, function, spec, defaults, service)
    return _Settings(runtime, tuple(lines), environment, python)


def _unresolved(found: _Found, value: object, path: DataPath, key: str) -> None:
    if value is None:
        return
    found.report(
        INVALID_VALUE,
        path,
        f"{key}: {scalar(str(value))} cannot be carried over"
        + (": it is a Serverless variable" if "${" in str(value) else ""),
        f"set the job's {'memory' if key == 'memorySize' else key} in the catalogue yourself",
        False,
    )


def _environment(
    found: _Found,
    function: str,
    spec: dict[object, object],
    defaults: dict[object, object],
    service: str,
) -> tuple[str, ...]:
    values: dict[str, tuple[str, DataPath]] = {}
    for where, block in (
        (("provider", "environment"), defaults.get("environment")),
        (("functions", function, "environment"), spec.get("environment")),
    ):
        if isinstance(block, dict):
            for key, value in block.items():
                if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                    values[str(key)] = (str(value), (*where, str(key)))
                elif isinstance(value, bool):
                    values[str(key)] = (str(value).lower(), (*where, str(key)))
    environment: dict[str, str] = {}
    secrets: dict[str, str] = {}
    for key, (value, path) in values.items():
        ssm = _SSM.fullmatch(value)
        if ssm is not None:
            secrets[key] = f"ssm:{ssm[1]}"
        elif _VARIABLE.search(value):
            found.report(
                INVALID_VALUE,
                path,
                f"environment {key} of function {function} is the Serverless variable "
                f"{value}: not carried over",
                "set the value it resolves to (`serverless print` shows it) in the job's "
                "environment:, or store it in SSM and name it under secrets:",
                False,
            )
        elif is_secret(key, value):
            parameter = f"/{service or 'serverless'}/{key.lower()}"
            secrets[key] = f"ssm:{parameter}"
            found.notes.append(
                Note(
                    found.line(path),
                    f"{key} looks like a secret: its value is not copied; the jobs read it "
                    f"from the SSM parameter {parameter} (secrets:)",
                    f"store it there: aws ssm put-parameter --type SecureString --name "
                    f"{parameter} --value ...",
                )
            )
        else:
            environment[key] = value
    lines = []
    if environment:
        lines.append("  environment:")
        lines += [f"    {key}: {scalar(value)}" for key, value in environment.items()]
    if secrets:
        lines.append("  secrets:")
        lines += [f"    {key}: {scalar(value)}" for key, value in secrets.items()]
    return tuple(lines)


def _function_name(spec: dict[object, object]) -> str:
    handler = spec.get("handler")
    return str(handler).rsplit(".", 1)[-1] if isinstance(handler, str) else "main"


def _handler(
    found: _Found, function: str, spec: dict[object, object], python: bool, locate: Locate
) -> tuple[str | None, str | None]:
    """The user's own handler file (under the catalogue's folder), or None and a stub."""
    handler = spec.get("handler")
    written = handler if isinstance(handler, str) else None
    module_file = None
    if written and "${" not in written and "." in written:
        module, _ = written.rsplit(".", 1)
        module_file = f"{module}.py"
        if python:
            own = locate(module_file)
            if own is not None:
                found.notes.append(
                    Note(
                        found.line(("functions", function, "handler")),
                        f"function {function}'s jobs run its own code, {own}",
                        "sched packages the folder of that file and calls it as Lambda did; "
                        "copy in what it imports from elsewhere in the service",
                    )
                )
                return own, None
    origin = f"{PurePath(found.source).name} function {function}"
    where = "It had no handler sched could read."
    if written and module_file:
        where = (
            f"Its handler was {written} (the function {written.rsplit('.', 1)[-1]} of "
            f"{module_file}\nbeside serverless.yml), which is not under the catalogue's folder."
        )
    parts = [
        f"Ported from {origin}: move its code here, then delete the raise",
        "at the end of main().",
        "",
        where,
        "",
        "main(event, context) is called as that handler was: the event is the job's input:.",
    ]
    if not python:
        parts += ["", "It was not Python: port it, as sched runs Python handlers."]
    return None, unported_stub("\n".join(parts), f"{origin} is not ported yet")
