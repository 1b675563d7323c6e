"""A crontab as catalogue entries: one job per line that maps to Lambda, a handler stub each,
and a finding for every line that does not (with its line number and what to do).

Pure: `read_crontab` does the cron part; this module names the jobs, writes their YAML and
stubs as text, and turns the crontab's problems into diagnostics. Writing files is `app/`'s.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import PurePath

from scheduler import limits
from scheduler.catalogue.durations import format_duration, parse_duration
from scheduler.diagnostics import Diagnostic, Severity, Span, echo
from scheduler.import_common import (
    NAME_MAX,
    ImportedJob,
    ImportResult,
    Note,
    is_secret,
    scalar,
    unique,
    unported_stub,
)
from scheduler.rules.secret_rules import secret_name
from scheduler.schedule import is_known_timezone
from scheduler.schedule.crontab import CronLine, read_crontab

# The codes `validate` gives the same problems in a catalogue.
LAMBDA_TOO_LONG = "SCH201"
INVALID_VALUE = "SCH006"
UNKNOWN_ZONE = "SCH105"
DEFAULT_RUNTIME = timedelta(minutes=5)

# Variables that mean something only to cron or to the server's shell: not carried over.
_CRON_ONLY = frozenset({"MAILTO", "MAILFROM", "SHELL", "PATH", "HOME", "LOGNAME", "USER"})
_ZONES = frozenset({"CRON_TZ", "TZ"})
_WRAPPERS = frozenset(
    {"sudo", "nice", "ionice", "nohup", "env", "exec", "flock", "timeout", "cd", "chronic"}
)
_INTERPRETERS = frozenset({"bash", "sh", "python", "python3", "php", "perl", "node", "ruby"})
_NOT_NAME = re.compile(r"[^a-z0-9]+")


def import_crontab(
    text: str, source: str, *, system: bool = False, timezone: str | None = None
) -> ImportResult:
    """The catalogue entries `text` (a crontab named `source` in messages) turns into."""
    crontab = read_crontab(text, system=system)
    findings = [
        Diagnostic(
            p.code,
            Severity.ERROR,
            f"line {p.line} not imported: {p.message}",
            Span(source, p.line, p.column, p.line, p.column + p.length),
            p.hint,
        )
        for p in crontab.problems
    ]
    notes = _variable_notes(crontab.variables)
    notes += [
        Note(
            number,
            f"{name} looks like a secret: its value is not copied; the jobs read it from the "
            f"SSM parameter {_parameter(name)} (secrets:)",
            f"store it there: aws ssm put-parameter --type SecureString --name "
            f"{_parameter(name)} --value ...",
        )
        for name, value, number in crontab.variables
        if name not in _CRON_ONLY | _ZONES and is_secret(name, value)
    ]
    jobs: list[ImportedJob] = []
    taken: set[str] = set()
    for line in crontab.jobs:
        runtime, problem = _runtime(line, source)
        problem = problem or _unknown_zone(line, source)
        if problem is not None:
            findings.append(problem)
            continue
        name = unique(_name_of(line), taken)
        taken.add(name)
        jobs.append(_job(line, name, runtime, source, timezone))
    if jobs and timezone is None and not any(v[0] in _ZONES for v in crontab.variables):
        notes.append(
            Note(
                jobs[0].line,
                "cron ran these lines on the server's clock; the imported jobs run in UTC",
                "if the server was not on UTC, import again with --timezone ZONE "
                "(e.g. Europe/Paris): the jobs then run on EventBridge Scheduler in that zone",
            )
        )
    return ImportResult(
        tuple(jobs),
        tuple(sorted(findings, key=Diagnostic.sort_key)),
        tuple(sorted(notes, key=lambda note: note.line)),
    )


def _variable_notes(variables: tuple[tuple[str, str, int], ...]) -> list[Note]:
    notes = []
    for name, _, number in variables:
        if name in _CRON_ONLY:
            what = (
                "a Lambda job sends no mail: sched status and alerts report failed runs"
                if name.startswith("MAIL")
                else "Lambda sets its own; the stub lists what the command relied on"
            )
            notes.append(
                Note(
                    number,
                    f"{name} is not carried over: {what}",
                    "nothing to do unless the command needs it; then set it in environment:",
                )
            )
    return notes


def _runtime(line: CronLine, source: str) -> tuple[timedelta, Diagnostic | None]:
    if line.expected_runtime is None:
        return DEFAULT_RUNTIME, None
    span = Span(source, line.line - 1, 1)
    try:
        runtime = parse_duration(line.expected_runtime)
    except ValueError as error:
        return DEFAULT_RUNTIME, Diagnostic(
            INVALID_VALUE,
            Severity.ERROR,
            f"line {line.line} not imported: its expected_runtime comment: {error}",
            span,
            "write it like # sched: expected_runtime 30m",
        )
    if runtime > limits.LAMBDA_MAX_TIMEOUT:
        return runtime, Diagnostic(
            LAMBDA_TOO_LONG,
            Severity.ERROR,
            f"line {line.line} not imported: it runs for {format_duration(runtime)}; Lambda "
            f"stops at {format_duration(limits.LAMBDA_MAX_TIMEOUT)}",
            Span(source, line.line, 1, line.line, 1 + len(line.text)),
            "run it on Fargate (compute: fargate) or EC2, or split the work into shorter jobs",
        )
    return runtime, None


def _unknown_zone(line: CronLine, source: str) -> Diagnostic | None:
    zones = [(name, value, number) for name, value, number in line.variables if name in _ZONES]
    if not zones or is_known_timezone(zones[-1][1]):
        return None
    name, value, number = zones[-1]
    return Diagnostic(
        UNKNOWN_ZONE,
        Severity.ERROR,
        f"line {line.line} not imported: {name}={echo(value, str)} (line {number}) is not an "
        "IANA time zone",
        Span(source, number, 1, number, 1 + len(name) + 1 + len(value)),
        "write the zone as a name such as Europe/Paris or America/New_York",
    )


def _name_of(line: CronLine) -> str:
    """A job name from the program the line runs: `cd dir && ./bin/backup.sh -x` → backup."""
    for segment in re.split(r"&&|\|\||;|\|", line.command):
        words = segment.split()
        if not words or words[0] == "cd":
            continue
        for word in words:
            if "=" in word or word.startswith("-") or word in _WRAPPERS:
                continue
            base = word.rstrip("/").rsplit("/", 1)[-1]
            base = re.sub(r"\.(sh|py|pl|rb|php|js)$", "", base.lower())
            name = _NOT_NAME.sub("-", base).strip("-")[:NAME_MAX].strip("-")
            if name and name not in _INTERPRETERS:
                return name
    return f"line-{line.line}"


def _job(
    line: CronLine, name: str, runtime: timedelta, source: str, timezone: str | None
) -> ImportedJob:
    handler = f"jobs/{name}/handler.py"
    zone = timezone
    environment: dict[str, str] = {}
    secrets: dict[str, str] = {}
    for variable, value, _ in line.variables:
        if variable in _ZONES:
            zone = value
        elif variable in _CRON_ONLY:
            continue
        elif is_secret(variable, value):
            secrets[variable] = f"ssm:{_parameter(variable)}"
        else:
            environment[variable] = value
    for variable in _inline_secrets(line.command):
        secrets[variable] = f"ssm:{_parameter(variable)}"
    who = f" (as {line.user})" if line.user else ""
    origin = f"{PurePath(source).name} line {line.line}"
    description = f"From {origin}{who}: {masked(line.command)}"
    yaml = [
        f"# {origin}: {masked(line.text.strip())}",
        f"{name}:",
        f"  description: {scalar(description)}",
        f"  schedule: {_schedule_scalar(line.schedule)}",
        f"  expected_runtime: {format_duration(runtime)}"
        + ("" if line.expected_runtime else "  # a guess: set how long a run takes"),
        f"  handler: {handler}:main",
    ]
    if zone is not None:
        yaml += ["  backend: scheduler", f"  timezone: {scalar(zone)}"]
    if environment:
        yaml.append("  environment:")
        yaml += [f"    {key}: {scalar(value)}" for key, value in environment.items()]
    if secrets:
        yaml.append("  secrets:")
        yaml += [f"    {key}: {scalar(value)}" for key, value in secrets.items()]
    return ImportedJob(name, line.line, tuple(yaml), handler, _stub(line, origin))


# Secrets written into a crontab command rather than in a variable: an assignment before the
# program (`PGPASSWORD=... pg_dump`), a user:password pair (`curl -u`, a URL's userinfo), and a
# --password=/--token= style option. They are masked wherever the command is copied (the
# catalogue's description, which goes to AWS, its comment and the stub); an assignment's
# name then reads the value from SSM.
_ASSIGNMENT = re.compile(r"(?<![\w-])([A-Za-z_][A-Za-z0-9_]*)=(\S+)")
_USER_PASSWORD = re.compile(r"((?:^|\s)(?:-u|--user)[ =]+[^\s:]+:)(\S+)")
_URL_USERINFO = re.compile(r"(\b[a-z][a-z0-9+.-]*://[^\s:/@]+:)([^\s@/]+)(@)")
_SECRET_OPTION = re.compile(
    r"((?:^|\s)--?(?:password|passwd|pass|token|secret|api[_-]?key|auth)[ =]+)(\S+)",
    re.IGNORECASE,
)
MASK = "***"


def masked(command: str) -> str:
    """`command` with the secrets it carries replaced by ***."""
    command = _ASSIGNMENT.sub(lambda m: f"{m[1]}={MASK}" if secret_name(m[1]) else m[0], command)
    command = _USER_PASSWORD.sub(lambda m: m[1] + MASK, command)
    command = _URL_USERINFO.sub(lambda m: m[1] + MASK + m[3], command)
    return _SECRET_OPTION.sub(lambda m: m[1] + MASK, command)


def _inline_secrets(command: str) -> list[str]:
    """The secret-named assignments before a command's program (`PGPASSWORD=... pg_dump`)."""
    names = []
    for word in command.split():
        found = _ASSIGNMENT.fullmatch(word)
        if found is None:
            break
        if secret_name(found[1]):
            names.append(found[1])
    return names


def _parameter(name: str) -> str:
    return f"/crontab/{name.lower()}"


def _schedule_scalar(schedule: str) -> str:
    """An AWS expression as is; the Unix fields of an either-day line quoted (a bare `*`)."""
    return schedule if schedule.startswith(("cron(", "rate(", "at(")) else scalar(schedule)


def _stub(line: CronLine, origin: str) -> str:
    who = f", as {line.user}" if line.user else ""
    parts = [
        f"Ported from {origin}: port the command below to Python, then delete",
        "the raise at the end of main().",
        "",
        f"The line ran {line.written}{who}:",
        "",
        f"    {masked(line.command)}",
    ]
    if line.stdin:
        parts += ["", "with this on its standard input (cron's %):", ""]
        parts += [f"    {row}" for row in line.stdin.split("\n")]
    carried = [name for name, _, _ in line.variables if name not in _CRON_ONLY | _ZONES]
    dropped = [name for name, _, _ in line.variables if name in _CRON_ONLY]
    if carried:
        parts += [
            "",
            f"Its variables {', '.join(carried)} are set for it (environment:, secrets:).",
        ]
    if dropped:
        parts += [f"It also had {', '.join(dropped)}, which Lambda does not use."]
    parts += [
        "",
        "On Lambda there is no server: local files, programs and the crontab's user are not",
        "there. Read inputs from the event (the job's input:), S3 or a database; put the",
        "permissions it needs under the job's permissions:; keep a run under 15 minutes.",
    ]
    return unported_stub("\n".join(parts), f"{origin} is not ported yet")
