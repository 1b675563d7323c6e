"""The embedded local AWS of `--local`: moto running in this process, its state kept on disk.

`running(directory)` starts moto, restores the state the previous command left in
`directory/state.pickle` (or, when there is none, seeds a new local AWS: the local data), and
hands out a boto3 session whose every request is answered by moto (a request moto would not
answer is refused, never sent). On exit it saves the state (written to a temporary file, then
renamed, so an interrupted save leaves the old state whole) and stops moto. The state is a
pickle, which runs code when loaded, so it is signed with a key of the user's kept outside every
work tree (`key_file()`) and loaded only when the signature holds. A lock file serialises sched
processes sharing the directory. Only local mode imports moto.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import hashlib
import hmac
import importlib
import io
import os
import pickle
import secrets
import shutil
import stat
import sys
import threading
import time
import weakref
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import boto3
import botocore.session

from scheduler.aws.clients import new_session
from scheduler.errors import LocalStateError, NetworkBlocked
from scheduler.files import write_atomically

if TYPE_CHECKING:
    from moto.core.config import DefaultConfig

LOCAL_ACCOUNT = "123456789012"
LOCAL_REGION = "us-east-1"
STATE_FILE = "state.pickle"
LOCK_FILE = "lock"
FORMAT = 2  # 2: the file starts with the HMAC-SHA256 of the rest
KEY_FILE_ENV = "SCHED_LOCAL_STATE_KEY_FILE"
KEY_SIZE = 32
MAC_SIZE = hashlib.sha256().digest_size
LOCK_WAIT_SECONDS = 30.0

# The moto backends local mode keeps (import path, attribute); a backend whose module was never
# imported holds nothing and is skipped. Lambda runs without Docker ("simple" backend).
BACKENDS = {
    "iam": ("moto.iam.models", "iam_backends"),
    "lambda": ("moto.awslambda.models", "lambda_backends"),
    "lambda_simple": ("moto.awslambda_simple.models", "lambda_simple_backends"),
    "events": ("moto.events.models", "events_backends"),
    "scheduler": ("moto.scheduler.models", "scheduler_backends"),
    "logs": ("moto.logs.models", "logs_backends"),
    "s3": ("moto.s3.models", "s3_backends"),
    "sqs": ("moto.sqs.models", "sqs_backends"),
    # What the local data (local-data.yaml) creates, beside S3.
    "dynamodb": ("moto.dynamodb.models", "dynamodb_backends"),
    "ssm": ("moto.ssm.models", "ssm_backends"),
    "secretsmanager": ("moto.secretsmanager.models", "secretsmanager_backends"),
}
MOTO_CONFIG: DefaultConfig = {
    "lambda": {"use_docker": False},
    "core": {"mock_credentials": True, "reset_boto3_session": True},
}
# What the process environment must not say while local mode runs: a profile or endpoint of
# the user's would send in-process handlers' boto3 clients elsewhere than moto, and
# MOTO_ACCOUNT_ID would move the state out of LOCAL_ACCOUNT.
_CLEARED_ENV = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "MOTO_ACCOUNT_ID")
_CLEARED_ENV_PREFIX = "AWS_ENDPOINT_URL_"

Entries = dict[str, list[tuple[str, str, Any]]]

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


@contextlib.contextmanager
def running(
    directory: Path, *, region: str = LOCAL_REGION, seed: Seed | None = None
) -> Iterator[LocalAws]:
    """Start moto with the state saved in `directory`; save it back and stop moto on exit.
    When there is no saved state, `seed` first fills the new local AWS; if it fails, nothing
    is saved, so the next start seeds again."""
    directory.mkdir(parents=True, exist_ok=True)
    with _locked(directory), _environment(region):
        from moto import mock_aws

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
                mock.stop()


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


# ---- the state file -------------------------------------------------------------------------


def save(path: Path) -> None:
    """Write moto's state of the kept services to `path`, atomically."""
    entries: Entries = {}
    for key, (module_name, attribute) in BACKENDS.items():
        module = sys.modules.get(module_name)
        if module is None:
            continue
        backends = getattr(module, attribute)
        found = [
            (account, region, backend)
            for account, per_region in backends.items()
            for region, backend in per_region.items()
        ]
        if found:
            entries[key] = found
    buffer = io.BytesIO()
    pickle.dump(_header(), buffer, protocol=pickle.HIGHEST_PROTOCOL)
    _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(entries)
    body = buffer.getvalue()
    write_atomically(path, _mac(_signing_key(), body) + body)


def restore(path: Path) -> bool:
    """Load the state `save` wrote into the running moto; False when there is none. Nothing is
    unpickled before the file's signature is found to be this user's."""
    body = _read_signed(path)
    if body is None:
        return False
    stream = io.BytesIO(body)
    try:
        header = pickle.load(stream)
    except Exception as error:
        raise _unreadable(path, f"it is damaged ({error})") from error
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise _unreadable(path, "it was written by another version of sched")
    try:
        entries: Entries = pickle.load(stream)
    except Exception as error:
        written = header.get("moto", "?")
        raise _unreadable(
            path, f"it was written with moto {written} (this is {_moto_version()}): {error}"
        ) from error
    for key, found in entries.items():
        module_name, attribute = BACKENDS[key]
        backends = getattr(importlib.import_module(module_name), attribute)
        for account, region, backend in found:
            backends[account][region] = backend
    return True


def _header() -> dict[str, object]:
    return {"format": FORMAT, "moto": _moto_version(), "python": sys.version_info[:2]}


def _moto_version() -> str:
    import moto

    return str(moto.__version__)


def _unreadable(path: Path, why: str) -> LocalStateError:
    return LocalStateError(
        f"the local AWS state {path} cannot be read: {why}",
        f"run `sched local reset` (or delete {path.parent}) to start again from an empty local AWS",
    )


def _check_owner(path: Path, info: os.stat_result) -> None:
    """Only load the user's own file, which no one else can change."""
    if not hasattr(os, "getuid"):
        return
    if info.st_uid != os.getuid() or info.st_mode & 0o022:
        raise LocalStateError(
            f"refusing to load {path}: it is not owned by you or others can write to it",
            f"delete {path.parent} (local mode starts afresh)",
        )


# Opening never follows a link nor waits (a FIFO's open blocks until a writer comes).
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_CLOEXEC", 0)
)


def _read_signed(path: Path) -> bytes | None:
    """What follows the signature of the state file at `path`, once the signature is checked;
    None when there is no file. Anything but a regular file is refused unopened, a file that
    is not the user's alone unread."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(info.st_mode):
        raise _unreadable(path, "it is a symbolic link")
    if not stat.S_ISREG(info.st_mode):
        raise _unreadable(path, "it is not a regular file")
    try:
        fd = os.open(path, _OPEN_FLAGS)
    except OSError as error:
        raise _unreadable(path, f"it cannot be opened ({error.strerror})") from error
    with os.fdopen(fd, "rb") as stream:
        opened = os.fstat(fd)
        if (opened.st_dev, opened.st_ino) != (info.st_dev, info.st_ino):
            raise _unreadable(path, "it was replaced while being opened")
        _check_owner(path, opened)
        data = stream.read()
    key = _read_key(key_file())
    mac, body = data[:MAC_SIZE], data[MAC_SIZE:]
    if key is None or not hmac.compare_digest(mac, _mac(key, body)):
        raise _unreadable(
            path,
            "it was not written by your sched (it comes from another user or machine, "
            "or it was altered)",
        )
    return body


def _mac(key: bytes, body: bytes) -> bytes:
    return hmac.new(key, body, hashlib.sha256).digest()


# ---- the key --------------------------------------------------------------------------------


def key_file() -> Path:
    """Where the user's key signing local states is kept: `SCHED_LOCAL_STATE_KEY_FILE`, else
    the XDG state folder (https://specifications.freedesktop.org/basedir-spec/latest/), never
    inside a work tree, so that no checkout can bring a key with its state."""
    named = os.environ.get(KEY_FILE_ENV)
    if named:
        return Path(named)
    # The spec: a relative XDG_STATE_HOME is invalid and is ignored.
    base = os.environ.get("XDG_STATE_HOME", "")
    root = Path(base) if os.path.isabs(base) else Path.home() / ".local" / "state"
    return root / "sched" / "local-state.key"


def _signing_key() -> bytes:
    """The user's key, made on first use. A new key is written in full under another name and
    then linked into place, so no process reads half of one."""
    path = key_file()
    key = _read_key(path)
    if key is not None:
        return key
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    scratch = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
    fd = os.open(scratch, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(secrets.token_bytes(KEY_SIZE))
            stream.flush()
            os.fsync(stream.fileno())
        with contextlib.suppress(FileExistsError):  # another process made one first: use it
            os.link(scratch, path)
    finally:
        os.unlink(scratch)
    made = _read_key(path)
    if made is None:  # deleted as soon as it was made
        raise _bad_key(path, "it disappeared as it was made")
    return made


def _read_key(path: Path) -> bytes | None:
    try:
        fd = os.open(path, _OPEN_FLAGS & ~getattr(os, "O_NOFOLLOW", 0))
    except FileNotFoundError:
        return None
    except OSError as error:
        raise _bad_key(path, f"it cannot be opened ({error.strerror})") from error
    with os.fdopen(fd, "rb") as stream:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _bad_key(path, "it is not a regular file")
        if hasattr(os, "getuid") and (info.st_uid != os.getuid() or info.st_mode & 0o077):
            raise _bad_key(path, "it is not yours alone (it must be yours, mode 600)")
        key = stream.read(KEY_SIZE + 1)
    if len(key) != KEY_SIZE:
        raise _bad_key(path, f"it does not hold a key of {KEY_SIZE} bytes")
    return key


def _bad_key(path: Path, why: str) -> LocalStateError:
    return LocalStateError(
        f"the key signing local AWS states {path} cannot be used: {why}",
        f"delete {path} (then run `sched local reset`: states it signed are refused), "
        f"or set {KEY_FILE_ENV} to another file",
    )


def _rebuild_weak_values(items: dict[Any, Any]) -> weakref.WeakValueDictionary[Any, Any]:
    mapping: weakref.WeakValueDictionary[Any, Any] = weakref.WeakValueDictionary()
    mapping.update(items)
    return mapping


def _rebuild_defaultdict(
    factory: Callable[[], Any], items: dict[Any, Any]
) -> defaultdict[Any, Any]:
    return defaultdict(factory, items)


def _copier(empty: object) -> Callable[[], Any]:
    """A picklable factory building copies of `empty`."""
    return functools.partial(copy.deepcopy, empty)


def _rebuild_defaultdict_subclass(
    cls: type[defaultdict[Any, Any]],
    factory: Callable[[], Any] | None,
    items: dict[Any, Any],
    attributes: dict[str, Any],
) -> defaultdict[Any, Any]:
    mapping = cls.__new__(cls)
    defaultdict.__init__(mapping, factory)
    mapping.__dict__.update(attributes)
    dict.update(mapping, items)
    return mapping


_LOCK_TYPES = (type(threading.Lock()), type(threading.RLock()))


class _Pickler(pickle.Pickler):
    """Pickles what moto's models hold that plain pickle refuses: locks (made anew), weak
    value dictionaries (kept as their items), defaultdicts with lambda factories, and
    subclasses of defaultdict whose `__init__` takes other arguments (SSM's ParameterDict):
    defaultdict's own pickling calls `cls(factory)` and drops their attributes."""

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, _LOCK_TYPES):
            return (threading.RLock if "RLock" in type(obj).__name__ else threading.Lock), ()
        if isinstance(obj, weakref.WeakValueDictionary):
            return _rebuild_weak_values, (dict(obj),)
        factory = getattr(obj, "default_factory", None)
        if type(obj) is defaultdict and getattr(factory, "__name__", "") == "<lambda>":
            # moto's factories build empty containers (`lambda: {}`): their type stands in for
            # them, or, for a nested one (`lambda: defaultdict(dict)`, SSM's tags), a copy of
            # the container they build.
            empty = factory()  # type: ignore[misc]
            made = type(empty) if type(empty) in (dict, list, set) else _copier(empty)
            return _rebuild_defaultdict, (made, dict(obj))
        if isinstance(obj, defaultdict) and type(obj) is not defaultdict:
            return _rebuild_defaultdict_subclass, (
                type(obj),
                factory,
                dict(obj),
                getattr(obj, "__dict__", {}),
            )
        return NotImplemented


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
