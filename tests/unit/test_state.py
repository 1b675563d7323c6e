"""Which statements of a dead-letter queue's policy (a queue sched did not create) a catalogue
owns: only its prefix on the Sid AND one of its own rules as SourceArn."""

from __future__ import annotations

import pytest

from scheduler import naming
from scheduler.resources import QueueStatement
from scheduler.state import owns_queue_statement

REGION, ACCOUNT = "eu-west-1", "123456789012"
QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT}:dlq"
OURS = naming.rule_arn(REGION, ACCOUNT, "acme-backup")
OTHERS = naming.rule_arn(REGION, ACCOUNT, "acme-ops-backup")  # catalogue acme-ops's rule


@pytest.mark.parametrize(
    ("sid", "source", "owned"),
    [
        ("acme-backup", OURS, True),
        ("acme-backup", OTHERS, False),  # our Sid, another catalogue's rule
        ("acme-ops-backup", OTHERS, False),  # shares our prefix, not our rule
        ("AllowEvents", OURS, False),  # hand-made for our rule: the user's
        ("acme-backup", "", False),  # no SourceArn: cannot be proved
    ],
)
def test_a_queue_statement_is_owned_only_with_the_prefix_and_an_owned_rule(
    sid: str, source: str, owned: bool
) -> None:
    statement = QueueStatement(queue_arn=QUEUE, sid=sid, source_arn=source)
    assert (
        owns_queue_statement(
            statement, prefix=naming.owned_prefix("acme"), owned_rules=frozenset({OURS})
        )
        is owned
    )


SUB = "arn:aws:sns:eu-west-1:123456789012:acme-alerts-ops:"


def test_a_topic_s_emails_are_those_sched_subscribed_the_others_drift() -> None:
    from scheduler.state import topic_from_listing

    tags = {naming.EMAILS_TAG: naming.mark(["ops@x.com", "new@x.com"]) or ""}
    listing = {
        "ops@x.com": SUB + "1",
        "new@x.com": "PendingConfirmation",
        "hand@x.com": SUB + "2",
        "asked@x.com": "PendingConfirmation",
    }

    topic, drift = topic_from_listing("acme-alerts-ops", tags, listing)

    assert (topic.emails, topic.pending) == (("new@x.com", "ops@x.com"), ("new@x.com",))
    assert [u.why for u in drift] == [
        "email asked@x.com awaits confirmation, not subscribed by sched",
        "email hand@x.com not subscribed by sched",
    ]
    assert all(u.inside for u in drift)
