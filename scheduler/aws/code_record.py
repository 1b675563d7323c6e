"""The record of the code sched uploaded, kept in each function's environment (SCHED_CODE).

Lambda's `CodeSha256` hashes the zip's bytes, which depend on the zlib that deflated them, so
plan compares the digest of the files instead (`Function.code`). The record pairs that digest
with the `CodeSha256` of the zip uploaded: a function whose `CodeSha256` is another one had its
code changed outside sched, and plans a code update.
"""

from __future__ import annotations

from collections.abc import Mapping

from scheduler.resources import Function
from scheduler.runtime.contract import ENV_CODE

OUTSIDE = "outside sched"


def record(function: Function) -> str:
    """The SCHED_CODE value of `function` once its zip (`code_sha256`) is the deployed one."""
    return f"{function.code}:{function.code_sha256}"


def deployed_code(variables: Mapping[str, str], code_sha256: str) -> tuple[str, dict[str, str]]:
    """A deployed function's `code` (the recorded digest while its `CodeSha256` is the zip sched
    uploaded, else `outside sched (<CodeSha256>)`) and its environment less the record."""
    rest = {k: v for k, v in variables.items() if k != ENV_CODE}
    digest, found, uploaded = variables.get(ENV_CODE, "").partition(":")
    if found and uploaded == code_sha256:
        return digest, rest
    return f"{OUTSIDE} ({code_sha256})", rest
