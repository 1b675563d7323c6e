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
