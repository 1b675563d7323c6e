"""Checks of the `parameters:` (SSM Parameter Store), `secrets:` (Secrets Manager) and `queues:`
(SQS) sections: names and value sizes those services would refuse, and the forms a value may
take.
"""

from __future__ import annotations

import json

from scheduler import limits
from scheduler.catalogue.source_map import DataPath
from scheduler.local_data.check_base import CheckerBase
from scheduler.local_data.model import Parameter, Queue, Secret
from scheduler.local_data.names import (
    parameter_name_problem,
    queue_name_problem,
    secret_name_problem,
)
from scheduler.local_data.values import kind_of, path_key, show


class StoreChecks(CheckerBase):
    def parameter(self, name: str, value: object, path: DataPath) -> Parameter | None:
        what = f"parameter {show(name)}"
        why = parameter_name_problem(name)
        if why is not None:
            self.at_key(
                path,
                f"{what} is not a name SSM accepts: {why}",
                "use letters, digits and _ . - / (a path like /acme-ops/db/host)",
            )
        secure, at = False, path
        if isinstance(value, dict):
            for extra in value:
                if extra not in ("value", "type"):
                    self.unknown((*path, path_key(extra)), extra, what, ("value", "type"))
            kind = value.get("type", "String")
            if kind not in ("String", "SecureString"):
                self.at(
                    (*path, "type"),
                    f"{what}: type {show(kind)} is not String or SecureString",
                    "write type: SecureString for a secret value, or leave type out",
                )
                return None
            if "value" not in value:
                self.at(path, f"{what} has no value", "add value: ...")
                return None
            secure, at, value = kind == "SecureString", (*path, "value"), value["value"]
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str):
            self.at(
                at,
                f"{what}: the value must be text, not {kind_of(value)}",
                'quote it ("..."), or write {value: ..., type: SecureString}',
            )
            return None
        if not value or len(value) > limits.SSM_PARAMETER_VALUE_MAX:
            self.at(
                at,
                f"{what}: the value is {len(value)} characters long; SSM takes 1 to "
                f"{limits.SSM_PARAMETER_VALUE_MAX}",
                "give it a value that fits",
            )
            return None
        if why is not None:
            return None
        return Parameter(name, value, secure, self.source_map.key_span(path))

    def secret(self, name: str, value: object, path: DataPath) -> Secret | None:
        what = f"secret {show(name)}"
        why = secret_name_problem(name)
        if why is not None:
            self.at_key(
                path,
                f"{what} is not a name Secrets Manager accepts: {why}",
                f"use 1-{limits.SECRET_NAME_MAX} letters, digits and / _ + = . @ -",
            )
        if isinstance(value, str):
            text = value
        elif isinstance(value, (dict, list)):
            try:
                text = json.dumps(value, ensure_ascii=False, allow_nan=False)
            except (TypeError, ValueError):
                self.at(
                    path,
                    f"{what}: a mapping or list is stored as JSON, and this one has a value "
                    "JSON cannot hold",
                    "use text, numbers, true/false, null, lists and mappings only",
                )
                return None
        else:
            self.at(
                path,
                f"{what}: the value must be text, or a mapping or list (stored as JSON), not "
                f"{kind_of(value)}",
                'quote it ("...")',
            )
            return None
        if len(text.encode()) > limits.SECRET_VALUE_MAX_BYTES:
            self.at(
                path,
                f"{what}: the value is {len(text.encode())} bytes; Secrets Manager takes at "
                f"most {limits.SECRET_VALUE_MAX_BYTES}",
                "store less in one secret",
            )
            return None
        return Secret(name, text, self.source_map.key_span(path)) if why is None else None

    def queue(self, name: str, value: object, path: DataPath) -> Queue | None:
        what = f"queue {show(name)}"
        why = queue_name_problem(name)
        if why is not None:
            self.at_key(
                path,
                f"{what} is not a name SQS accepts: {why}",
                f"use 1-{limits.SQS_QUEUE_NAME_MAX} letters, digits, - and _ (a FIFO queue's name"
                f" ends with {limits.SQS_FIFO_SUFFIX})",
            )
        if value not in (None, {}):
            hint = (
                f"write the queue as `{name}: {{}}`; a name ending with"
                f" {limits.SQS_FIFO_SUFFIX} makes a FIFO queue"
            )
            if isinstance(value, dict):
                extra = next(iter(value))
                self.at_key((*path, path_key(extra)), f"unknown key {show(extra)} in {what}", hint)
            else:
                self.at(path, f"{what} must be {{}}, not {kind_of(value)}", hint)
            return None
        return Queue(name, self.source_map.key_span(path)) if why is None else None
