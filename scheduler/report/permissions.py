"""`sched permissions JOB`: a job's own role, each statement under the line of the entry it came
from (sched's own statements first, each under what it is for: the job's logs, its dead-letter
queue, secrets, key and VPC), or the policy document as JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from scheduler.app.check import JobPermissions


# What each of sched's own statements (`scheduler.permissions`, by Sid) is for.
_OWN_PURPOSE = {
    "CreateOwnLogGroup": "write the job's own logs",
    "WriteOwnLogs": "write the job's own logs",
    "SendFailedRuns": "send a run that failed for good to its dead_letter_queue",
    "ReadSecretParameters": "read its secrets",
    "ReadSecrets": "read its secrets",
    "DecryptSecrets": (
        "decrypt its secrets with secrets_kms_key, through SSM and Secrets Manager only"
    ),
    "ManageNetworkInterfaces": "manage the network interfaces of its vpc",
}


def _listed(value: Any) -> str:
    return ", ".join(value) if isinstance(value, list) else str(value)


def _statement_lines(statement: dict[str, Any]) -> Iterator[str]:
    actions = statement.get("Action") or statement.get("NotAction")
    negated = "not " if "NotAction" in statement else ""
    yield f"    {statement['Effect']} {negated}{_listed(actions)}"
    resources = statement.get("Resource") or statement.get("NotResource")
    on = "on all but" if "NotResource" in statement else "on"
    yield f"      {on} {_listed(resources)}"
    if "Condition" in statement:
        yield f"      when {json.dumps(statement['Condition'], sort_keys=True)}"


def to_text(found: JobPermissions) -> str:
    lines = [f"{found.job.name}: role {found.role}"]
    current: object = object()
    for sourced in found.policy.statements:
        heading: object = sourced.origin
        if sourced.origin is None:
            heading = _OWN_PURPOSE.get(
                sourced.statement.get("Sid", ""), "what sched's runtime needs"
            )
        if heading != current:
            current = heading
            if sourced.origin is None:
                lines.append(f"  sched: {heading}")
            else:
                span = found.sources[sourced.origin]
                lines.append(f"  {span}: {_entry_title(found, sourced.origin)}")
        lines.extend(_statement_lines(sourced.statement))
    for arn, origin in found.policy.managed_policies:
        lines.append(f"  {found.sources[origin]}: managed policy {arn}")
    return "\n".join(lines)


def _entry_title(found: JobPermissions, origin: tuple[str | int, ...]) -> str:
    entry = next(g.entry for g in found.job.permissions if g.origin == origin)
    if isinstance(entry, dict) and len(entry) == 1 and "Effect" not in entry:
        [(name, parameters)] = entry.items()
        shown = ", ".join(f"{k}: {v}" for k, v in (parameters or {}).items())
        return f"{name} {{{shown}}}"
    return "statement"


def to_json(found: JobPermissions) -> str:
    document = {
        "job": found.job.name,
        "role": found.role,
        "policy": found.policy.document,
        "managed_policy_arns": list(found.policy.managed_policy_arns),
    }
    return json.dumps(document, indent=2, sort_keys=True)
