"""One catalogue's alert topics, for the StateReader: the SNS topics with its names (owned by
name and tags) and the email addresses subscribed to the owned ones.
"""

from __future__ import annotations

from scheduler import naming
from scheduler.aws.convert import tags_from_list
from scheduler.aws.errors import translated
from scheduler.aws.read_scope import ScopedRead
from scheduler.aws.write_sns import email_subscriptions
from scheduler.errors import NotFound
from scheduler.resource_state import Unowned
from scheduler.resources import ResourceKind, Topic
from scheduler.state import taken_by, topic_from_listing


class TopicReader(ScopedRead):
    """The owned topics and their subscriptions."""

    def read(self) -> tuple[list[Topic], list[Unowned]]:
        """The alert topics the catalogue owns (name and tags), with the email addresses sched
        subscribed; the topics with its names it does not own (a create of one would be a
        collision), and the addresses a person subscribed to owned ones (drift)."""
        with translated("sns"):
            arns = [
                str(t["TopicArn"])
                for page in self.c.sns.get_paginator("list_topics").paginate()
                for t in page.get("Topics", [])
            ]
        named = [(arn.rsplit(":", 1)[-1], arn) for arn in arns]
        candidates = [(n, a) for n, a in named if naming.has_owned_name(n, self.names)]
        found: list[Topic] = []
        unowned: list[Unowned] = []
        for topic in self.map(self.topic, candidates):
            if isinstance(topic, tuple):
                found.append(topic[0])
                unowned.extend(topic[1])
            elif topic is not None:
                unowned.append(topic)
        return found, unowned

    def topic(self, candidate: tuple[str, str]) -> tuple[Topic, list[Unowned]] | Unowned | None:
        name, arn = candidate
        try:
            with translated("sns", name):
                response = self.c.sns.list_tags_for_resource(ResourceArn=arn)
            tags = tags_from_list(response.get("Tags", []))
            if not self.owns(name, tags):
                return Unowned((ResourceKind.TOPIC, name), taken_by(tags))
            subscriptions = email_subscriptions(self.c.sns, arn)
        except NotFound:  # deleted since it was listed
            return None
        return topic_from_listing(name, tags, subscriptions)
