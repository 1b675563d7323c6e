"""One watcher pass over in-memory logs: state read back from its own log lines, alerts
published to the channels' topics, a missed fire told once after its grace, then recovered."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from insights_fake import FakeInsights
from run_fakes import FakeDeployments, FakeLogs
from run_support import at, catalogue, group, job, ms, run_events

from scheduler.catalogue.model import AlertRule, Alerts, Channel
from scheduler.insights import InsightsReads
from scheduler.ports import LogEvent
from scheduler.watch.config import WatchConfig, config_for, from_json, to_json
from scheduler.watch.watcher import Pass, run_pass

TOPIC = "arn:aws:sns:us-east-1:123456789012:acme-ops-alerts-ops"
RULE = AlertRule(channels=("ops",), grace=timedelta(minutes=10))


@dataclass
class FakeSns:
    messages: list[tuple[str, str, str]] = field(default_factory=list)

    def publish(self, topic_arn: str, subject: str, message: str) -> str:
        self.messages.append((topic_arn, subject, message))
        return f"m{len(self.messages)}"


def _config() -> WatchConfig:
    base = catalogue(
        job("canary", "cron(0 * * * ? *)", alert=RULE),
        job("quiet", "cron(0 * * * ? *)"),
        job("off", "cron(0 * * * ? *)", alert=RULE, enabled=False),
    )
    alerts = Alerts(channels=(Channel("ops", emails=("ops@example.com",)),))
    cat = type(base)(base.name, base.path, base.policy, base.jobs, alerts)
    config = config_for(cat, region="us-east-1", account="123456789012")
    assert config is not None
    return config


def _pass(config: WatchConfig, logs: FakeLogs, sns: FakeSns, now: datetime) -> list[str]:
    def emit(line: str) -> None:
        logs.write(config.log_group, "watcher", [LogEvent(ms(now), line, "watcher")])

    run_pass(config, logs, sns, emit, now=now)
    return [subject for _, subject, _ in sns.messages]


def test_the_config_survives_its_json_and_names_only_enabled_alerting_jobs() -> None:
    config = _config()
    assert [j.name for j in config.jobs] == ["canary"]
    assert config.topics == (("ops", TOPIC),)
    again = from_json(to_json(config))
    assert again.topics == config.topics
    assert again.jobs[0].alert == RULE
    assert again.log_group == "/sched/acme-ops/sched-watcher"


def test_fail_then_missed_then_good_alerts_once_each_way() -> None:
    config, logs, sns = _config(), FakeLogs(), FakeSns()
    start = at("2026-12-01T00:30:00")
    assert _pass(config, logs, sns, start) == []  # first pass: watched from now
    logs.groups[group("canary")] = run_events(
        "canary",
        at("2026-12-01T01:00:00"),
        request_id="r1",
        status="failed",
        error=("KeyError", "'missing'"),
    )
    assert _pass(config, logs, sns, at("2026-12-01T01:05:00")) == [
        "sched: canary failed (acme-ops)"
    ]
    topic, _, body = sns.messages[0]
    assert topic == TOPIC
    assert "the fire of 2026-12-01 01:00 UTC failed: KeyError: 'missing'" in body
    # the 02:00 fire never runs: still bad, already told, so nothing more
    assert len(_pass(config, logs, sns, at("2026-12-01T02:15:00"))) == 1
    logs.groups[group("canary")] += run_events("canary", at("2026-12-01T03:00:00"), request_id="r3")
    assert _pass(config, logs, sns, at("2026-12-01T03:05:00"))[1:] == [
        "sched: canary recovered (acme-ops)"
    ]
    assert len(_pass(config, logs, sns, at("2026-12-01T03:10:00"))) == 2


def test_a_missed_fire_alerts_once_after_its_grace() -> None:
    config, logs, sns = _config(), FakeLogs(), FakeSns()
    _pass(config, logs, sns, at("2026-12-01T00:30:00"))
    assert _pass(config, logs, sns, at("2026-12-01T01:09:00")) == []  # within its grace
    assert _pass(config, logs, sns, at("2026-12-01T01:11:00")) == [
        "sched: canary missed (acme-ops)"
    ]
    assert len(_pass(config, logs, sns, at("2026-12-01T01:20:00"))) == 1


def test_an_alert_no_channel_took_is_tried_again_on_the_next_pass() -> None:
    config, logs = _config(), FakeLogs()

    class Down:
        def publish(self, topic_arn: str, subject: str, message: str) -> str:
            raise ConnectionError("SNS is down")

    def emit(now: datetime) -> object:
        return lambda line: logs.write(config.log_group, "w", [LogEvent(ms(now), line, "w")])

    run_pass(config, logs, Down(), emit(at("2026-12-01T00:30:00")), now=at("2026-12-01T00:30:00"))
    failed = run_pass(
        config, logs, Down(), emit(at("2026-12-01T01:11:00")), now=at("2026-12-01T01:11:00")
    )
    assert [s.error for s in failed.failed] == ["ConnectionError: SNS is down"]
    sns = FakeSns()
    assert _pass(config, logs, sns, at("2026-12-01T01:15:00")) == [
        "sched: canary missed (acme-ops)"
    ]


def test_a_line_the_job_s_deployment_did_not_write_raises_no_alert() -> None:
    """Any function that can write to the job's log group can forge a failed run: the watcher
    believes only lines carrying the job's deployed SCHED_DEPLOY, as `sched status` does."""
    deployed_at, fire = at("2026-11-24T00:00:00Z"), at("2026-11-24T06:00:00Z")
    deployments = FakeDeployments(
        {"acme-ops-canary": deployed_at}, deploys={"acme-ops-canary": "d1"}
    )
    config = _config()
    forged, genuine = FakeLogs(), FakeLogs()
    for logs, deploy in ((forged, "x"), (genuine, "d1")):
        events = run_events(
            "canary", fire, request_id="r1", status="failed", error=("E", "x"), deploy=deploy
        )
        logs.write(group("canary"), events[0].log_stream, events)
    now = fire + timedelta(minutes=5)  # within the grace: an unseen fire is not missed yet
    first_seen = {"canary": fire - timedelta(minutes=1)}  # its earlier fires are judged

    told = []
    for logs in (forged, genuine):
        sns = FakeSns()
        run_pass(config, logs, sns, lambda _: None, now=now, first_seen=first_seen,
                 deployments=deployments)  # fmt: skip
        told.append([subject for _, subject, _ in sns.messages])

    assert told == [[], ["sched: canary failed (acme-ops)"]]


def test_a_pass_through_logs_insights_decides_as_one_group_by_group() -> None:
    """The same fail, missed and good runs, read by the jobs' groups or through the fake Logs
    Insights (over the same stored groups): the same decisions, alerts and state each pass."""

    def passes(insights: bool) -> list[Pass]:
        config, logs, sns = _config(), FakeLogs(), FakeSns()
        reads = InsightsReads(FakeInsights(logs.groups), sleep=lambda _: None) if insights else None
        done = []
        for when, runs in (
            ("00:30", []),
            ("01:05", run_events("canary", at("2026-12-01T01:00:00"), request_id="r1",
                                 status="failed", error=("KeyError", "'missing'"))),
            ("02:15", []),
            ("03:05", run_events("canary", at("2026-12-01T03:00:00"), request_id="r3")),
        ):  # fmt: skip
            now = at(f"2026-12-01T{when}:00")
            logs.groups.setdefault(group("canary"), []).extend(runs)

            def emit(line: str, now: datetime = now) -> None:
                logs.write(config.log_group, "w", [LogEvent(ms(now), line, "w")])

            done.append(run_pass(config, logs, sns, emit, now=now, reads=reads))
        return done

    by_group = passes(insights=False)
    assert [len(p.alerts) for p in by_group] == [0, 1, 0, 1]
    assert passes(insights=True) == by_group
