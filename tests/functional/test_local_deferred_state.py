"""The saved local AWS is loaded service by service: a command that never calls a service does
not import moto's models for it, and saves its state back untouched; SSM's load without EC2's
until EC2 is used. Each step runs in a fresh process, since a service already imported is
loaded at once."""

from __future__ import annotations

import io
import pickle
import subprocess
import sys
from pathlib import Path

from scheduler.local import embedded as local
from scheduler.local import state_file

STEP = """\
import json, sys
from pathlib import Path
from scheduler.local import embedded

step, state = sys.argv[1], Path(sys.argv[2])
with embedded.running(state) as env:
    s3, ssm = env.session.client("s3"), env.session.client("ssm")
    if step == "create":
        s3.create_bucket(Bucket="first")
        ssm.put_parameter(Name="/app/host", Value="db.local", Type="String")
    elif step == "s3 only":
        s3.create_bucket(Bucket="second")
    buckets = sorted(b["Name"] for b in s3.list_buckets()["Buckets"])
    value = ssm.get_parameter(Name="/app/host")["Parameter"]["Value"] if step == "read" else None
    ssm_loaded, ec2_loaded = "moto.ssm.models" in sys.modules, "moto.ec2" in sys.modules
print(json.dumps([buckets, ssm_loaded, ec2_loaded, value]))
"""


def _step(step: str, state: Path) -> str:
    done = subprocess.run(
        [sys.executable, "-c", STEP, step, str(state)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_service_left_uncalled_is_not_loaded_and_is_saved_back_as_it_was(
    tmp_path: Path,
) -> None:
    state = tmp_path / "local"

    assert _step("create", state) == '[["first"], true, false, null]'
    assert _step("s3 only", state) == '[["first", "second"], false, false, null]'
    assert _step("read", state) == '[["first", "second"], true, false, "db.local"]'


COMMAND = """\
import json, sys
from pathlib import Path
from scheduler.local import embedded

with embedded.running(Path(sys.argv[1])) as env:
    ssm, ec2 = env.session.client("ssm"), env.session.client("ec2")
    ssm.put_parameter(Name="/app/host", Value="db.local", Type="String")
    before = "moto.ec2" in sys.modules
    image = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    instance = ec2.run_instances(
        ImageId=image, MinCount=1, MaxCount=1,
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "role", "Value": "web"}]}],
    )["Instances"][0]["InstanceId"]
    sent = ssm.send_command(
        DocumentName="AWS-RunShellScript", Parameters={"commands": ["true"]},
        Targets=[{"Key": "tag:role", "Values": ["web"]}],
    )["Command"]
print(json.dumps([before, sent["InstanceIds"] == [instance]]))
"""


def test_ssm_loaded_without_ec2_still_sends_a_command_to_the_instances_ec2_holds(
    tmp_path: Path,
) -> None:
    done = subprocess.run(
        [sys.executable, "-c", COMMAND, str(tmp_path / "local")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    # EC2 was not loaded with SSM; SendCommand's targets were looked up in the EC2 since used.
    assert done.stdout.strip() == "[false, true]"


def test_a_state_saved_all_in_one_pickle_is_still_read(tmp_path: Path) -> None:
    state = tmp_path / "local"
    with local.running(state) as env:
        env.session.client("s3").create_bucket(Bucket="kept")
        from moto.s3.models import s3_backends

        # What sched wrote before services were saved apart (format 2).
        found = [(a, r, b) for a, regions in s3_backends.items() for r, b in regions.items()]
        entries = {"s3": found}
        buffer = io.BytesIO()
        pickle.dump({"format": 2, "moto": state_file._moto_version()}, buffer)
        state_file._Pickler(buffer).dump(entries)
    body = buffer.getvalue()
    (state / state_file.STATE_FILE).write_bytes(
        state_file._mac(state_file._signing_key(), body) + body
    )

    with local.running(state) as env:
        buckets = env.session.client("s3").list_buckets()["Buckets"]

    assert [b["Name"] for b in buckets] == ["kept"]


TAGS = """\
import io, json, sys, zipfile
from pathlib import Path
from scheduler.local import embedded

step, state = sys.argv[1], Path(sys.argv[2])
with embedded.running(state) as env:
    if step == "create":
        iam, ssm = env.session.client("iam"), env.session.client("ssm")
        role = iam.create_role(RoleName="r", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        code = io.BytesIO()
        with zipfile.ZipFile(code, "w") as archive:
            archive.writestr("handler.py", "def main(event, context): pass")
        env.session.client("lambda").create_function(
            FunctionName="f", Runtime="python3.12", Role=role, Handler="handler.main",
            Code={"ZipFile": code.getvalue()}, Tags={"managed-by": "sched"},
        )
        ssm.put_parameter(Name="/p", Value="v", Type="String", Tags=[{"Key": "k", "Value": "v"}])
    pages = env.session.client("resourcegroupstaggingapi").get_resources(
        TagFilters=[{"Key": "managed-by", "Values": ["sched"]}],
        ResourceTypeFilters=["lambda:function"],
    )
    found = [m["ResourceARN"].rpartition(":")[2] for m in pages["ResourceTagMappingList"]]
print(json.dumps([found, "moto.ssm.models" in sys.modules]))
"""


def test_a_tag_search_in_a_new_process_sees_the_saved_services_it_covers_only(
    tmp_path: Path,
) -> None:
    state = tmp_path / "local"

    def step(name: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", TAGS, name, str(state)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    assert step("create") == '[["f"], true]'
    # Lambda was never called in this process: the search loads it, and leaves SSM unloaded.
    assert step("search") == '[["f"], false]'
