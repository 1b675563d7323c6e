"""The embedded local AWS of `--local`: moto running in this process, its state kept on disk.

`running(directory)` starts moto, restores the state the previous command left in
`directory/state.pickle` (or, when there is none, seeds a new local AWS: the local data), and
hands out a boto3 session whose every request is answered by moto (a request moto would not
answer is refused, never sent). On exit it saves the state (`local/state_file.py`: signed, and
written atomically) and stops moto. A lock file serialises sched processes sharing the
directory. Only local mode imports moto.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.util
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import botocore.session

from scheduler.aws.clients import new_session
from scheduler.errors import LocalAwsNotInstalled, LocalStateError, NetworkBlocked
from scheduler.local import deferred, lean_ssm, tag_search
from scheduler.local.state_file import STATE_FILE, check_folder, restore, save

if TYPE_CHECKING:
    from moto.core.config import DefaultConfig

LOCAL_ACCOUNT = "123456789012"
LOCAL_REGION = "us-east-1"
LOCK_FILE = "lock"
LOCK_WAIT_SECONDS = 30.0

MOTO_CONFIG: DefaultConfig = {
    "lambda": {"use_docker": False},
    "core": {"mock_credentials": True, "reset_boto3_session": True},
}
# What the process environment must not say while local mode runs: a profile or endpoint of
# the user's would send in-process handlers' boto3 clients elsewhere than moto, and
# MOTO_ACCOUNT_ID would move the state out of LOCAL_ACCOUNT.
_CLEARED_ENV = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "MOTO_ACCOUNT_ID")
_CLEARED_ENV_PREFIX = "AWS_ENDPOINT_URL_"

# moto backends are not thread-safe; sched's own calls take turns.
_MOTO_LOCK = threading.Lock()


@dataclass(frozen=True)
class LocalAws:
    """A running local AWS: a session answered by moto, its account and region."""

    session: boto3.Session
    account: str
    region: str
    directory: Path


Seed = Callable[[boto3.Session], object]
"""What a new local AWS starts with, created through the session it is given."""


def require_moto() -> None:
    """Raise `LocalAwsNotInstalled` unless moto can be imported: it is the `local` extra."""
    if importlib.util.find_spec("moto") is None:
        raise LocalAwsNotInstalled(
            "--local needs the local AWS (moto), which is not installed",
            "pip install 'sched[local]' (in a checkout: pip install -e '.[local]')",
        )


@contextlib.contextmanager
def running(
    directory: Path, *, region: str = LOCAL_REGION, seed: Seed | None = None
) -> Iterator[LocalAws]:
    """Start moto with the state saved in `directory`; save it back and stop moto on exit.
    When there is no saved state, `seed` first fills the new local AWS; if it fails, nothing
    is saved, so the next start seeds again."""
    require_moto()
    check_folder(directory)
    directory.mkdir(parents=True, exist_ok=True)
    with _locked(directory), _environment(region):
        from moto import mock_aws

        _one_moto_loader()
        _moto_regions_from_our_loader()
        lean_ssm.install()
        mock = mock_aws(config=MOTO_CONFIG)
        mock.start()
        changes = _ChangeTracker()
        try:
            restored = restore(directory / STATE_FILE)
            session = _session(region, changes)
            if not restored and seed is not None:
                try:
                    seed(session)
                except BaseException:
                    changes.seen = False  # a half-seeded local AWS is never saved
                    raise
            yield LocalAws(session, LOCAL_ACCOUNT, region, directory)
        finally:
            try:
                if changes.seen:
                    save(directory / STATE_FILE)
            finally:
                deferred.forget()
                lean_ssm.remove()
                mock.stop()


def _one_moto_loader() -> None:
    """moto reads the model of each service it answers with a loader of its own, made for that
    service (`moto.core.utils.create_loader`), and each new loader walks botocore's ~400 service
    folders again (~50 ms): one loader serves them all."""
    from moto.core import loaders, utils

    if utils.create_loader is loaders.create_loader:  # type: ignore[attr-defined]
        utils.create_loader = functools.cache(loaders.create_loader)  # type: ignore[attr-defined]


def _moto_regions_from_our_loader() -> None:
    """moto lists the regions of each service's backends through a boto3 session of its own
    (`AccountSpecificBackend.get_session`), whose loader would read botocore's endpoints and
    every model a second time (~0.2 s of a local plan): it gets a session on sched's loader."""
    from moto.core.base_backend import AccountSpecificBackend

    AccountSpecificBackend.get_session = staticmethod(_regions_session)  # type: ignore[method-assign,assignment]


@functools.cache
def _regions_session() -> boto3.Session:
    return new_session()


@contextlib.contextmanager
def enforcing_iam() -> Iterator[None]:
    """While open, moto checks every request against the IAM policies of the caller's access
    key, as AWS does (moto's access control, `INITIAL_NO_AUTH_ACTION_COUNT`); sched's own calls
    are made outside it."""
    from moto import settings
    from moto.core.authorization import ActionAuthenticatorMixin

    saved = settings.INITIAL_NO_AUTH_ACTION_COUNT
    settings.INITIAL_NO_AUTH_ACTION_COUNT = 0
    ActionAuthenticatorMixin.request_count = 0
    try:
        yield
    finally:
        settings.INITIAL_NO_AUTH_ACTION_COUNT = saved


def reset(directory: Path) -> None:
    """Forget everything local mode created under `directory`."""
    check_folder(directory)
    if not directory.exists():
        return
    with _locked(directory):
        for name in os.listdir(directory):
            if name == LOCK_FILE:
                continue
            path = directory / name
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()


# ---- the session ----------------------------------------------------------------------------


class _ChangeTracker:
    """Notes whether any call may have changed the state (anything but a read)."""

    def __init__(self) -> None:
        self.seen = False

    def __call__(self, model: Any = None, **_: Any) -> None:
        if model is not None and not model.name.startswith(("Get", "List", "Describe", "Filter")):
            self.seen = True


def _session(region: str, changes: _ChangeTracker) -> boto3.Session:
    # A botocore session that ignores AWS_PROFILE: the user's profiles play no part here.
    core = botocore.session.Session(session_vars={"profile": (None, None, None, None)})
    session = new_session(
        core,
        aws_access_key_id="sched-local",
        aws_secret_access_key="sched-local",
        region_name=region,
    )
    # botocore calls every before-send handler: moto's own (registered for every session while
    # moto is imported) would answer each request a second time, so it is swapped for ours.
    from moto.core.models import botocore_stubber

    session.events.unregister("before-send", botocore_stubber)  # type: ignore[arg-type]
    session.events.register_first("before-send", _answer_with_moto)
    session.events.register("before-call.*.*", changes)
    return session


def _answer_with_moto(request: Any, event_name: str = "", **_: Any) -> Any:
    """Answer every request of a local session from moto, one at a time; refuse the rest."""
    from moto.core.models import botocore_stubber

    with _MOTO_LOCK:
        if tag_search.is_tag_search(request):
            tag_search.load_what_it_covers(request)
        response = botocore_stubber(event_name, request)
    if response is None:
        raise NetworkBlocked(
            f"local mode refused a request to {request.url}: the embedded AWS does not answer it",
            "this is a bug in sched; run the command without --local, or report it",
        )
    return response


@contextlib.contextmanager
def _environment(region: str) -> Iterator[None]:
    """The process environment local mode runs in; restored afterwards."""
    saved = dict(os.environ)
    for name in list(os.environ):
        if name in _CLEARED_ENV or name.startswith(_CLEARED_ENV_PREFIX):
            del os.environ[name]
    os.environ["AWS_DEFAULT_REGION"] = region
    os.environ["AWS_REGION"] = region
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


# ---- the lock -------------------------------------------------------------------------------


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """Hold `directory/lock` exclusively; wait up to LOCK_WAIT_SECONDS for another process."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock between processes
        yield
        return
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / LOCK_FILE, "a+b") as handle:
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise LocalStateError(
                        f"the local AWS in {directory} is in use by another sched process",
                        "wait for it to finish, then run the command again",
                    ) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
