"""Rule against secrets written in plain text into `environment` or `input`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from scheduler.diagnostics import Diagnostic, Severity
from scheduler.rules.base import Context, Rule, RuleDoc

_SECRET_KEY = re.compile(
    r"(pass(word|wd)?|secret|token|api[_-]?key|private[_-]?key|credential|auth)", re.IGNORECASE
)
_SECRET_VALUE = re.compile(
    r"(AKIA[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY-----|gh[pousr]_[A-Za-z0-9]{30,}"
    r"|xox[abpr]-[A-Za-z0-9-]{10,}|sk_live_[A-Za-z0-9]{16,})"
)
# References to a secret store (an ARN, an SSM parameter path, a template) are the right way
# to pass secrets, not a finding.
_REFERENCE = re.compile(r"^(arn:aws|ssm:|secretsmanager:|/|\$\{|\{\{resolve:)", re.IGNORECASE)


def _walk(value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _walk(item, (*path, str(key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, (*path, index))
    elif isinstance(value, str):
        yield path, value


def _looks_secret(path: tuple[str | int, ...], value: str) -> bool:
    if not value or _REFERENCE.match(value):
        return False
    if _SECRET_VALUE.search(value):
        return True
    key = str(path[-1])
    return bool(_SECRET_KEY.search(key)) and len(value) >= 8 and " " not in value


class PlainTextSecret(Rule):
    doc = RuleDoc(
        "SCH310",
        Severity.WARNING,
        "likely secret in plain text",
        "Environment variables and rule input are visible in the console and in logs. Keep "
        "secrets in Secrets Manager or SSM Parameter Store and pass their name or ARN.",
        "environment: {DB_PASSWORD: hunter2hunter2}",
        "environment: {DB_PASSWORD_PARAM: /prod/db/password}",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        for job in context.catalogue.jobs:
            found = [*_walk(dict(job.environment), ("environment",))]
            found += _walk(job.input, ("input",)) if job.input else []
            for path, value in found:
                if not _looks_secret(path, value):
                    continue
                yield self.report(
                    context.setting_span(job, *path),
                    f'job "{job.name}": {".".join(map(str, path))} looks like a secret in '
                    "plain text",
                    "store it in Secrets Manager or SSM Parameter Store and pass its name",
                )
