"""The saved state of the embedded local AWS: moto's backends of the kept services, pickled,
written atomically (an interrupted save leaves the old state whole). A pickle runs code when
loaded, so the file is signed (HMAC-SHA256) with a key of the user's kept outside every work
tree (`key_file()`), and nothing is unpickled before the signature holds; anything but a
regular file of the user's with no other name (hard link) is refused, and so is a state folder
(`.sched/` or `.sched/local/`) that is a link, which would read and write outside the repository.
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
import stat
import sys
import threading
import weakref
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from scheduler.errors import LocalStateError
from scheduler.files import write_atomically
from scheduler.local import deferred

STATE_FILE = "state.pickle"
FORMAT = 3  # 3: each service pickled apart; 2 (still read): all in one pickle
_FORMAT_ALL_AT_ONCE = 2
KEY_FILE_ENV = "SCHED_LOCAL_STATE_KEY_FILE"
KEY_SIZE = 32
MAC_SIZE = hashlib.sha256().digest_size

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
    "sns": ("moto.sns.models", "sns_backends"),  # the alert topics
    # What the local data (local-data.yaml) creates, beside S3.
    "dynamodb": ("moto.dynamodb.models", "dynamodb_backends"),
    "ssm": ("moto.ssm.models", "ssm_backends"),
    "secretsmanager": ("moto.secretsmanager.models", "secretsmanager_backends"),
}
Entries = dict[str, list[tuple[str, str, Any]]]


def save(path: Path) -> None:
    """Write moto's state of the kept services to `path`, atomically: each service's backends
    pickled apart, so that the next command loads only those it uses (`deferred.py`)."""
    parts: dict[str, bytes] = deferred.pending()
    for key, (module_name, attribute) in BACKENDS.items():
        module = sys.modules.get(module_name)
        if module is None or key in parts:
            continue
        backends = getattr(module, attribute)
        found = [
            (account, region, backend)
            for account, per_region in backends.items()
            for region, backend in per_region.items()
        ]
        if found:
            buffer = io.BytesIO()
            _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(found)
            parts[key] = buffer.getvalue()
    body = pickle.dumps(_header(), protocol=pickle.HIGHEST_PROTOCOL)
    body += pickle.dumps(parts, protocol=pickle.HIGHEST_PROTOCOL)
    write_atomically(path, _mac(_signing_key(), body) + body)


_restored = [0]  # states this process has read; one command should read its state once


def restores() -> int:
    """How many saved states `restore` has read in this process (a command that connects twice
    pays for the state twice)."""
    return _restored[0]


def restore(path: Path) -> bool:
    """Load the state `save` wrote into the running moto; False when there is none. Nothing is
    unpickled before the file's signature is found to be this user's. The backends of a
    service whose moto module is not imported yet are loaded when it is (`deferred.py`),
    unless the state was written with another moto: then all at once, to report it now."""
    deferred.forget()
    body = _read_signed(path)
    if body is None:
        return False
    _restored[0] += 1
    stream = io.BytesIO(body)
    try:
        header = pickle.load(stream)
    except Exception as error:
        raise _unreadable(path, f"it is damaged ({error})") from error
    if not isinstance(header, dict) or header.get("format") not in (FORMAT, _FORMAT_ALL_AT_ONCE):
        raise _unreadable(path, "it was written by another version of sched")
    written = header.get("moto", "?")
    at_once = written != _moto_version()
    try:
        if header["format"] == _FORMAT_ALL_AT_ONCE:
            for key, found in pickle.load(stream).items():
                _install(importlib.import_module(BACKENDS[key][0]), key, found)
            return True
        parts: dict[str, bytes] = pickle.load(stream)
        for key, data in parts.items():
            module_name = BACKENDS[key][0]
            if at_once or module_name in sys.modules:
                _install(importlib.import_module(module_name), key, pickle.loads(data))
            else:
                deferred.defer(key, module_name, data, functools.partial(_load, path, key, data))
    except Exception as error:
        raise _unreadable(
            path, f"it was written with moto {written} (this is {_moto_version()}): {error}"
        ) from error
    return True


def _install(module: ModuleType, key: str, found: list[tuple[str, str, Any]]) -> None:
    backends = getattr(module, BACKENDS[key][1])
    for account, region, backend in found:
        backends[account][region] = backend


def _load(path: Path, key: str, data: bytes, module: ModuleType) -> None:
    """Install a deferred service's backends into its just-imported `module`."""
    try:
        found = pickle.loads(data)
    except Exception as error:
        raise _unreadable(path, f"its {key} part cannot be loaded ({error})") from error
    _install(module, key, found)


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
    if info.st_nlink > 1:
        raise _unreadable(
            path, "it has another name (a hard link), through which it can be changed"
        )
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


def check_folder(directory: Path) -> None:
    """Refuse a state folder, or the `.sched/` folder holding it, that is a symbolic link:
    state would be read from, and written to, wherever it points."""
    for folder in (directory.parent, directory):
        if folder.is_symlink():
            raise LocalStateError(
                f"refusing the local AWS state folder {folder}: it is a link (to "
                f"{os.readlink(folder)})",
                f"remove the link {folder}; sched then keeps its local state in a folder of "
                "its own there",
            )


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
