"""Compiling `alerts:`: the email channels' topics and the watcher (role, function, rule, target,
permission), its least-privilege role, and no watcher at all when no job alerts."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from run_support import catalogue, job

from scheduler import naming, package
from scheduler.catalogue.model import AlertRule, Alerts, Catalogue, Channel, HookKind
from scheduler.compile import compile_catalogue
from scheduler.errors import PackageError
from scheduler.package import (
    PACKAGE_ROOT,
    WATCHER_PACKAGE,
    PackageRef,
    build_watcher_package,
    watcher_sources,
)
from scheduler.resources import Function, Role, Rule, Topic
from scheduler.watch.config import config_for, to_json

ACCOUNT, REGION = "123456789012", "us-east-1"
PAGER = "arn:aws:sns:us-east-1:123456789012:pager"
ALERTS = Alerts(
    channels=(
        Channel("ops", emails=("b@example.com", "a@example.com")),
        Channel("pager", topic=PAGER),
    )
)


def _catalogue(alerts: Alerts | None = ALERTS, every: timedelta | None = None) -> Catalogue:
    base = catalogue(
        job("backup", "cron(0 2 ? * MON *)", alert=AlertRule(channels=("ops", "pager"))),
        job("quiet", "rate(1 hour)"),
    )
    if alerts is not None and every is not None:
        alerts = Alerts(alerts.channels, every)
    return Catalogue(base.name, base.path, base.policy, base.jobs, alerts)


def _packages(cat: Catalogue) -> dict[str, PackageRef]:
    refs = {j.name: PackageRef(j.name, Path(f"/b/{j.name}.zip"), "sha", 1) for j in cat.jobs}
    refs[WATCHER_PACKAGE] = PackageRef(WATCHER_PACKAGE, Path("/b/w.zip"), "wsha", 1)
    return refs


def test_the_watcher_and_the_email_topic_are_compiled_beside_the_jobs() -> None:
    cat = _catalogue()
    state = compile_catalogue(cat, account=ACCOUNT, region=REGION, packages=_packages(cat))
    watcher = "acme-ops-sched-watcher"
    names = {
        (str(r.kind), r.key_name) for r in state if "watcher" in r.key_name or r.kind == "topic"
    }
    assert names == {
        ("topic", "acme-ops-alerts-ops"),
        ("role", watcher),
        ("function", watcher),
        ("rule", watcher),
        ("target", f"{watcher}/sched"),
        ("permission", f"{watcher}/{watcher}"),
    }
    [topic] = [r for r in state if isinstance(r, Topic)]
    assert topic.emails == ("a@example.com", "b@example.com")
    assert dict(topic.tags) == {
        "managed-by": "sched",
        "sched:catalogue": "acme-ops",
        "sched:emails": naming.mark(["a@example.com", "b@example.com"]),
    }
    [rule] = [r for r in state if isinstance(r, Rule) and r.name == watcher]
    assert rule.schedule_expression == "rate(5 minutes)"
    [function] = [r for r in state if isinstance(r, Function) and r.name == watcher]
    assert (function.handler, function.code_sha256, function.retry_attempts) == (
        "sched_watcher.handler",
        "wsha",
        0,
    )
    [role] = [r for r in state if isinstance(r, Role) and r.name == watcher]
    assert role.inline_policy is not None
    statements = {s["Sid"]: s for s in json.loads(role.inline_policy)["Statement"]}
    assert statements["PublishAlerts"] == {
        "Sid": "PublishAlerts",
        "Effect": "Allow",
        "Action": ["sns:Publish"],
        "Resource": [f"arn:aws:sns:{REGION}:{ACCOUNT}:acme-ops-alerts-ops", PAGER],
    }
    logs = statements["ReadJobLogs"]["Resource"]
    group = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:/sched/acme-ops/"
    assert logs == [
        f"{group}backup",
        f"{group}backup:*",
        f"{group}sched-watcher",
        f"{group}sched-watcher:*",
    ]
    # The jobs' functions' configuration, for their SCHED_DEPLOY: only a line it wrote counts.
    assert statements["ReadJobDeployments"] == {
        "Sid": "ReadJobDeployments",
        "Effect": "Allow",
        "Action": ["lambda:GetFunctionConfiguration"],
        "Resource": [f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:acme-ops-backup"],
    }
    assert sorted(statements) == [
        "CreateOwnLogGroup",
        "PublishAlerts",
        "ReadJobDeployments",
        "ReadJobLogs",
        "WriteOwnLogs",
    ]


def test_no_alerting_job_means_no_watcher_and_a_one_minute_watch_is_singular() -> None:
    silent = _catalogue(alerts=None)
    state = compile_catalogue(silent, account=ACCOUNT, region=REGION, packages=_packages(silent))
    assert not [r for r in state if "watcher" in r.key_name or r.kind == "topic"]
    fast = _catalogue(every=timedelta(minutes=1))
    state = compile_catalogue(fast, account=ACCOUNT, region=REGION, packages=_packages(fast))
    assert [
        r.schedule_expression for r in state if isinstance(r, Rule) and "watcher" in r.name
    ] == ["rate(1 minute)"]


def test_the_watcher_zip_ships_its_code_stdlib_only_and_runs_without_site_packages(
    tmp_path: Path,
) -> None:
    config = config_for(_catalogue(), region=REGION, account=ACCOUNT)
    assert config is not None
    ref = build_watcher_package(to_json(config), tmp_path / "build")
    again = build_watcher_package(to_json(config), tmp_path / "other")
    assert ref.sha256 == again.sha256  # deterministic
    with zipfile.ZipFile(ref.path) as archive:
        names = archive.namelist()
        archive.extractall(tmp_path / "unzipped")
    assert "sched_watcher.py" in names and "sched_watch.json" in names
    assert "scheduler/watch/decide.py" in names
    assert {f"scheduler/history/{m}.py" for m in ("read", "window", "fetch", "job")} <= set(names)
    assert not [n for n in names if n.startswith(("scheduler/aws/", "scheduler/catalogue/schema"))]
    probe = (
        "import sys; sys.path[:0] = ['.']\n"
        "from pathlib import Path\n"
        "from scheduler.watch.config import from_json\n"
        "import scheduler.watch.watcher\n"
        "c = from_json(Path('sched_watch.json').read_text())\n"
        "print([j.name for j in c.jobs], sorted(m for m in sys.modules if m.split('.')[0] in"
        " ('pydantic', 'yaml', 'click', 'boto3')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", probe],
        cwd=tmp_path / "unzipped",
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.strip() == "['backup'] []"


def test_the_watcher_may_read_the_versions_of_a_versioned_job_only() -> None:
    # A versioned job's runs carry the SCHED_DEPLOY of the version `live` points at, read with
    # GetFunctionConfiguration(Qualifier="live"): a qualified ARN.
    base = catalogue(
        replace(
            job("backup", "cron(0 2 ? * MON *)", alert=AlertRule(channels=("ops",))), versions=2
        ),
        job("other", "rate(1 hour)", alert=AlertRule(channels=("ops",))),
    )
    cat = Catalogue(base.name, base.path, base.policy, base.jobs, ALERTS)
    state = compile_catalogue(cat, account=ACCOUNT, region=REGION, packages=_packages(cat))
    [role] = [r for r in state if isinstance(r, Role) and r.name == "acme-ops-sched-watcher"]
    assert role.inline_policy is not None
    statements = {s["Sid"]: s for s in json.loads(role.inline_policy)["Statement"]}
    arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:acme-ops-"
    assert statements["ReadJobDeployments"]["Resource"] == [
        f"{arn}backup",
        f"{arn}backup:*",
        f"{arn}other",
    ]


def test_a_watcher_of_fifty_groups_may_query_them_through_logs_insights() -> None:
    from scheduler.permissions import watcher_policy

    def statements(groups: int) -> dict[str, list[str]]:
        policy = watcher_policy(
            log_group="/sched/acme/sched-watcher",
            job_log_groups=[f"/sched/acme/job-{i}" for i in range(groups)],
            topics=["arn:aws:sns:us-east-1:123456789012:t"],
            region="us-east-1",
            account="123456789012",
        )
        return {s["Sid"]: s["Action"] for s in policy["Statement"]}

    few, many = statements(49), statements(50)
    assert few["ReadJobLogs"] == ["logs:FilterLogEvents"] and "ReadQueryResults" not in few
    assert many["ReadJobLogs"] == ["logs:FilterLogEvents", "logs:StartQuery"]
    assert many["ReadQueryResults"] == ["logs:GetQueryResults", "logs:StopQuery"]


def test_webhook_channels_let_the_watcher_read_only_their_secrets_and_keys() -> None:
    hooks = Alerts(
        channels=(
            Channel("chat", hook=HookKind.SLACK, secret="ssm:/acme-ops/alerts/chat"),
            Channel(
                "pager",
                hook=HookKind.WEBHOOK,
                secret="secretsmanager:acme-ops/pager#url",
                kms_key="alias/acme-secrets",
            ),
        )
    )
    base = catalogue(job("backup", "rate(1 hour)", alert=AlertRule(channels=("chat", "pager"))))
    cat = Catalogue(base.name, base.path, base.policy, base.jobs, hooks)
    state = compile_catalogue(cat, account=ACCOUNT, region=REGION, packages=_packages(cat))
    assert not [r for r in state if isinstance(r, Topic)]
    [role] = [r for r in state if isinstance(r, Role) and r.name == "acme-ops-sched-watcher"]
    assert role.inline_policy is not None
    statements = {s["Sid"]: s for s in json.loads(role.inline_policy)["Statement"]}
    assert "PublishAlerts" not in statements  # no topic to publish to
    assert statements["ReadSecretParametersHook1"] == {
        "Sid": "ReadSecretParametersHook1",
        "Effect": "Allow",
        "Action": ["ssm:GetParameter"],
        "Resource": [f"arn:aws:ssm:{REGION}:{ACCOUNT}:parameter/acme-ops/alerts/chat"],
    }
    assert statements["ReadSecretsHook2"] == {
        "Sid": "ReadSecretsHook2",
        "Effect": "Allow",
        "Action": ["secretsmanager:GetSecretValue"],
        "Resource": [f"arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:acme-ops/pager-??????"],
    }
    assert statements["DecryptSecretsHook2"] == {
        "Sid": "DecryptSecretsHook2",
        "Effect": "Allow",
        "Action": ["kms:Decrypt"],
        "Resource": [f"arn:aws:kms:{REGION}:{ACCOUNT}:key/*"],
        "Condition": {
            "StringEquals": {"kms:ViaService": [f"secretsmanager.{REGION}.amazonaws.com"]},
            "ForAnyValue:StringEquals": {"kms:ResourceAliases": ["alias/acme-secrets"]},
        },
    }
    assert sorted(statements) == [
        "CreateOwnLogGroup",
        "DecryptSecretsHook2",
        "ReadJobDeployments",
        "ReadJobLogs",
        "ReadSecretParametersHook1",
        "ReadSecretsHook2",
        "WriteOwnLogs",
    ]


def test_the_imports_found_in_a_module_are_reused_while_the_file_is_unchanged(
    tmp_path: Path,
) -> None:
    cache = tmp_path / "imports.json"
    first = watcher_sources(cache)
    decide = PACKAGE_ROOT / "watch" / "decide.py"
    stamp = [decide.stat().st_size, decide.stat().st_mtime_ns]
    document = json.loads(cache.read_text())
    assert document["files"][str(decide)][:2] == stamp
    assert watcher_sources(cache) == first

    # An entry holds only for the file as it was read: a stale one is read again.
    document["files"][str(decide)] = [stamp[0] + 1, stamp[1], ["requests"]]
    cache.write_text(json.dumps(document))
    assert watcher_sources(cache) == first

    # A current one is believed (it is what saves parsing the module again).
    document["files"][str(decide)] = [*stamp, ["requests"]]
    cache.write_text(json.dumps(document))
    with pytest.raises(PackageError) as raised:
        watcher_sources(cache)
    assert str(raised.value) == "decide.py imports requests, which Lambda does not provide"


def test_an_unreadable_imports_cache_is_rebuilt(tmp_path: Path) -> None:
    cache = tmp_path / "imports.json"
    cache.write_text("{not json")

    assert watcher_sources(cache) == watcher_sources()
    assert json.loads(cache.read_text())["version"] == 1


def test_a_watcher_reading_by_prefix_may_start_queries_on_the_catalogues_prefix() -> None:
    """Its query selects the groups under the catalogue's prefix (`SOURCE`)."""
    from scheduler.permissions import watcher_policy

    def statements(groups: int) -> dict[str, object]:
        policy = watcher_policy(
            log_group="/sched/acme/sched-watcher",
            job_log_groups=[f"/sched/acme/job-{i}" for i in range(groups)],
            topics=["arn:aws:sns:us-east-1:123456789012:t"],
            region="us-east-1",
            account="123456789012",
            catalogue="acme",
        )
        return {s["Sid"]: s for s in policy["Statement"]}

    assert "QueryJobLogs" not in statements(49)
    assert statements(50)["QueryJobLogs"] == {
        "Sid": "QueryJobLogs",
        "Effect": "Allow",
        "Action": "logs:StartQuery",
        "Resource": "arn:aws:logs:us-east-1:123456789012:log-group:/sched/acme/*",
    }
    # Past the inline policy's size the groups are allowed by that prefix already.
    many = statements(400)
    assert "QueryJobLogs" not in many
    assert (
        "arn:aws:logs:us-east-1:123456789012:log-group:/sched/acme/*"
        in many["ReadJobLogs"]["Resource"]
    )  # type: ignore[index]


def test_a_process_parses_an_unchanged_module_once_whatever_the_build_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    watcher_sources(tmp_path / "a.json")
    decide = PACKAGE_ROOT / "watch" / "decide.py"
    info = decide.stat()
    key = (str(decide), info.st_size, info.st_mtime_ns)
    assert key in package._PARSED

    # What the process found is believed by a new build folder (it is what saves the parse)...
    monkeypatch.setitem(package._PARSED, key, frozenset({"requests"}))
    with pytest.raises(PackageError) as raised:
        watcher_sources(tmp_path / "b.json")
    assert str(raised.value) == "decide.py imports requests, which Lambda does not provide"

    # ...but only for the file as it was read: another size or time is parsed again.
    monkeypatch.delitem(package._PARSED, key)
    monkeypatch.setitem(package._PARSED, (key[0], key[1] + 1, key[2]), frozenset({"requests"}))
    assert "scheduler/watch/decide.py" in watcher_sources(tmp_path / "c.json")
