"""Where AWS is: the embedded local one (moto, state under `.sched/local/` beside the catalogue,
or `.sched/local-<environment>/`, created with the data of `local-data.yaml` beside it) or a
real account through boto3's chain, which an environment's account guards (`WrongAccount`).
`connect` yields the adapters of `scheduler.aws` for either; boto3 and moto are imported only
when a command connects.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from scheduler.errors import UsageError, WrongAccount
from scheduler.files import write_atomically
from scheduler.local.state_file import STATE_FILE

if TYPE_CHECKING:
    from scheduler.aws import AwsContext
    from scheduler.catalogue.model import Environment
    from scheduler.local_data.model import LocalData

STATE_DIR = ".sched"
LOCAL_PREFIX = "local-"
ACCOUNT_FILE = "account"  # beside an environment's local AWS: the account it declares


@dataclass(frozen=True)
class Connection:
    """Where AWS is: the embedded local one (moto) or a real account through boto3's chain."""

    local: bool = False
    profile: str | None = None
    region: str | None = None
    # The catalogue's environment: its own local state, and on AWS its account, which the
    # credentials must be for (None: any account).
    environment: str | None = None
    account: str | None = None
    # Locally, the account the environment declares: noted in its local AWS's folder, so that
    # after a rename of the environment its old folder is known for the same account's.
    local_account: str | None = None

    @classmethod
    def from_options(
        cls,
        local: bool,
        profile: str | None,
        region: str | None,
        environment: Environment | str | None = None,
    ) -> Connection:
        """The connection the options ask for; an environment (as declared) brings its account
        and its region, which a different --region may not override on AWS."""
        env_local = os.environ.get("SCHED_LOCAL", "").lower() in ("1", "true", "yes")
        local = local or env_local
        if environment is None or isinstance(environment, str):
            return cls(local=local, profile=profile, region=region, environment=environment)
        if not local and region and region != environment.region:
            raise UsageError(
                f'environment "{environment.name}" is deployed to {environment.region}, '
                f"not {region}",
                "leave out --region (and AWS_REGION): the environment's region is used",
            )
        return cls(
            local=local,
            profile=profile,
            region=region if local and region else environment.region,
            environment=environment.name,
            account=None if local else environment.account,
            local_account=environment.account if local else None,
        )


def lambda_endpoint() -> str | None:
    """The endpoint boto3 sends Lambda calls to when not AWS's (an emulator), else None.

    The service's own variable wins over the global one:
    https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html
    """
    return os.environ.get("AWS_ENDPOINT_URL_LAMBDA") or os.environ.get("AWS_ENDPOINT_URL") or None


def state_dir(catalogue_path: Path) -> Path:
    return catalogue_path.resolve().parent / STATE_DIR


def local_dir(catalogue_path: Path, environment: str | None = None) -> Path:
    """The local AWS of the catalogue's folder; each environment has one of its own."""
    name = "local" if environment is None else f"{LOCAL_PREFIX}{environment}"
    return state_dir(catalogue_path) / name


def local_data_file(catalogue_path: Path) -> Path:
    """The file declaring the data a new local AWS starts with (it need not exist)."""
    from scheduler.local_data.place import data_file_beside

    return data_file_beside(catalogue_path)


@contextmanager
def connect(connection: Connection, catalogue_path: Path) -> Iterator[AwsContext]:
    """The adapters for real AWS, or for the local AWS of the catalogue's folder (then the
    profile plays no part and the region defaults to us-east-1). Failing to reach AWS raises
    `AwsFailure` with a hint."""
    from scheduler import aws

    if connection.local:
        directory = local_dir(catalogue_path, connection.environment)
        with connect_local(
            directory, region=connection.region, data_file=local_data_file(catalogue_path)
        ) as ctx:
            _note_account(directory, connection.local_account)
            yield ctx
        return
    with aws.connect(profile=connection.profile, region=connection.region) as ctx:
        if connection.account is not None and ctx.account != connection.account:
            raise WrongAccount(
                f'environment "{connection.environment}" is deployed to account '
                f"{connection.account}, but these credentials are for account {ctx.account}; "
                "nothing was read or changed",
                f"use credentials of account {connection.account} (--profile, AWS_PROFILE), or "
                "the environment of this account with --env",
            )
        yield ctx


def _note_account(directory: Path, account: str | None) -> None:
    path = directory / ACCOUNT_FILE
    if account is not None and noted_account(directory) != account:
        write_atomically(path, f"{account}\n".encode())


def noted_account(directory: Path) -> str | None:
    """The account the environment of the local AWS in `directory` declared when last used
    (None: not noted, by a sched before it noted it, or without an environment)."""
    try:
        return (directory / ACCOUNT_FILE).read_text().strip() or None
    except (FileNotFoundError, NotADirectoryError):
        return None


def older_local_dirs(
    catalogue_path: Path, connection: Connection, declared: Collection[str]
) -> list[tuple[str | None, Path]]:
    """Locally, the other local AWSs of the catalogue's folder that may hold an older name of
    the connection's environment, each with its environment's name: the folder's before the
    catalogue had environments (`.sched/local/`), and that of each environment the catalogue no
    longer `declared`s (renamed) that was for the same account, or did not say. Only those
    with a saved state; none without an environment."""
    if not connection.local or connection.environment is None:
        return []
    found: list[tuple[str | None, Path]] = []
    base = state_dir(catalogue_path)
    if (local_dir(catalogue_path) / STATE_FILE).is_file():
        found.append((None, local_dir(catalogue_path)))
    for folder in sorted(base.glob(f"{LOCAL_PREFIX}*")) if base.is_dir() else ():
        name = folder.name.removeprefix(LOCAL_PREFIX)
        if name in declared or name == connection.environment:
            continue
        noted = noted_account(folder)
        if noted not in (None, connection.local_account) or not (folder / STATE_FILE).is_file():
            continue
        found.append((name, folder))
    return found


@contextmanager
def connect_local(
    directory: Path, *, region: str | None = None, data_file: Path | None = None
) -> Iterator[AwsContext]:
    """The adapters for the local AWS whose state is kept in `directory` (default region
    us-east-1). When there is no state yet, the new local AWS is first loaded with the data
    `data_file` declares (if it exists); a bad file raises `LocalDataInvalid`."""
    from scheduler import aws
    from scheduler.local import data, embedded

    seed = None if data_file is None else functools.partial(data.load_file, path=data_file)
    with embedded.running(directory, region=region or embedded.LOCAL_REGION, seed=seed) as env:
        yield aws.context(env.session, env.account, local=True)


@dataclass(frozen=True)
class LocalReset:
    """What `sched local reset` did: the folder wiped, and the data the new local AWS was
    loaded with (None when there is no local data file)."""

    directory: Path
    data_file: Path
    loaded: LocalData | None


def reset_local(catalogue_path: Path, environment: str | None = None) -> LocalReset:
    """Wipe the local AWS state of the catalogue's folder (of its `environment`) and create it
    anew with the local data. The data file is checked first: when it is bad, nothing is wiped."""
    from scheduler.local import data, embedded
    from scheduler.local_data.read import read_local_data

    target = local_dir(catalogue_path, environment)
    data_file = local_data_file(catalogue_path)
    loaded = read_local_data(data_file)
    embedded.require_moto()  # before wiping: a reset that cannot start again must not start
    embedded.reset(target)
    if loaded is not None:
        seed = functools.partial(data.load, data=loaded)
        with embedded.running(target, seed=seed):
            pass
    return LocalReset(target, data_file, loaded)
