"""Creates, updates and deletes the SNS topics sched owns for email alert channels, with their
tags and email subscriptions. Topics sched does not own (`topic:` channels) never come here.
"""

from __future__ import annotations

from typing import Any

from scheduler import naming
from scheduler.aws.clients import Clients
from scheduler.aws.convert import tag_changes
from scheduler.aws.errors import translated
from scheduler.errors import NotFound
from scheduler.resources import Topic

EMAIL = "email"
# An email subscription nobody has confirmed yet has no ARN to unsubscribe with; SNS deletes
# it after three days: https://docs.aws.amazon.com/sns/latest/dg/sns-email-notifications.html
PENDING = "PendingConfirmation"


def email_subscriptions(client: Any, topic_arn: str) -> dict[str, str]:
    """Endpoint → subscription ARN (or `PENDING`) of the topic's email subscriptions."""
    found: dict[str, str] = {}
    with translated("sns", topic_arn):
        pages = client.get_paginator("list_subscriptions_by_topic").paginate(TopicArn=topic_arn)
        for page in pages:
            for sub in page.get("Subscriptions", []):
                if sub.get("Protocol") == EMAIL:
                    found[str(sub["Endpoint"])] = str(sub.get("SubscriptionArn", PENDING))
    return found


class TopicWriter:
    def __init__(self, clients: Clients, *, region: str, account: str) -> None:
        self.c = clients
        self.region = region
        self.account = account

    def _arn(self, topic: Topic) -> str:
        return naming.topic_arn(self.region, self.account, topic.name)

    def create(self, topic: Topic) -> None:
        tags = [{"Key": k, "Value": v} for k, v in topic.tags]
        with translated("sns", topic.name):
            arn = self.c.sns.create_topic(Name=topic.name, Tags=tags)["TopicArn"]
            for email in topic.emails:
                self.c.sns.subscribe(TopicArn=arn, Protocol=EMAIL, Endpoint=email)

    def update(self, before: Topic, after: Topic) -> None:
        arn = self._arn(after)
        to_set, to_remove = tag_changes(before.tags, after.tags)
        with translated("sns", after.name):
            if to_set:
                tags = [{"Key": k, "Value": v} for k, v in to_set.items()]
                self.c.sns.tag_resource(ResourceArn=arn, Tags=tags)
            if to_remove:
                self.c.sns.untag_resource(ResourceArn=arn, TagKeys=to_remove)
            for email in sorted(set(after.emails) - set(before.emails)):
                self.c.sns.subscribe(TopicArn=arn, Protocol=EMAIL, Endpoint=email)
        gone = set(before.emails) - set(after.emails)
        if gone:
            current = email_subscriptions(self.c.sns, arn)
            with translated("sns", after.name):
                for email in sorted(gone):
                    subscription = current.get(email, PENDING)
                    if subscription.startswith("arn:"):
                        self.c.sns.unsubscribe(SubscriptionArn=subscription)

    def delete(self, topic: Topic) -> None:
        try:
            with translated("sns", topic.name):
                self.c.sns.delete_topic(TopicArn=self._arn(topic))  # its subscriptions go too
        except NotFound:
            return
