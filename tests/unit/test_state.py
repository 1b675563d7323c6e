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


QUEUE = "arn:aws:sqs:eu-west-1:123456789012:dlq"
RULE = "arn:aws:events:eu-west-1:123456789012:rule/acme-backup"


def test_a_statement_with_sched_s_sid_it_does_not_own_is_a_name_taken() -> None:
    from scheduler.ports import ReadScope
    from scheduler.state import queue_statement_taken

    scope = ReadScope("acme", "123456789012", "eu-west-1")
    theirs = QueueStatement(QUEUE, "acme-backup", "arn:aws:events:eu-west-1:999:rule/x")
    left_by_a_stopped_apply = QueueStatement(QUEUE, "acme-backup", RULE)
    unrelated = QueueStatement(QUEUE, "AllowOthers", "arn:aws:x")

    taken = queue_statement_taken(theirs, scope, owned_rules=frozenset())
    assert taken is not None and (taken.key, taken.inside) == (
        (QueueStatement.kind, "dlq/acme-backup"),
        False,
    )
    assert queue_statement_taken(left_by_a_stopped_apply, scope, owned_rules=frozenset()) is None
    assert queue_statement_taken(unrelated, scope, owned_rules=frozenset()) is None
