"""The wire contract between the code sched ships into every function and the code that reads
its logs: the SCHED_* environment, the event a schedule delivers, the wrapper's start, run and
overran lines, their schema version, and the time formats they use. Written once: compile,
local mode, `sched trigger` and history all read it. Standard library only; zipped as-is.

The start line (schema v1; the run line's first ten keys and values, `sched` aside):
  {"sched": "start", "v": 1, "job": str, "catalogue": str, "trigger": "rule"|"scheduler"|"manual",
   "trigger_id": str|null, "scheduled_time": str|null, "attempt": int|null,
   "request_id": str|null, "deploy": str|null}
The run line (schema v1; keys always present, in this order, `null` when unknown):
  {"sched": "run", "v": 1, "job": str, "catalogue": str, "trigger": "rule"|"scheduler"|"manual",
   "trigger_id": str|null (EventBridge event id or Scheduler execution id),
   "scheduled_time": "2026-11-23T02:00:00Z"|null, "attempt": int|null, "request_id": str|null,
   "deploy": str|null (the function's SCHED_DEPLOY), "start": "2026-11-23T02:00:01.123Z",
   "end": "...", "duration_ms": float (3 decimals),
   "status": "succeeded"|"failed"|"timed_out", "error_type": str|null,
   "error_message": str|null (first 2000 characters), "expected_runtime_ms": int|null,
   "overran": bool}
The skip line (schema v1): the start line's keys with `"sched": "skip"`, logged alone by a
fire that does not run the job (`fired_by_other_half`).
When `duration_ms > expected_runtime_ms`, a second line follows:
  {"sched": "overran", "v": 1, "job": str, "request_id": str|null, "duration_ms": float,
   "expected_runtime_ms": int}

Events: `{"sched": {...}, "input": {...}}` from a rule's InputTransformer (`event_id`) or from
EventBridge Scheduler (`execution_id`, `attempt`); `"manual": true` in the sched block marks a run
sched started by hand (`sched run`, `sched trigger`), logged as `manual` with its scheduled time;
anything else is a manual invoke whose whole event is the input. The second rule or schedule of
a Unix either-day job adds `skip_days` (and `timezone`): see `fired_by_other_half`.

`deploy` binds a line to the deployment that wrote it: compile puts a value derived from the
function's code and configuration in its environment (SCHED_DEPLOY), and history believes a line
logged since that deployment only if it carries the value the function has now. It keeps out
lines other functions write to the log group and lines copied from elsewhere; it cannot keep
out the job's own handler, which runs in the wrapper's process and can read its environment.
Lines of wrappers older than it have no `deploy` key, and are read as before.

`function_version`, appended last to the start and run lines when Lambda sets it, is the
function version that ran (`AWS_LAMBDA_FUNCTION_VERSION`: a number, or `$LATEST`), so history
can say which published version each run used. Lines without it (older wrappers, local runs)
are read as before; the keys before it keep their order.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

SCHEMA_VERSION = 1
MAX_ERROR_MESSAGE_CHARS = 2000

# The environment of every function sched deploys (and of a local run).
ENV_JOB = "SCHED_JOB"
ENV_CATALOGUE = "SCHED_CATALOGUE"
ENV_HANDLER = "SCHED_HANDLER"  # `module.function`, importable from the zip root
ENV_EXPECTED_RUNTIME_MS = "SCHED_EXPECTED_RUNTIME_MS"
ENV_DEPLOY = "SCHED_DEPLOY"  # the deployment value the wrapper writes into its lines
# `<digest of the files>:<CodeSha256 sched uploaded>`, so that plan compares code by what the
# package holds, not by zlib's bytes (aws/code_record.py); the wrapper does not read it.
ENV_CODE = "SCHED_CODE"
# Set by Lambda: the version of the function that is running.
# https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime
LAMBDA_VERSION_VARIABLE = "AWS_LAMBDA_FUNCTION_VERSION"
# The container overrides of a Fargate job's task (it has no event).
ENV_INPUT = "SCHED_INPUT"
ENV_SCHEDULED_TIME = "SCHED_SCHEDULED_TIME"
ENV_EVENT_ID = "SCHED_EVENT_ID"
# JSON {"NAME": "ssm:/path" | "secretsmanager:name#key"}: secrets the wrapper reads into the
# environment before the handler runs. Only the references are deployed, never the values.
ENV_SECRETS = "SCHED_SECRETS"
SECRET_SCHEMES = ("ssm", "secretsmanager")

# The `sched` key of each line the wrapper logs, and the prefix every such line starts with.
LINE_START = "start"
LINE_RUN = "run"
LINE_OVERRAN = "overran"
# Logged instead of a start line by the second half of an either-day job on a day its first half
# fires too (see SKIP_DAYS): the request is not a run, and history leaves it out.
LINE_SKIP = "skip"
LINE_PREFIX = '{"sched"'

# What started a run, as logged.
TRIGGER_RULE = "rule"
TRIGGER_SCHEDULER = "scheduler"
TRIGGER_MANUAL = "manual"

# How a run ended, as logged.
SUCCEEDED = "succeeded"
FAILED = "failed"
TIMED_OUT = "timed_out"

# The catalogue's backends, by value (a job's `backend`).
BACKEND_RULES = "rules"
BACKEND_SCHEDULER = "scheduler"

FIRST_ATTEMPT = "1"
_EVENT_KEYS = {"sched", "input"}
# The second rule or schedule of a Unix either-day job (`0 0 1,15 * MON`) carries the days of the
# month its first one fires on, and the job's zone: on those days the first has fired, and the
# wrapper ends the second's run before logging anything, so that the day runs once, as in Unix.
SKIP_DAYS = "skip_days"
SKIP_TIMEZONE = "timezone"


@dataclass(frozen=True)
class SecretRef:
    """`ssm:/acme/db-url` or `secretsmanager:acme/sftp#password` (a JSON secret's key)."""

    scheme: str
    name: str
    json_key: str | None = None

    @classmethod
    def parse(cls, text: str) -> SecretRef:
        """Raises ValueError saying what is wrong with `text`."""
        scheme, sep, rest = text.partition(":")
        if not sep or scheme not in SECRET_SCHEMES:
            raise ValueError(
                f"{text!r} is not a secret reference: write ssm:/parameter/name or"
                " secretsmanager:secret-name (#key for a key of a JSON secret)"
            )
        name, hash_sign, key = rest.partition("#")
        if scheme == "ssm" and hash_sign:
            raise ValueError(f"{text!r}: an SSM parameter has no keys; leave out #{key}")
        if not name.strip() or (hash_sign and not key):
            raise ValueError(f"{text!r} names no {'key' if name else 'parameter or secret'}")
        return cls(scheme, name, key or None)

    def pick(self, value: str) -> str:
        """The referenced value in `value`, the secret's text: itself, or its JSON key's value.
        Raises KeyError when the key is not there, ValueError when the text is not JSON."""
        if self.json_key is None:
            return value
        document = json.loads(value)
        if not isinstance(document, dict) or self.json_key not in document:
            raise KeyError(f"the secret holds no key {self.json_key!r}")
        return str(document[self.json_key])

    def __str__(self) -> str:
        key = f"#{self.json_key}" if self.json_key else ""
        return f"{self.scheme}:{self.name}{key}"


def parse_time(text: object) -> datetime | None:
    """An ISO-8601 time (`Z` or offset) as an aware UTC datetime; None when it is not one."""
    if not isinstance(text, str) or not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def utc_from_ms(ms: float) -> datetime:
    """Milliseconds since the epoch (a log event's timestamp) as an aware UTC datetime."""
    return datetime.fromtimestamp(ms / 1000, UTC)


def iso_ms(when: datetime) -> str:
    """`2026-11-23T02:00:01.123Z`: UTC, milliseconds (truncated), `Z`."""
    return when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def event_time(when: datetime) -> str:
    """EventBridge's event `time` (and Scheduler's scheduled time): whole seconds, `Z`."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def job_event(
    backend: str,
    *,
    job: str,
    job_input: Mapping[str, Any] | None,
    scheduled_time: object,
    trigger_id: object,
    attempt: object = FIRST_ATTEMPT,
    manual: bool = False,
    skip_days: Iterable[int] | None = None,
    timezone: str = "UTC",
) -> dict[str, Any]:
    """The event a job's target delivers: a rule's carries the event id, a schedule's the
    execution id and the attempt number (as text, the way Scheduler fills it in). Values are
    real ones (a run now) or compile's input-transformer placeholders. `manual` marks a run
    started by hand, which the wrapper logs as `manual` rather than as a fire of the schedule."""
    sched: dict[str, Any] = {"job": job, "scheduled_time": scheduled_time}
    if backend == BACKEND_SCHEDULER:
        sched["execution_id"] = trigger_id
        sched["attempt"] = attempt
    elif backend == BACKEND_RULES:
        sched["event_id"] = trigger_id
    else:
        raise ValueError(f"unknown backend {backend!r}")
    if manual:
        sched["manual"] = True
    if skip_days is not None:
        sched[SKIP_DAYS] = sorted(skip_days)
        if timezone != "UTC":
            sched[SKIP_TIMEZONE] = timezone
    return {"sched": sched, "input": dict(job_input or {})}


def fired_by_other_half(event: Any) -> bool:
    """Whether `event` is a day-of-week fire of an either-day job on a day its day-of-month
    rule or schedule also fires (see SKIP_DAYS). A zone the runtime cannot read skips nothing:
    a day run twice is better than a day missed."""
    meta = event.get("sched") if isinstance(event, dict) else None
    if not isinstance(meta, dict):
        return False
    days = meta.get(SKIP_DAYS)
    if not isinstance(days, list) or meta.get("manual") is True:
        return False
    when = parse_time(meta.get("scheduled_time"))
    if when is None:
        return False
    name = meta.get(SKIP_TIMEZONE, "UTC")
    try:
        local = when.astimezone(ZoneInfo(name)) if name != "UTC" else when.astimezone(UTC)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        return False
    return local.day in days


@dataclass(frozen=True)
class Invocation:
    """What started the run, read from the event: `rule`, `scheduler` or `manual`."""

    kind: str
    job: str | None
    scheduled_time: datetime | None
    scheduled_time_text: str | None
    trigger_id: str | None
    attempt: int | None


def _int_or_none(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def read_event(event: Any) -> tuple[Any, Invocation]:
    """Split an invocation event into the job's input and what triggered it."""
    if (
        isinstance(event, dict)
        and isinstance(event.get("sched"), dict)
        and event.keys() <= _EVENT_KEYS
    ):
        meta: dict[str, Any] = event["sched"]
        raw_input = event.get("input")
        payload = {} if raw_input is None else raw_input
        when = meta.get("scheduled_time")
        is_scheduler = "execution_id" in meta
        trigger_id = meta.get("execution_id") if is_scheduler else meta.get("event_id")
        kind = TRIGGER_SCHEDULER if is_scheduler else TRIGGER_RULE
        return payload, Invocation(
            kind=TRIGGER_MANUAL if meta.get("manual") is True else kind,
            job=meta.get("job") if isinstance(meta.get("job"), str) else None,
            scheduled_time=parse_time(when),
            scheduled_time_text=when if isinstance(when, str) else None,
            trigger_id=str(trigger_id) if trigger_id is not None else None,
            attempt=_int_or_none(meta.get("attempt")),
        )
    return event, Invocation(TRIGGER_MANUAL, None, None, None, None, None)


def _scheduled_text(trigger: Invocation) -> str | None:
    if trigger.scheduled_time is not None:
        return event_time(trigger.scheduled_time)
    return trigger.scheduled_time_text


@dataclass(frozen=True)
class RunRecord:
    """One run as the wrapper saw it; `line()` is the run line it logs (see module doc).

    `start` and `end` are wall-clock seconds since the epoch; `status` is SUCCEEDED, FAILED or
    TIMED_OUT.
    """

    job: str
    catalogue: str
    trigger: Invocation
    request_id: str | None
    start: float
    end: float
    status: str
    error_type: str | None
    error_message: str | None
    expected_runtime_ms: int | None
    deploy: str | None = None
    function_version: str | None = None

    @property
    def duration_ms(self) -> float:
        return round(max(0.0, self.end - self.start) * 1000.0, 3)

    @property
    def overran(self) -> bool:
        return self.expected_runtime_ms is not None and self.duration_ms > self.expected_runtime_ms

    @property
    def scheduled_time(self) -> datetime | None:
        return parse_time(_scheduled_text(self.trigger))

    def line(self) -> dict[str, Any]:
        message = self.error_message
        line = {
            **_identity(
                LINE_RUN, self.job, self.catalogue, self.trigger, self.request_id, self.deploy
            ),
            "start": iso_ms(datetime.fromtimestamp(self.start, UTC)),
            "end": iso_ms(datetime.fromtimestamp(self.end, UTC)),
            "duration_ms": self.duration_ms,
            "status": self.status,
            "error_type": self.error_type,
            "error_message": message[:MAX_ERROR_MESSAGE_CHARS] if message is not None else None,
            "expected_runtime_ms": self.expected_runtime_ms,
            "overran": self.overran,
        }
        return _with_version(line, self.function_version)

    def lines(self) -> list[str]:
        """The run line, then the overran line when the run took longer than expected."""
        logged = [json.dumps(self.line(), default=str)]
        if self.overran:
            warning = {
                "sched": LINE_OVERRAN,
                "v": SCHEMA_VERSION,
                "job": self.job,
                "request_id": self.request_id,
                "duration_ms": self.duration_ms,
                "expected_runtime_ms": self.expected_runtime_ms,
            }
            logged.append(json.dumps(warning))
        return logged


def start_line(
    job: str,
    catalogue: str,
    trigger: Invocation,
    request_id: str | None,
    deploy: str | None = None,
    function_version: str | None = None,
) -> str:
    """The start line, logged before the job is imported or called."""
    line = _identity(LINE_START, job, catalogue, trigger, request_id, deploy)
    return json.dumps(_with_version(line, function_version), default=str)


def _with_version(line: dict[str, Any], function_version: str | None) -> dict[str, Any]:
    if function_version is not None:
        line["function_version"] = function_version
    return line


def skip_line(
    job: str,
    catalogue: str,
    trigger: Invocation,
    request_id: str | None,
    deploy: str | None = None,
) -> str:
    """The skip line: the start line's keys, logged when the job is not run at all."""
    return json.dumps(
        _identity(LINE_SKIP, job, catalogue, trigger, request_id, deploy), default=str
    )


def _identity(
    kind: str,
    job: str,
    catalogue: str,
    trigger: Invocation,
    request_id: str | None,
    deploy: str | None,
) -> dict[str, Any]:
    return {
        "sched": kind,
        "v": SCHEMA_VERSION,
        "job": job,
        "catalogue": catalogue,
        "trigger": trigger.kind,
        "trigger_id": trigger.trigger_id,
        "scheduled_time": _scheduled_text(trigger),
        "attempt": trigger.attempt,
        "request_id": request_id,
        "deploy": deploy,
    }
