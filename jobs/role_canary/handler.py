"""Check that the jobs' execution role still works: who are we, and is it the expected account?

Fails loudly when the role was deleted or its trust policy broken, before the real jobs fail.
"""

from __future__ import annotations

from typing import Any

import boto3


def main(event: dict[str, Any], context: Any) -> dict[str, Any]:
    identity = boto3.client("sts").get_caller_identity()
    expected = event.get("account")
    if expected and identity["Account"] != expected:
        raise RuntimeError(f"running in account {identity['Account']}, expected {expected}")
    return {"account": identity["Account"], "arn": identity["Arn"]}
