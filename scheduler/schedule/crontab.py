"""Reading a crontab (Vixie cron / cronie): its jobs with their AWS schedules, and its problems.

Pure: text in, `Crontab` out. Comments, variables (`NAME=value`, each applying to the lines
after it), `@daily`-style macros, `%` in commands (a newline; what follows is the command's
standard input; `\\%` is a literal %), and system crontabs with a user column. Schedules go
through the Unix-cron translation of `unix.py`; `# sched: expected_runtime 30m` above a line is
kept for the caller. Every line that cannot become one AWS schedule is a `LineProblem`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NoReturn

from scheduler.schedule.aws_cron import Token, tokens
from scheduler.schedule.errors import DAY_OR, INVALID, ScheduleError, quoted
from scheduler.schedule.parser import parse
from scheduler.schedule.unix import preset, unix_to_aws

_VARIABLE = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$")
_HINT = re.compile(r"#\s*sched:\s*expected_runtime\s+(\S+)\s*$")
_FIELDS = 5


@dataclass(frozen=True)
class CronLine:
    """One job line: where it was, its schedule as written and for AWS, what it ran."""

    line: int
    text: str  # the whole line as written
    written: str  # the schedule part: five fields or a macro
    schedule: str  # the AWS expression
    command: str  # up to the first unescaped %, `\\%` read as %
    stdin: str  # what followed the first %, each further % a newline
    user: str | None  # system crontabs only
    variables: tuple[tuple[str, str, int], ...]  # (name, value, line) set above this line
    expected_runtime: str | None  # from a `# sched: expected_runtime` comment above it


@dataclass(frozen=True)
class LineProblem:
    """A line that is not imported: code, 1-based column and length, message and hint."""

    line: int
    column: int
    length: int
    code: str
    message: str
    hint: str


@dataclass(frozen=True)
class Crontab:
    jobs: tuple[CronLine, ...]
    problems: tuple[LineProblem, ...]
    variables: tuple[tuple[str, str, int], ...]  # every variable, in order


def read_crontab(text: str, *, system: bool = False) -> Crontab:
    """Every job line of `text` translated, and every line that could not be."""
    jobs: list[CronLine] = []
    problems: list[LineProblem] = []
    variables: list[tuple[str, str, int]] = []
    runtime: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            hint = _HINT.match(stripped)
            runtime = hint.group(1) if hint else runtime
            continue
        variable = _VARIABLE.match(raw)
        if variable:
            name, value = variable.group(1), _unquote(variable.group(2))
            variables.append((name, value, number))
            continue
        try:
            jobs.append(_job(raw, number, system, tuple(variables), runtime))
        except _Refused as refused:
            problems.append(refused.problem)
        runtime = None
    return Crontab(tuple(jobs), tuple(problems), tuple(variables))


class _Refused(Exception):
    def __init__(self, problem: LineProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def _job(
    raw: str,
    number: int,
    system: bool,
    variables: tuple[tuple[str, str, int], ...],
    runtime: str | None,
) -> CronLine:
    words = tokens(raw, 0)
    if not re.match(r"[0-9*@]", words[0][0]):
        _refuse(
            number,
            (raw.strip(), words[0][1]),
            "the line is not a job, a variable (NAME=value) or a comment",
            "a job line starts with five fields (minute hour day month weekday) or a macro "
            "such as @daily; put # before it if it is a note",
        )
    macro = words[0][0].startswith("@")
    count = 1 if macro else _FIELDS
    schedule_words, rest = words[:count], words[count:]
    shape = _SHAPE_SYSTEM if system else _SHAPE
    if len(schedule_words) < count:
        _refuse(number, words[-1], f"the line has {len(words)} of the 5 schedule fields", shape)
    user: str | None = None
    if system and rest:
        user, rest = rest[0][0], rest[1:]
    if not rest:
        missing = "no user and no command" if system and user is None else "no command"
        _refuse(number, words[-1], f"the line has a schedule but {missing}", shape)
    written = raw[schedule_words[0][1] : schedule_words[-1][1] + len(schedule_words[-1][0])]
    schedule = _schedule(schedule_words, number, macro, raw[: len(written) + schedule_words[0][1]])
    command, stdin = _split_command(raw[rest[0][1] :].rstrip())
    return CronLine(number, raw, written, schedule, command, stdin, user, variables, runtime)


_SHAPE = "a job line is five fields (minute hour day month weekday) or a macro, then the command"
_SHAPE_SYSTEM = (
    "a system crontab line is five fields (or a macro such as @daily), the user, then the command"
)


def _refuse(number: int, where: Token, message: str, hint: str) -> NoReturn:
    text, at = where
    raise _Refused(LineProblem(number, at + 1, len(text), INVALID, message, hint))


def _schedule(fields: list[Token], number: int, macro: bool, written: str) -> str:
    text, at = fields[0]
    try:
        if macro:
            if text.lower() == "@reboot":
                raise _Refused(
                    LineProblem(
                        number,
                        at + 1,
                        len(text),
                        INVALID,
                        "@reboot runs when the server starts; a scheduled Lambda function "
                        "has no server to start",
                        "run it from your deployment instead (a CloudFormation custom "
                        "resource, or a step of the pipeline), or give it a schedule",
                    )
                )
            return preset(text, at)
        return unix_to_aws(fields)
    except ScheduleError as error:
        if error.code == DAY_OR:
            raise _Refused(_either_day(fields, number, error)) from None
        settled = error.settled(written, parse)
        offset = at if error.offset is None else error.offset
        raise _Refused(
            LineProblem(
                number, offset + 1, error.length or 1, error.code, error.message, settled.hint
            )
        ) from None


def _either_day(fields: list[Token], number: int, error: ScheduleError) -> LineProblem:
    # Unix runs the line when EITHER day field matches; AWS needs one expression per field.
    by_day = [*fields[:4], ("*", fields[4][1])]
    by_weekday = [*fields[:2], ("*", fields[2][1]), *fields[3:]]
    first, second = unix_to_aws(by_day), unix_to_aws(by_weekday)
    dom, dow = fields[2][0], fields[4][0]
    return LineProblem(
        number,
        fields[2][1] + 1,
        fields[4][1] + len(dow) - fields[2][1],
        error.code,
        f"day-of-month {quoted(dom)} and day-of-week {quoted(dow)} are both restricted: Unix cron "
        "runs when either matches, which one AWS expression cannot say",
        f"it needs two: {first} and {second}; import it as two jobs, or keep one of the fields",
    )


def _split_command(text: str) -> tuple[str, str]:
    """Cron's `%`: the first unescaped one ends the command, later ones are newlines of stdin."""
    command: list[str] = []
    stdin: list[str] = []
    target = command
    index = 0
    while index < len(text):
        char = text[index]
        if char == "\\" and text[index + 1 : index + 2] == "%":
            target.append("%")
            index += 2
            continue
        if char == "%":
            if target is command:
                target = stdin
            else:
                stdin.append("\n")
        else:
            target.append(char)
        index += 1
    return "".join(command).rstrip(), "".join(stdin)


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
        return value[1:-1]
    return value
