"""What a local data file (`local-data.yaml`, beside the catalogue) declares, as frozen data:
S3 buckets and objects, DynamoDB tables and items, SSM parameters, Secrets Manager secrets, each
with where it was written. Standard library only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from scheduler.diagnostics import Span

KeyType = Literal["S", "N", "B"]
# The one code of a local data problem (`sched validate`, and `--local` before it creates the
# local AWS); a file it cannot read as YAML has the catalogue's reading codes.
LOCAL_DATA_CODE = "SCH010"


@dataclass(frozen=True)
class S3Object:
    key: str
    body: bytes
    where: Span


@dataclass(frozen=True)
class Bucket:
    name: str
    objects: tuple[S3Object, ...]
    where: Span


@dataclass(frozen=True)
class KeyAttribute:
    name: str
    type: KeyType


@dataclass(frozen=True)
class Item:
    attributes: Mapping[str, object]
    where: Span


@dataclass(frozen=True)
class Table:
    name: str
    key: tuple[KeyAttribute, ...]
    """The partition key, then the sort key if there is one."""
    items: tuple[Item, ...]
    where: Span


@dataclass(frozen=True)
class Parameter:
    name: str
    value: str
    secure: bool
    where: Span

    @property
    def type(self) -> Literal["String", "SecureString"]:
        return "SecureString" if self.secure else "String"


@dataclass(frozen=True)
class Secret:
    name: str
    value: str
    """The SecretString: text as written, a mapping or list as JSON."""
    where: Span


@dataclass(frozen=True)
class Queue:
    """An SQS queue (a job's dead-letter queue); a name ending with .fifo is a FIFO queue."""

    name: str
    where: Span


@dataclass(frozen=True)
class LocalData:
    """Everything a local data file declares, in the order it is written."""

    file: str
    buckets: tuple[Bucket, ...] = ()
    tables: tuple[Table, ...] = ()
    parameters: tuple[Parameter, ...] = ()
    secrets: tuple[Secret, ...] = ()
    queues: tuple[Queue, ...] = ()

    def summary(self) -> str:
        """`2 buckets (3 objects), 1 table (2 items), 1 parameter, 1 secret`; `nothing`."""
        parts = []
        if self.buckets:
            objects = sum(len(b.objects) for b in self.buckets)
            parts.append(f"{_count(len(self.buckets), 'bucket')} ({_count(objects, 'object')})")
        if self.tables:
            items = sum(len(t.items) for t in self.tables)
            parts.append(f"{_count(len(self.tables), 'table')} ({_count(items, 'item')})")
        if self.parameters:
            parts.append(_count(len(self.parameters), "parameter"))
        if self.secrets:
            parts.append(_count(len(self.secrets), "secret"))
        if self.queues:
            parts.append(_count(len(self.queues), "queue"))
        return ", ".join(parts) or "nothing"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'s' * (n != 1)}"
