"""The KMS key a job's secrets are encrypted with (`secrets_kms_key:`), read from how users name
one (a key ARN, a key id, an alias or an alias ARN), and the `kms:Decrypt` statement it adds to
the job's role. Pure, standard library only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

_KEY_ID = r"(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})"
_ALIAS_NAME = r"[A-Za-z0-9/_-]+"
_ARN = re.compile(
    r"^arn:(?P<partition>aws[a-z-]*):kms:(?P<region>[a-z]{2}(?:-[a-z]+)+-\d):(?P<account>\d{12}):"
    rf"(?:key/(?P<key>{_KEY_ID})|alias/(?P<alias>{_ALIAS_NAME}))$"
)
_BARE_KEY = re.compile(rf"^{_KEY_ID}$")
_ALIAS = re.compile(rf"^alias/(?P<alias>{_ALIAS_NAME})$")
_HINT = "write a key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), a key id, alias/NAME or an alias ARN"


@dataclass(frozen=True)
class KmsKey:
    """A customer managed key, by id or by alias; region and account None mean the catalogue's."""

    key_id: str | None
    alias: str | None  # without the `alias/` prefix
    region: str | None = None
    account: str | None = None

    @classmethod
    def parse(cls, text: str, *, setting: str = "secrets_kms_key") -> KmsKey:
        """Raises ValueError saying what is wrong with `text` (the value of `setting`)."""
        match = _ARN.match(text) or _BARE_KEY.match(text) or _ALIAS.match(text)
        if text == "alias/":
            raise ValueError(f"{text!r} names no alias; {_HINT}")
        if match is None:
            raise ValueError(f"{text!r} is not a KMS key; {_HINT}")
        groups = match.groupdict()
        alias = groups.get("alias")
        if alias is not None and alias.startswith("aws/"):
            # AWS managed keys (alias/aws/ssm, alias/aws/secretsmanager) are usable by every
            # principal of the account through their service, so no IAM statement is needed:
            # https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#aws-managed-key
            raise ValueError(
                f"{text!r} is an AWS managed key, which the role may already use through its"
                f" service; leave {setting} out"
            )
        key_id = groups.get("key") if "key" in groups else text if alias is None else None
        return cls(key_id, alias, groups.get("region"), groups.get("account"))


def decrypt_statement(
    key: KmsKey, *, partition: str, region: str, account: str, services: Iterable[str]
) -> dict[str, Any]:
    """`kms:Decrypt` on `key`, only through `services` (ssm, secretsmanager) in the key's region.

    IAM cannot name a key by alias in `Resource`; an alias is matched with kms:ResourceAliases:
    https://docs.aws.amazon.com/kms/latest/developerguide/alias-authorization.html
    """
    region = key.region or region
    account = key.account or account
    via = sorted(f"{service}.{region}.amazonaws.com" for service in set(services))
    condition: dict[str, Any] = {"StringEquals": {"kms:ViaService": via}}
    if key.alias is not None:
        resource = f"arn:{partition}:kms:{region}:{account}:key/*"
        condition["ForAnyValue:StringEquals"] = {"kms:ResourceAliases": [f"alias/{key.alias}"]}
    else:
        resource = f"arn:{partition}:kms:{region}:{account}:key/{key.key_id}"
    return {
        "Sid": "DecryptSecrets",
        "Effect": "Allow",
        "Action": ["kms:Decrypt"],
        "Resource": [resource],
        "Condition": condition,
    }
