"""Creates, updates and deletes EventBridge rules (with tags) and their targets.

PutRule and PutTargets both create or overwrite, so creating a rule first checks that no rule
of that name exists, or that it is this catalogue's (made by a call whose response was lost):
sched never takes over a rule it did not create.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from scheduler import naming
from scheduler.aws.clients import Clients
from scheduler.aws.convert import events_tags, rule_target_to_aws, tag_changes, tags_from_list
from scheduler.aws.errors import from_client_error, translated
from scheduler.aws.existing import made_by_this_catalogue, taken
from scheduler.errors import Conflict, InvalidRequest, NotFound
from scheduler.resources import Rule, Target

if TYPE_CHECKING:
    from mypy_boto3_events.literals import RuleStateType

_HAS_TARGETS = "targets"


class RuleWriter:
    def __init__(self, clients: Clients, *, region: str, account: str) -> None:
        self.c = clients
        self.region = region
        self.account = account

    def create(self, rule: Rule) -> None:
        events = self.c.events
        try:
            with translated("events", rule.name):
                events.describe_rule(Name=rule.name)
        except NotFound:
            pass
        else:
            arn = naming.rule_arn(self.region, self.account, rule.name)
            with translated("events", rule.name):
                found = tags_from_list(events.list_tags_for_resource(ResourceARN=arn)["Tags"])
            if not made_by_this_catalogue(found, rule.tags):
                exists = Conflict("events:PutRule", "exists", code="ResourceAlreadyExists")
                raise taken(exists, "rule", rule.name, found)
            # Ours, from a response that was lost: PutRule again makes it exactly the one wanted.
        with translated("events", rule.name):
            events.put_rule(
                Name=rule.name,
                ScheduleExpression=rule.schedule_expression,
                State=_state(rule),
                Description=rule.description,
                Tags=events_tags(rule.tags),
            )

    def update(self, before: Rule, after: Rule) -> None:
        events = self.c.events
        arn = naming.rule_arn(self.region, self.account, after.name)
        with translated("events", after.name):
            if (before.schedule_expression, before.state, before.description) != (
                after.schedule_expression,
                after.state,
                after.description,
            ):
                # PutRule creates the rule when it is gone (deleted while apply runs), so it
                # carries the tags: on an existing rule AWS ignores them and leaves its tags.
                # https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_PutRule.html
                events.put_rule(
                    Name=after.name,
                    ScheduleExpression=after.schedule_expression,
                    State=_state(after),
                    Description=after.description,
                    Tags=events_tags(after.tags),
                )
            to_set, to_remove = tag_changes(before.tags, after.tags)
            if to_set:
                events.tag_resource(
                    ResourceARN=arn, Tags=events_tags(tuple(sorted(to_set.items())))
                )
            if to_remove:
                events.untag_resource(ResourceARN=arn, TagKeys=to_remove)

    def delete(self, rule: Rule) -> None:
        try:
            with translated("events", rule.name):
                self.c.events.delete_rule(Name=rule.name)
        except InvalidRequest as error:
            # "Rule can't be deleted since it has targets": the rule is owned, so are they.
            if _HAS_TARGETS not in str(error):
                raise
            self._remove_all_targets(rule.name)
            with translated("events", rule.name):
                self.c.events.delete_rule(Name=rule.name)
        except NotFound:
            return

    def _remove_all_targets(self, rule: str) -> None:
        with translated("events", rule):
            pages = self.c.events.get_paginator("list_targets_by_rule").paginate(Rule=rule)
            ids = [t["Id"] for page in pages for t in page["Targets"]]
        for target_id in ids:
            TargetWriter(self.c).delete_id(rule, target_id)


class TargetWriter:
    def __init__(self, clients: Clients) -> None:
        self.c = clients

    def create(self, target: Target) -> None:
        self.put(target)

    def update(self, before: Target, after: Target) -> None:
        # PutTargets replaces the whole target: fields left out are removed.
        self.put(after)

    def put(self, target: Target) -> None:
        with translated("events", target.key_name):
            response = self.c.events.put_targets(
                Rule=target.rule, Targets=[rule_target_to_aws(target)]
            )
        for failed in response.get("FailedEntries", []):
            raise _entry_error("PutTargets", failed, target.key_name)

    def delete(self, target: Target) -> None:
        self.delete_id(target.rule, target.id)

    def delete_id(self, rule: str, target_id: str) -> None:
        try:
            with translated("events", f"{rule}/{target_id}"):
                response = self.c.events.remove_targets(Rule=rule, Ids=[target_id])
        except NotFound:  # the rule is gone, and its targets with it
            return
        for failed in response.get("FailedEntries", []):
            raise _entry_error("RemoveTargets", failed, f"{rule}/{target_id}")


def _entry_error(operation: str, entry: object, resource: str) -> Exception:
    """A failed entry of PutTargets/RemoveTargets, raised like the error response it stands for."""
    details = entry if isinstance(entry, dict) else {}
    error = ClientError(
        {
            "Error": {
                "Code": str(details.get("ErrorCode", "FailedEntry")),
                "Message": str(details.get("ErrorMessage", "")),
            }
        },
        operation,
    )
    return from_client_error("events", error, resource)


def _state(rule: Rule) -> RuleStateType:
    state: RuleStateType = rule.state.value
    return state
