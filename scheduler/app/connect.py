"""Where AWS is: the embedded local one (moto, state under `.sched/local/` beside the catalogue)
or a real account through boto3's chain. `connect` yields the adapters of `scheduler.aws` for
either; boto3 and moto are imported only when a command connects.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scheduler.aws import AwsContext

STATE_DIR = ".sched"


@dataclass(frozen=True)
class Connection:
    """Where AWS is: the embedded local one (moto) or a real account through boto3's chain."""

    local: bool = False
    profile: str | None = None
    region: str | None = None

    @classmethod
    def from_options(cls, local: bool, profile: str | None, region: str | None) -> Connection:
        env_local = os.environ.get("SCHED_LOCAL", "").lower() in ("1", "true", "yes")
        return cls(local=local or env_local, profile=profile, region=region)


def state_dir(catalogue_path: Path) -> Path:
    return catalogue_path.resolve().parent / STATE_DIR


def local_dir(catalogue_path: Path) -> Path:
    return state_dir(catalogue_path) / "local"


@contextmanager
def connect(connection: Connection, catalogue_path: Path) -> Iterator[AwsContext]:
    """The adapters for real AWS, or for the local AWS of the catalogue's folder (then the
    profile plays no part and the region defaults to us-east-1). Failing to reach AWS raises
    `AwsFailure` with a hint."""
    from scheduler import aws

    if connection.local:
        with connect_local(local_dir(catalogue_path), region=connection.region) as ctx:
            yield ctx
        return
    with aws.connect(profile=connection.profile, region=connection.region) as ctx:
        yield ctx


@contextmanager
def connect_local(directory: Path, *, region: str | None = None) -> Iterator[AwsContext]:
    """The adapters for the local AWS whose state is kept in `directory` (default region
    us-east-1)."""
    from scheduler import aws
    from scheduler.local import embedded

    with embedded.running(directory, region=region or embedded.LOCAL_REGION) as env:
        yield aws.context(env.session, env.account, local=True)


def reset_local(catalogue_path: Path) -> Path:
    """Wipe the local AWS state of the catalogue's folder; the folder it was kept in."""
    from scheduler.local import embedded

    target = local_dir(catalogue_path)
    embedded.reset(target)
    return target
