"""The alert watcher on moto: apply creates its topic (subscribed), role, function, rule, target
and permission; a re-read plans nothing; removing `alerts:` prunes exactly those; an existing
topic of a `topic:` channel is published to, never touched."""

from __future__ import annotations

from pathlib import Path

from aws_support import load_catalogue, read_back, write_catalogue

from scheduler.app.deploy import desired_state
from scheduler.apply import apply_plan
from scheduler.aws import AwsContext
from scheduler.plan import Action, make_plan
from scheduler.resource_state import DesiredState

TEXT = """\
catalogue: acme
alerts:
  channels:
    ops: {email: [ops@example.com, oncall@example.com]}
    pager: {topic: "arn:aws:sns:eu-west-1:123456789012:pager"}
jobs:
  backup:
    schedule: cron(0 2 ? * MON *)
    expected_runtime: 1m
    handler: jobs/backup/handler.py:main
    alert: {to: [ops, pager]}
"""
WATCHER = "acme-sched-watcher"


def _apply(aws: AwsContext, text: str, root: Path) -> DesiredState:
    catalogue = load_catalogue(write_catalogue(root, text))
    desired = desired_state(catalogue, account=aws.account, region=aws.region)
    assert apply_plan(make_plan(desired, read_back(aws, "acme", desired)), aws.writer).ok
    return desired


def test_the_watcher_is_applied_read_back_unchanged_and_pruned(
    aws: AwsContext, tmp_path: Path
) -> None:
    sns = aws.session.client("sns")
    pager = sns.create_topic(Name="pager")["TopicArn"]
    assert pager.endswith(":123456789012:pager")  # the fixture's region is eu-west-1
    desired = _apply(aws, TEXT, tmp_path)

    assert make_plan(desired, read_back(aws, "acme", desired)).pending == ()
    topics = [t["TopicArn"] for t in sns.list_topics()["Topics"]]
    ops = next(t for t in topics if t.endswith(":acme-alerts-ops"))
    subscribed = sns.list_subscriptions_by_topic(TopicArn=ops)["Subscriptions"]
    assert sorted(s["Endpoint"] for s in subscribed) == ["oncall@example.com", "ops@example.com"]
    assert sns.list_subscriptions_by_topic(TopicArn=pager)["Subscriptions"] == []
    assert sns.list_tags_for_resource(ResourceArn=pager)["Tags"] == []
    policy = aws.session.client("iam").get_role_policy(RoleName=WATCHER, PolicyName="sched")
    statements = {s["Sid"]: s for s in policy["PolicyDocument"]["Statement"]}
    assert sorted(statements["PublishAlerts"]["Resource"]) == sorted([ops, pager])
    assert statements["ReadJobLogs"]["Action"] == ["logs:FilterLogEvents"]
    groups = ("/sched/acme/backup", "/sched/acme/sched-watcher")
    assert all(r.split(":log-group:")[1].removesuffix(":*") in groups
               for r in statements["ReadJobLogs"]["Resource"])  # fmt: skip
    rule = aws.session.client("events").describe_rule(Name=WATCHER)
    assert rule["ScheduleExpression"] == "rate(5 minutes)"

    head, jobs = TEXT.split("jobs:\n")
    without = (
        head.partition("alerts:")[0]
        + "jobs:\n"
        + jobs.replace("    alert: {to: [ops, pager]}\n", "")
    )
    catalogue = load_catalogue(write_catalogue(tmp_path, without))
    after = desired_state(catalogue, account=aws.account, region=aws.region)
    plan = make_plan(after, read_back(aws, "acme", after))
    assert sorted((c.action, str(c.kind), c.name) for c in plan.pending) == sorted(
        [(Action.DELETE, "topic", "acme-alerts-ops")]
        + [(Action.DELETE, kind, WATCHER) for kind in ("role", "function", "rule")]
        + [
            (Action.DELETE, "permission", f"{WATCHER}/{WATCHER}"),
            (Action.DELETE, "target", f"{WATCHER}/sched"),
        ]
    )
    assert apply_plan(plan, aws.writer).ok
    assert [t["TopicArn"] for t in sns.list_topics()["Topics"]] == [pager]
    assert make_plan(after, read_back(aws, "acme", after)).pending == ()


def test_an_address_removed_from_a_channel_is_unsubscribed(aws: AwsContext, tmp_path: Path) -> None:
    _apply(aws, TEXT, tmp_path)
    desired = _apply(aws, TEXT.replace("ops@example.com, ", ""), tmp_path)
    assert make_plan(desired, read_back(aws, "acme", desired)).pending == ()
    sns = aws.session.client("sns")
    ops = next(t["TopicArn"] for t in sns.list_topics()["Topics"] if "alerts-ops" in t["TopicArn"])
    endpoints = [
        s["Endpoint"] for s in sns.list_subscriptions_by_topic(TopicArn=ops)["Subscriptions"]
    ]
    assert endpoints == ["oncall@example.com"]


def test_an_address_subscribed_by_hand_is_drift_and_never_unsubscribed(
    aws: AwsContext, tmp_path: Path
) -> None:
    _apply(aws, TEXT, tmp_path)
    sns = aws.session.client("sns")
    ops = next(t["TopicArn"] for t in sns.list_topics()["Topics"] if "alerts-ops" in t["TopicArn"])
    sns.subscribe(TopicArn=ops, Protocol="email", Endpoint="oncall-manager@example.com")

    catalogue = load_catalogue(write_catalogue(tmp_path, TEXT))
    desired = desired_state(catalogue, account=aws.account, region=aws.region)
    plan = make_plan(desired, read_back(aws, "acme", desired))
    assert plan.pending == ()
    assert [(u.key[1], u.why) for u in plan.drift] == [
        ("acme-alerts-ops", "email oncall-manager@example.com not subscribed by sched")
    ]

    desired = _apply(aws, TEXT.replace("ops@example.com, ", ""), tmp_path)
    endpoints = sorted(
        s["Endpoint"] for s in sns.list_subscriptions_by_topic(TopicArn=ops)["Subscriptions"]
    )
    assert endpoints == ["oncall-manager@example.com", "oncall@example.com"]
    assert make_plan(desired, read_back(aws, "acme", desired)).pending == ()
