"""Local mode: moto in process, its state kept in a directory between separate connections and
separate processes, written atomically, never reaching the network."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest
from aws_support import (
    CATALOGUE,
    compile_for,
    load_catalogue,
    read_back,
    without_dead_letters,
    without_job,
    write_catalogue,
)

from scheduler.app import connect as app_connect
from scheduler.app import deploy as app_deploy
from scheduler.app.connect import connect_local
from scheduler.apply import apply_plan
from scheduler.local import embedded as local
from scheduler.local import state_file
from scheduler.local.embedded import reset as reset_local
from scheduler.plan import make_plan

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
# Without the `function:` job: its existing function exists only in the moto fixture.
LOCAL_CATALOGUE = without_dead_letters(without_job(CATALOGUE, "legacy"))

SCRIPT = """\
import sys
from pathlib import Path

sys.path.insert(0, sys.argv[4])
from aws_support import compile_for, load_catalogue, read_back

from scheduler.app.connect import connect_local
from scheduler.apply import apply_plan
from scheduler.plan import make_plan

command, state, path = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
with connect_local(state) as aws:
    desired = compile_for(load_catalogue(path), aws, path.parent / "build")
    plan = make_plan(desired, read_back(aws, "acme", desired))
    if command == "apply":
        assert apply_plan(plan, aws.writer).ok
    print(len(plan.pending), aws.account, aws.region, aws.local)
"""


def _apply_locally(state: Path, catalogue: Path) -> int:
    with connect_local(state) as aws:
        desired = compile_for(load_catalogue(catalogue), aws, catalogue.parent / "build")
        plan = make_plan(desired, read_back(aws, "acme", desired))
        assert apply_plan(plan, aws.writer).ok
        return len(plan.pending)


def _pending(state: Path, catalogue: Path) -> int:
    with connect_local(state) as aws:
        desired = compile_for(load_catalogue(catalogue), aws, catalogue.parent / "build")
        return len(make_plan(desired, read_back(aws, "acme", desired)).pending)


def test_moto_lists_each_service_s_regions_through_sched_s_loader(tmp_path: Path) -> None:
    import boto3
    from moto.core.base_backend import AccountSpecificBackend

    with connect_local(tmp_path / "local") as aws:
        aws.session.client("events").list_rules()  # moto makes the backends, with their regions
        regions_session = AccountSpecificBackend.get_session()
        ours = aws.session._session.get_component("data_loader")

        assert regions_session._session.get_component("data_loader") is ours
        for service in ("events", "lambda", "iam", "scheduler", "ssm"):
            assert regions_session.get_available_regions(
                service
            ) == boto3.Session().get_available_regions(service)


def test_the_state_persists_between_connections(tmp_path: Path) -> None:
    catalogue = write_catalogue(tmp_path, LOCAL_CATALOGUE)
    state = tmp_path / ".sched" / "local"

    assert _apply_locally(state, catalogue) == 16
    assert _pending(state, catalogue) == 0


def test_apply_then_plan_in_separate_processes_shows_no_changes(tmp_path: Path) -> None:
    catalogue = write_catalogue(tmp_path, LOCAL_CATALOGUE)
    script = tmp_path / "run.py"
    script.write_text(SCRIPT)
    state = tmp_path / ".sched" / "local"

    def run(command: str) -> str:
        done = subprocess.run(
            [sys.executable, str(script), command, str(state), str(catalogue), str(HERE)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    assert run("apply") == "16 123456789012 us-east-1 True"
    assert run("plan") == "0 123456789012 us-east-1 True"


def test_reading_only_leaves_the_state_file_alone(tmp_path: Path) -> None:
    catalogue = write_catalogue(tmp_path, LOCAL_CATALOGUE)
    state = tmp_path / "local"
    _apply_locally(state, catalogue)
    before = os.stat(state / state_file.STATE_FILE)

    _pending(state, catalogue)

    after = os.stat(state / state_file.STATE_FILE)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_reset_forgets_everything(tmp_path: Path) -> None:
    catalogue = write_catalogue(tmp_path, LOCAL_CATALOGUE)
    state = tmp_path / "local"
    _apply_locally(state, catalogue)

    reset_local(state)

    assert sorted(os.listdir(state)) == [local.LOCK_FILE]
    assert _pending(state, catalogue) == 16


def test_a_request_moto_does_not_answer_is_refused(tmp_path: Path) -> None:
    with local.running(tmp_path / "local") as env:
        client = env.session.client("s3", endpoint_url="http://127.0.0.1:9")
        with pytest.raises(local.NetworkBlocked) as raised:
            client.list_buckets()

    assert "http://127.0.0.1:9/" in raised.value.message


def test_the_users_profile_and_endpoint_play_no_part(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_PROFILE", "no-such-profile")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
    catalogue = write_catalogue(tmp_path, LOCAL_CATALOGUE)

    assert _apply_locally(tmp_path / "local", catalogue) == 16
    assert os.environ["AWS_PROFILE"] == "no-such-profile"
    assert os.environ["AWS_ENDPOINT_URL"] == "http://127.0.0.1:9"


def test_the_invoker_queues_an_event(tmp_path: Path) -> None:
    catalogue = write_catalogue(tmp_path, LOCAL_CATALOGUE)
    state = tmp_path / "local"
    _apply_locally(state, catalogue)

    with connect_local(state) as aws:
        request_id = aws.invoker.invoke_async("acme-backup", json.dumps({"input": {}}))

    assert isinstance(request_id, str) and len(request_id) > 10


def test_a_damaged_state_says_how_to_start_again(tmp_path: Path) -> None:
    state = tmp_path / "local"
    state.mkdir()
    (state / state_file.STATE_FILE).write_bytes(b"not a pickle")

    with pytest.raises(local.LocalStateError) as raised, connect_local(state):
        pass

    assert raised.value.message.startswith(f"the local AWS state {state / state_file.STATE_FILE}")
    assert "sched local reset" in raised.value.hint


def test_a_state_others_can_write_is_not_loaded(tmp_path: Path) -> None:
    catalogue = write_catalogue(tmp_path, LOCAL_CATALOGUE)
    state = tmp_path / "local"
    _apply_locally(state, catalogue)
    (state / state_file.STATE_FILE).chmod(0o666)

    with pytest.raises(local.LocalStateError) as raised, connect_local(state):
        pass

    assert raised.value.message.startswith("refusing to load")


def test_a_failed_save_keeps_the_previous_state(tmp_path: Path) -> None:
    catalogue = write_catalogue(tmp_path, LOCAL_CATALOGUE)
    state = tmp_path / "local"
    _apply_locally(state, catalogue)
    saved = (state / state_file.STATE_FILE).read_bytes()

    with pytest.raises(TypeError), local.running(state) as env:
        from moto.logs.models import logs_backends

        env.session.client("logs").create_log_group(logGroupName="g")
        # Something that cannot be pickled, as an interrupted save would leave things.
        logs_backends[env.account][env.region].groups["g"].unpicklable = (x for x in ())

    assert (state / state_file.STATE_FILE).read_bytes() == saved
    assert sorted(os.listdir(state)) == sorted([local.LOCK_FILE, state_file.STATE_FILE])


def test_each_request_is_answered_once(tmp_path: Path) -> None:
    with local.running(tmp_path / "local") as env:
        logs = env.session.client("logs")
        logs.create_log_group(logGroupName="g")
        logs.create_log_stream(logGroupName="g", logStreamName="s")
        logs.put_log_events(
            logGroupName="g",
            logStreamName="s",
            logEvents=[{"timestamp": int(time.time() * 1000), "message": "m"}],
        )
        events = logs.get_log_events(logGroupName="g", logStreamName="s")["events"]

    assert [e["message"] for e in events] == ["m"]


BESIDE = """\
catalogue: acme
jobs:
  tick:
    schedule: rate(1 hour)
    expected_runtime: 1m
    handler: h.py:main
"""


def test_a_handler_beside_the_catalogue_plans_nothing_after_apply(tmp_path: Path) -> None:
    # The handler's folder is the project's: local state and builds under .sched/, a git
    # checkout, environments, secrets.
    (tmp_path / "h.py").write_text("def main(event, context):\n    return 1\n")
    path = tmp_path / "jobs.yaml"
    path.write_text(BESIDE)
    for folder in (".git", ".venv", "venv", "node_modules", "__pycache__", "lib"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "x.py").write_text("X = 1\n")
    (tmp_path / ".env").write_text("SECRET=1\n")
    catalogue = load_catalogue(path)
    connection = app_connect.Connection(local=True)

    with app_connect.connect(connection, path) as aws:
        planned = app_deploy.plan(catalogue, aws)
        assert apply_plan(planned.plan, aws.writer).ok
    with app_connect.connect(connection, path) as aws:
        assert app_deploy.plan(catalogue, aws).plan.pending == ()

    with zipfile.ZipFile(app_connect.state_dir(path) / "build" / "tick.zip") as archive:
        assert archive.namelist() == [
            "h.py",
            "jobs.yaml",
            "lib/x.py",
            "sched_runtime/__init__.py",
            "sched_runtime/contract.py",
            "sched_runtime/wrapper.py",
        ]


def test_a_role_that_does_not_exist_fails_at_once_and_says_what_it_needs(
    tmp_path: Path,
) -> None:
    role = "arn:aws:iam::123456789012:role/missing"
    (tmp_path / "h.py").write_text("def main(event, context):\n    return 1\n")
    path = tmp_path / "jobs.yaml"
    path.write_text(BESIDE + f"    role: {role}\n")
    catalogue = load_catalogue(path)
    started = time.monotonic()

    with app_connect.connect(app_connect.Connection(local=True), path) as aws:
        result = apply_plan(app_deploy.plan(catalogue, aws).plan, aws.writer)

    # moto has no IAM propagation to wait for: no retries (they would take 39 s).
    assert time.monotonic() - started < 10
    assert [str(f.change) for f in result.failed] == ["create function acme-tick"]
    error = result.failed[0].error
    assert getattr(error, "hint", "").startswith(
        f"role {role} must exist and trust lambda.amazonaws.com"
    )


def test_tables_parameters_and_secrets_persist_between_connections(tmp_path: Path) -> None:
    state = tmp_path / "local"
    with local.running(state) as env:
        env.session.client("dynamodb").create_table(
            TableName="orders",
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        env.session.client("dynamodb").put_item(TableName="orders", Item={"id": {"S": "1"}})
        env.session.client("ssm").put_parameter(Name="/a/b", Value="v", Type="SecureString")
        env.session.client("secretsmanager").create_secret(Name="a/b", SecretString="s")

    with local.running(state) as env:
        items = env.session.client("dynamodb").scan(TableName="orders")["Items"]
        ssm = env.session.client("ssm")
        parameter = ssm.get_parameter(Name="/a/b", WithDecryption=True)["Parameter"]
        # SSM's tags live in nested defaultdicts: they must still work after a restore.
        by_path = ssm.get_parameters_by_path(Path="/a")["Parameters"]
        secret = env.session.client("secretsmanager").get_secret_value(SecretId="a/b")

    assert items == [{"id": {"S": "1"}}]
    assert (parameter["Type"], parameter["Value"]) == ("SecureString", "v")
    assert [p["Name"] for p in by_path] == ["/a/b"]
    assert secret["SecretString"] == "s"


# ---- the state file is trusted only when this user's sched wrote it --------------------------


class _Planted:
    """What a crafted state would hold: loading it creates `marker`."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, ...]:
        return (open, (str(self.marker), "w"))


def _saved_state(directory: Path) -> Path:
    with local.running(directory) as env:
        env.session.client("s3").create_bucket(Bucket="kept")
    return directory / state_file.STATE_FILE


def _refusal(path: Path) -> local.LocalStateError:
    with pytest.raises(local.LocalStateError) as raised:
        state_file.restore(path)
    return raised.value


def _refused_within(path: Path, seconds: float = 10.0) -> local.LocalStateError:
    """`restore(path)` run in a thread: it must refuse, and quickly (a FIFO must not block)."""
    outcome: list[BaseException | bool] = []

    def attempt() -> None:
        try:
            outcome.append(state_file.restore(path))
        except BaseException as error:  # handed to the test thread
            outcome.append(error)

    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(seconds)
    assert outcome, f"restore({path}) still running after {seconds}s"
    assert isinstance(outcome[0], local.LocalStateError), outcome[0]
    return outcome[0]


def test_a_state_written_by_this_user_round_trips(tmp_path: Path) -> None:
    state = _saved_state(tmp_path / "local")

    with local.running(state.parent) as env:
        buckets = env.session.client("s3").list_buckets()["Buckets"]

    assert [b["Name"] for b in buckets] == ["kept"]


def test_a_crafted_state_is_refused_and_never_unpickled(tmp_path: Path) -> None:
    state = tmp_path / "local"
    state.mkdir()
    marker = tmp_path / "ran"
    payload = pickle.dumps({"format": state_file.FORMAT}) + pickle.dumps(_Planted(marker))
    for crafted in (payload, b"\0" * 32 + payload, payload + b"\0" * 32):
        (state / state_file.STATE_FILE).write_bytes(crafted)

        with pytest.raises(local.LocalStateError) as raised, connect_local(state):
            pass

        assert raised.value.message == (
            f"the local AWS state {state / state_file.STATE_FILE} cannot be read: "
            "it was not written by your sched (it comes from another user or machine, "
            "or it was altered)"
        )
        assert "sched local reset" in raised.value.hint
        assert not marker.exists()


def test_any_flipped_bit_is_refused(tmp_path: Path) -> None:
    state = _saved_state(tmp_path / "local")
    good = state.read_bytes()
    size = len(good)
    offsets = sorted(
        {
            0,
            1,
            5,
            16,
            31,
            32,
            33,
            64,
            size // 3,
            size // 2,
            size - 33,
            size - 32,
            size - 31,
            size - 2,
            size - 1,
        }
    )
    for offset in offsets:
        for bit in (0, 3, 7):
            flipped = bytearray(good)
            flipped[offset] ^= 1 << bit
            state.write_bytes(bytes(flipped))

            assert "it was not written by your sched" in _refusal(state).message, (offset, bit)

    state.write_bytes(good)
    assert state_file.restore(state) is True


def test_a_state_from_another_key_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state = _saved_state(tmp_path / "local")
    monkeypatch.setenv("SCHED_LOCAL_STATE_KEY_FILE", str(tmp_path / "other" / "key"))
    _saved_state(tmp_path / "elsewhere")  # the other user's key now exists

    assert "it was not written by your sched" in _refusal(state).message


def test_a_state_with_no_key_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # As a state saved before states were signed, or a key that was deleted.
    state = _saved_state(tmp_path / "local")
    monkeypatch.setenv("SCHED_LOCAL_STATE_KEY_FILE", str(tmp_path / "none" / "key"))

    refusal = _refusal(state)

    assert "it was not written by your sched" in refusal.message
    assert "sched local reset" in refusal.hint


def test_the_key_is_private_to_the_user(tmp_path: Path) -> None:
    _saved_state(tmp_path / "local")
    key = Path(os.environ["SCHED_LOCAL_STATE_KEY_FILE"])

    assert key.stat().st_mode & 0o777 == 0o600
    assert len(key.read_bytes()) >= 32


def test_the_key_defaults_to_the_users_state_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SCHED_LOCAL_STATE_KEY_FILE")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    assert state_file.key_file() == tmp_path / "xdg" / "sched" / "local-state.key"

    monkeypatch.delenv("XDG_STATE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert (
        state_file.key_file()
        == tmp_path / "home" / ".local" / "state" / "sched" / "local-state.key"
    )


def test_a_fifo_as_the_state_is_refused_without_blocking(tmp_path: Path) -> None:
    state = tmp_path / "local"
    state.mkdir()
    os.mkfifo(state / state_file.STATE_FILE)

    refusal = _refused_within(state / state_file.STATE_FILE)

    assert refusal.message == (
        f"the local AWS state {state / state_file.STATE_FILE} cannot be read: "
        "it is not a regular file"
    )


def test_a_directory_as_the_state_is_refused(tmp_path: Path) -> None:
    state = tmp_path / "local"
    (state / state_file.STATE_FILE).mkdir(parents=True)

    refusal = _refused_within(state / state_file.STATE_FILE)

    assert refusal.message.endswith("cannot be read: it is not a regular file")


def test_a_symlink_as_the_state_is_refused(tmp_path: Path) -> None:
    real = _saved_state(tmp_path / "real")
    state = tmp_path / "local"
    state.mkdir()
    (state / state_file.STATE_FILE).symlink_to(real)

    refusal = _refused_within(state / state_file.STATE_FILE)

    assert refusal.message.endswith("cannot be read: it is a symbolic link")


def test_a_hard_linked_state_file_is_refused(tmp_path: Path) -> None:
    state = _saved_state(tmp_path / "local")
    os.link(state, tmp_path / "elsewhere.pickle")  # another name that can change the state

    refused = _refusal(state)

    assert refused.message == (
        f"the local AWS state {state} cannot be read: it has another name (a hard link), "
        "through which it can be changed"
    )
    assert "sched local reset" in refused.hint


@pytest.mark.parametrize("linked", [".sched", ".sched/local"])
def test_a_state_folder_that_is_a_link_is_refused(tmp_path: Path, linked: str) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    repository = tmp_path / "repo"
    repository.mkdir()
    link = repository / linked
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(outside, target_is_directory=True)

    with pytest.raises(local.LocalStateError) as raised, connect_local(repository / ".sched/local"):
        pass

    assert raised.value.message == (
        f"refusing the local AWS state folder {link}: it is a link (to {outside})"
    )
    assert raised.value.hint == (
        f"remove the link {link}; sched then keeps its local state in a folder of its own there"
    )
    assert list(outside.iterdir()) == []  # nothing written through it


def test_reset_deletes_nothing_through_a_linked_state_folder(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("someone else's")
    (tmp_path / "repo" / ".sched").mkdir(parents=True)
    link = tmp_path / "repo" / ".sched" / "local"
    link.symlink_to(outside, target_is_directory=True)

    with pytest.raises(local.LocalStateError):
        reset_local(link)

    assert [p.name for p in outside.iterdir()] == ["keep.txt"]
