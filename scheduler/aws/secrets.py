"""Reads the secrets a webhook alert channel names (its URL) from SSM Parameter Store or
Secrets Manager, for `sched alerts test` and the local watcher; the deployed watcher reads
them with its own role (runtime.wrapper.read_secret).
"""

from __future__ import annotations

from scheduler.aws.clients import Clients
from scheduler.aws.errors import translated
from scheduler.runtime.contract import SecretRef


class AwsSecretSource:
    """`SecretSource` over ssm:GetParameter (decrypted) and secretsmanager:GetSecretValue."""

    def __init__(self, clients: Clients) -> None:
        self.c = clients

    def value(self, reference: str) -> str:
        ref = SecretRef.parse(reference)
        with translated(ref.scheme, ref.name):
            if ref.scheme == "ssm":
                found = self.c.ssm.get_parameter(Name=ref.name, WithDecryption=True)
                return str(found["Parameter"]["Value"])
            secret = self.c.secretsmanager.get_secret_value(SecretId=ref.name)
        return ref.pick(str(secret["SecretString"]))
