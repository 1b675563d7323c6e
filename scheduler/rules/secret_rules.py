"""Rule against secrets written in plain text into `environment` or `input`."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache, partial
from typing import Any

from scheduler.diagnostics import Diagnostic, Severity
from scheduler.kms_keys import KmsKey
from scheduler.rules.base import Context, Rule, RuleDoc
from scheduler.runtime.contract import SecretRef

_SECRET_KEY = re.compile(
    r"(pass(word|wd)?|secret|token|api[_-]?key|private[_-]?key|credential|auth)", re.IGNORECASE
)
_SECRET_VALUE = re.compile(
    r"(AKIA[0-9A-Z]{16}|-----BEGIN [A-Z ]*PRIVATE KEY-----|gh[pousr]_[A-Za-z0-9]{30,}"
    r"|xox[abpr]-[A-Za-z0-9-]{10,}|sk_live_[A-Za-z0-9]{16,}"
    # a password in a URL (scheme://user:password@host), a Slack webhook
    r"|[a-z][a-z0-9+.-]*://[^/\s:@]+:[^@\s/]+@|hooks\.slack\.com/services/)"
)
# References to a secret store (an ARN, an SSM parameter path, a template) are the right way
# to pass secrets, not a finding.
_REFERENCE = re.compile(r"^(arn:aws|ssm:|secretsmanager:|/|\$\{|\{\{resolve:)", re.IGNORECASE)


_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _walk(value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, str):
        yield path, value
        return
    if isinstance(value, dict):
        items: Iterable[tuple[str | int, Any]] = ((str(k), v) for k, v in value.items())
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return
    for key, item in items:
        if isinstance(item, str):  # most values: no generator of their own
            yield (*path, key), item
        elif isinstance(item, (dict, list)):
            yield from _walk(item, (*path, key))


def looks_secret(name: str, value: str) -> bool:
    """Whether `value`, set under `name`, looks like a secret written in plain text."""
    return _looks_secret((name,), value)


@cache  # a catalogue's inputs and environments repeat a few names many times
def secret_name(name: str) -> bool:
    """Whether a variable called `name` holds a secret, whatever its value looks like."""
    return bool(_SECRET_KEY.search(name))


def _may_match_secret_value(value: str) -> bool:
    """Whether `value` holds text that each of `_SECRET_VALUE`'s patterns contains: looking for
    it is a fraction of running the pattern over every value of a catalogue."""
    return (
        "_" in value  # gh?_, sk_live_
        or "://" in value
        or "AKIA" in value
        or "xox" in value
        or "-----BEGIN " in value
        or "hooks.slack.com/services/" in value
    )


def _looks_secret(path: tuple[str | int, ...], value: str) -> bool:
    if not value or _REFERENCE.match(value):
        return False
    if _may_match_secret_value(value) and _SECRET_VALUE.search(value):
        return True
    return len(value) >= 8 and " " not in value and secret_name(str(path[-1]))


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
            # Jobs that inherit their environment share it: it is searched once.
            found = context.memo(
                ("plain secrets", job.environment), partial(_environment_secrets, job.environment)
            )
            if job.input:
                found = [*found, *_secrets_in(job.input, ("input",))]
            for path in found:
                yield self.report(
                    context.setting_span(job, *path),
                    f'job "{job.name}": {".".join(map(str, path))} looks like a secret in '
                    "plain text",
                    f"store it in SSM Parameter Store or Secrets Manager and name it instead: "
                    f"secrets: {{{_env_name(path)}: ssm:/{context.catalogue.name}/{job.name}/"
                    f"{_env_name(path).lower()}}}",
                )


def _secrets_in(value: Any, path: tuple[str | int, ...]) -> list[tuple[str | int, ...]]:
    """Where under `value` a secret seems written in plain text."""
    return [at for at, text in _walk(value, path) if _looks_secret(at, text)]


def _environment_secrets(environment: tuple[tuple[str, str], ...]) -> list[tuple[str | int, ...]]:
    return _secrets_in(dict(environment), ("environment",))


def _env_name(path: tuple[str | int, ...]) -> str:
    name = re.sub(r"[^A-Za-z0-9_]", "_", str(path[-1])).upper()
    return name if name and not name[0].isdigit() else f"SECRET_{name}"


class SecretReference(Rule):
    doc = RuleDoc(
        "SCH410",
        Severity.ERROR,
        "secret reference that cannot be read",
        "`secrets:` maps an environment variable to where its value is kept: ssm:/parameter/name "
        "(SSM Parameter Store, decrypted) or secretsmanager:secret-name, with #key for one key of "
        "a JSON secret. The wrapper reads them before the handler runs; the job's role is "
        "allowed to read exactly these. A name must be an environment variable name not also "
        "set under environment:.",
        "secrets: {DB_URL: /acme/db-url}",
        "secrets: {DB_URL: ssm:/acme/db-url, SFTP_PASSWORD: secretsmanager:acme/sftp#password}",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        for job in context.catalogue.jobs:
            environment = dict(job.environment)
            for name, text in job.secrets:
                span = context.span(job, "secrets", name)
                try:
                    SecretRef.parse(text)
                except ValueError as error:
                    yield self.report(
                        span,
                        f'job "{job.name}": secret {name}: {error}',
                        f"e.g. {name}: ssm:/{context.catalogue.name}/{job.name}/{name.lower()}",
                    )
                    continue
                if not _ENV_NAME.match(name):
                    yield self.report(
                        context.key_span(job, "secrets", name),
                        f'job "{job.name}": secret {name!r} is not an environment variable name',
                        "use letters, digits and _, not starting with a digit",
                    )
                elif name in environment:
                    yield self.report(
                        context.key_span(job, "secrets", name),
                        f'job "{job.name}": {name} is both a secret and set under environment:',
                        "keep one: the secret would replace the value at run time",
                    )


class SecretKey(Rule):
    doc = RuleDoc(
        "SCH411",
        Severity.ERROR,
        "secrets KMS key that cannot be named",
        "`secrets_kms_key:` names the customer managed KMS key a job's secrets are encrypted "
        "with, so that its role may decrypt them (kms:Decrypt on that key, through SSM and "
        "Secrets Manager only). Write the key's ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), its id, "
        "alias/NAME or the alias's ARN. AWS managed keys (alias/aws/...) need no statement.",
        "secrets_kms_key: acme-secrets",
        "secrets_kms_key: alias/acme-secrets",
    )

    def check(self, context: Context) -> Iterator[Diagnostic]:
        for job in context.catalogue.jobs:
            if job.secrets_kms_key is None:
                continue
            try:
                KmsKey.parse(job.secrets_kms_key)
            except ValueError as error:
                yield self.report(
                    context.setting_span(job, "secrets_kms_key"),
                    f'job "{job.name}": secrets_kms_key {error}',
                    f"e.g. secrets_kms_key: alias/{context.catalogue.name}-secrets",
                )
