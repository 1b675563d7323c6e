"""The targets of one catalogue's owned rules, for the StateReader, and the statements in the
policies of the dead-letter queues its scope and those targets name (`owns_queue_statement`;
one with a Sid sched would write that it does not own is a name taken).
"""

from __future__ import annotations

from scheduler.aws.convert import queue_statements_from_policy, target_from_aws
from scheduler.aws.errors import translated
from scheduler.aws.read_candidates import Owned
from scheduler.aws.read_scope import ScopedRead
from scheduler.errors import NotFound
from scheduler.resource_state import Unowned
from scheduler.resources import QueueStatement, Rule, Target
from scheduler.state import owns_queue_statement, queue_statement_taken


class TargetReader(ScopedRead):
    """Per owned rule its targets; per queue its policy's statements."""

    def targets_of(self, rule: Rule) -> list[Target]:
        try:
            with translated("events", rule.name):
                pages = self.c.events.get_paginator("list_targets_by_rule").paginate(Rule=rule.name)
                return [target_from_aws(rule.name, t) for page in pages for t in page["Targets"]]
        except NotFound:  # deleted since it was listed
            return []

    def queue_statements(
        self, owned: Owned, targets: list[Target]
    ) -> tuple[list[QueueStatement], list[Unowned]]:
        """Owned statements in the policies of the scope's dead-letter queues and of those the
        owned targets name; a queue sched cannot find or read holds none of them. Also the
        statements there with a Sid sched would write that it does not own (names taken)."""
        queues = set(self.scope.dead_letter_queues)
        queues.update(t.dead_letter_arn for t in targets if t.dead_letter_arn)
        found = self.map(self.queue_policy_of, sorted(q for q in queues if ":sqs:" in q))
        listed = [s for statements in found for s in statements]
        ours = [
            s
            for s in listed
            if owns_queue_statement(s, prefix=self.prefix, owned_rules=owned.rule_arns)
        ]
        taken = [queue_statement_taken(s, self.scope, owned_rules=owned.rule_arns) for s in listed]
        return ours, [u for u in taken if u is not None]

    def queue_policy_of(self, queue_arn: str) -> list[QueueStatement]:
        *_, account, name = queue_arn.split(":")
        try:
            with translated("sqs", name):
                url = self.c.sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)
                attributes = self.c.sqs.get_queue_attributes(
                    QueueUrl=url["QueueUrl"], AttributeNames=["Policy"]
                )
        except NotFound:  # not created yet, or deleted: apply says so when it writes
            return []
        policy = attributes.get("Attributes", {}).get("Policy")
        return queue_statements_from_policy(policy, queue_arn)
