"""Adds, replaces and removes sched's own statement in the policy of a dead-letter queue.

The queue is the user's: each change reads the policy, touches only the statement with the
resource's Sid, and writes the policy back, every other statement as it was. Changes to one
queue take turns (a lock per queue), since two jobs may share a queue and a policy is written
whole; another writer outside sched could still race, which SQS offers no way to prevent.
"""

from __future__ import annotations

import threading

from scheduler.aws.clients import Clients
from scheduler.aws.convert import (
    queue_has_statement,
    queue_policy_with,
    queue_statements_from_policy,
)
from scheduler.aws.errors import translated
from scheduler.errors import Conflict, NotFound
from scheduler.resources import QueueStatement


class QueueStatementWriter:
    def __init__(self, clients: Clients) -> None:
        self.c = clients
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def _lock(self, queue_arn: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(queue_arn, threading.Lock())

    def _url(self, queue_arn: str) -> str:
        *_, account, name = queue_arn.split(":")
        try:
            with translated("sqs", name):
                response = self.c.sqs.get_queue_url(QueueName=name, QueueOwnerAWSAccountId=account)
        except NotFound as missing:
            raise NotFound(
                missing.action,
                f"the dead-letter queue {name} does not exist ({queue_arn})",
                "create the queue (sched never creates one: it only adds its statement to the"
                " queue's policy), or fix dead_letter_queue in the catalogue",
                code=missing.code,
                resource=queue_arn,
            ) from None
        return response["QueueUrl"]

    def _policy(self, url: str) -> str | None:
        with translated("sqs", url):
            attributes = self.c.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["Policy"])
        return attributes.get("Attributes", {}).get("Policy")

    def _write(self, url: str, policy: str) -> None:
        with translated("sqs", url):
            self.c.sqs.set_queue_attributes(QueueUrl=url, Attributes={"Policy": policy})

    def create(self, statement: QueueStatement) -> None:
        with self._lock(statement.queue_arn):
            url = self._url(statement.queue_arn)
            policy = self._policy(url)
            # Exactly the wanted statement: an earlier apply wrote it and stopped before
            # reading it back as sched's (its rule did not exist yet); writing it again is a
            # no-op, as for a Lambda permission whose response was lost.
            found = queue_statements_from_policy(policy, statement.queue_arn)
            if statement in found:
                return
            if queue_has_statement(policy, statement.sid):
                raise Conflict(
                    "sqs:SetQueueAttributes",
                    f"the policy of queue {statement.key_name.split('/')[0]} has a statement"
                    f" {statement.sid} already, which sched cannot prove it wrote",
                    "remove or rename that statement (its Sid), or use another queue",
                    code="StatementExists",
                    resource=statement.queue_arn,
                )
            self._write(url, queue_policy_with(policy, statement, statement.sid))

    def update(self, before: QueueStatement, after: QueueStatement) -> None:
        with self._lock(after.queue_arn):
            url = self._url(after.queue_arn)
            self._write(url, queue_policy_with(self._policy(url), after, before.sid))

    def delete(self, statement: QueueStatement) -> None:
        with self._lock(statement.queue_arn):
            try:
                url = self._url(statement.queue_arn)
                policy = self._policy(url)
            except NotFound:  # the queue is gone, and its policy with it
                return
            if queue_has_statement(policy, statement.sid):
                self._write(url, queue_policy_with(policy, None, statement.sid))
