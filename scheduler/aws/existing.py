"""What a create does when AWS says the resource exists already: after a lost response (botocore
retried a call that had succeeded) the resource is sched's own, carrying this catalogue's tags,
and the create is done; anything else is someone's, and the error says whose and what to do."""

from __future__ import annotations

from collections.abc import Mapping

from scheduler import naming
from scheduler.errors import AwsError, Conflict
from scheduler.resources import Pairs
from scheduler.state import taken_by


def made_by_this_catalogue(found: Mapping[str, str], wanted: Pairs) -> bool:
    """Whether `found` tags are the ownership tags of the catalogue `wanted` tags name."""
    catalogue = dict(wanted).get(naming.CATALOGUE_TAG)
    return (
        catalogue is not None
        and found.get(naming.MANAGED_BY_KEY) == naming.MANAGED_BY_VALUE
        and found.get(naming.CATALOGUE_TAG) == catalogue
        and found.get(naming.ENVIRONMENT_TAG) == dict(wanted).get(naming.ENVIRONMENT_TAG)
    )


def taken(error: AwsError, kind: str, name: str, found: Mapping[str, str]) -> Conflict:
    """The conflict of a create whose name someone else holds: who, and what to do."""
    return Conflict(
        error.action,
        f"a {kind} named {name} {taken_by(found)}",
        f"rename the job (or the catalogue), or delete or rename that {kind}",
        code=error.code or "ResourceAlreadyExists",
        resource=name,
    )
