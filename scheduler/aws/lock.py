"""The ApplyLock: one tagged SSM String parameter per catalogue (`naming.lock_parameter_name`),
created with a conditional write (PutParameter without Overwrite fails when it exists), holding
who took it, when, and when it expires. Deleted when the apply ends; a killed apply's lock
expires, and `force` (`--force-unlock`) removes a lock whoever holds it, but never a parameter
not tagged as this catalogue's. `refresh`, just before an apply's first write, proves the lock
is still the apply's (a confirmation prompt may outwait the TTL) and restarts its TTL.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

from scheduler import naming
from scheduler.aws.clients import Clients
from scheduler.aws.convert import tags_from_list
from scheduler.aws.errors import translated
from scheduler.errors import AwsError, Conflict, Locked, LockLost, NotFound


@dataclass(frozen=True)
class _Held:
    holder: str
    since: str
    expires: datetime


class SsmApplyLock:
    def __init__(self, clients: Clients) -> None:
        self.c = clients

    def acquire(
        self, catalogue: str, holder: str, now: datetime, *, ttl: timedelta, force: bool = False
    ) -> None:
        name = naming.lock_parameter_name(catalogue)
        value = json.dumps(
            {"holder": holder, "since": _iso(now), "expires": _iso(now + ttl)}, sort_keys=True
        )
        if force:
            self._delete(name, catalogue)
        if self._put(name, catalogue, value):
            return
        held = self._held(name)
        if held is not None and held.expires > now:
            raise Locked(catalogue, held.holder, held.since, _iso(held.expires))
        # Expired (its apply was killed) or released meanwhile: take it over, once.
        self._delete(name, catalogue)
        if not self._put(name, catalogue, value):
            held = self._held(name)
            who = held or _Held("another apply", "just now", now + ttl)
            raise Locked(catalogue, who.holder, who.since, _iso(who.expires))

    def refresh(self, catalogue: str, holder: str, now: datetime, *, ttl: timedelta) -> None:
        """Raise `Locked` (or `LockLost`) unless `holder` still holds the lock; then hold it
        `ttl` from `now`. (Read then overwrite: SSM has no conditional overwrite, so a takeover
        in between is possible, in a window of milliseconds instead of a whole prompt.)"""
        name = naming.lock_parameter_name(catalogue)
        held = self._held(name)
        if held is None:
            raise LockLost(catalogue)
        if held.holder != holder:
            raise Locked(catalogue, held.holder, held.since, _iso(held.expires))
        value = json.dumps(
            {"holder": holder, "since": held.since, "expires": _iso(now + ttl)}, sort_keys=True
        )
        with translated("ssm", name):
            self.c.ssm.put_parameter(Name=name, Value=value, Type="String", Overwrite=True)

    def release(self, catalogue: str, holder: str) -> None:
        name = naming.lock_parameter_name(catalogue)
        held = self._held(name)
        if held is not None and held.holder == holder:
            self._delete(name, catalogue)

    def _put(self, name: str, catalogue: str, value: str) -> bool:
        """Create the parameter; False when it exists (the conditional write lost)."""
        try:
            with translated("ssm", name):
                self.c.ssm.put_parameter(
                    Name=name,
                    Value=value,
                    Type="String",
                    Description="sched: held while an apply of this catalogue runs",
                    Tags=[
                        {"Key": k, "Value": v} for k, v in naming.ownership_tags(catalogue).items()
                    ],
                )
        except Conflict:
            return False
        return True

    def _held(self, name: str) -> _Held | None:
        try:
            with translated("ssm", name):
                value = self.c.ssm.get_parameter(Name=name)["Parameter"].get("Value", "")
        except NotFound:
            return None
        try:
            document = json.loads(value)
            return _Held(
                str(document["holder"]),
                str(document["since"]),
                datetime.fromisoformat(str(document["expires"])),
            )
        except (ValueError, KeyError, TypeError) as error:
            raise AwsError(
                "ssm:GetParameter",
                f"the parameter {name} is not a lock sched wrote",
                "delete or rename that parameter: sched keeps its apply lock there",
                resource=name,
            ) from error

    def _delete(self, name: str, catalogue: str) -> None:
        """Delete the lock parameter, only if it is tagged as this catalogue's (sched's)."""
        try:
            with translated("ssm", name):
                listed = self.c.ssm.list_tags_for_resource(
                    ResourceType="Parameter", ResourceId=name
                )
        except NotFound:
            return
        tags = tags_from_list(listed.get("TagList", []))
        if tags != {**tags, **naming.ownership_tags(catalogue)}:
            raise Conflict(
                "ssm:DeleteParameter",
                f"the parameter {name} was not created by sched for catalogue {catalogue};"
                " it was left as it is",
                "delete or rename that parameter yourself if it is not needed: sched keeps its"
                " apply lock there",
                code="NotSched",
                resource=name,
            )
        try:
            with translated("ssm", name):
                self.c.ssm.delete_parameter(Name=name)
        except NotFound:
            return


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")
